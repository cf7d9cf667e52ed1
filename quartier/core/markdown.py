"""Markdown in plain language, rendered to HTML that is safe to show to everyone."""

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is escaped by the parser (html=False); nh3 is the second wall in case a
# renderer bug or a link scheme slips through.
_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "hr",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def _headings_as_outline(tokens) -> None:
    """Number the headings by their nesting, below the page's title (its only h1): the first
    is an h2 whatever the author typed ("#" or "##"), and none skips a level, so that screen
    readers list them as an outline. Deeper than h4 stays h4."""
    open_levels: list[tuple[int, int]] = []  # (level typed, level shown) of the open sections
    shown = 2
    for token in tokens:
        if token.type == "heading_open":
            typed = int(token.tag[1:])
            while open_levels and open_levels[-1][0] >= typed:
                open_levels.pop()
            shown = min(open_levels[-1][1] + 1, 4) if open_levels else 2
            open_levels.append((typed, shown))
            token.tag = f"h{shown}"
        elif token.type == "heading_close":
            token.tag = f"h{shown}"


def render_markdown(text: str) -> str:
    tokens = _parser.parse(text)
    _headings_as_outline(tokens)
    html = _parser.renderer.render(tokens, _parser.options, {})
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )
