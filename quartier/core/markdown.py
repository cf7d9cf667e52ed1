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


def render_markdown(text: str, *, heading_shift: int = 1) -> str:
    """``heading_shift`` moves headings down: an idea's "#" is an h2 below its title and its
    sections; a legal page's "##" stays an h2 (shift 0). Only h2-h4 survive: the page's
    title is its only h1."""
    html = _parser.render(text)
    if heading_shift:
        for level in (3, 2, 1):
            html = html.replace(f"<h{level}>", f"<h{level + heading_shift}>").replace(
                f"</h{level}>", f"</h{level + heading_shift}>"
            )
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )
