"""Markdown from residents and city staff: its headings form an outline under the page's title."""

import re

from quartier.core.markdown import render_markdown


def headings(html: str) -> list[tuple[str, str]]:
    return re.findall(r"<(h\d)>([^<]*)</h\d>", html)


def test_headings_follow_their_nesting_and_never_skip_a_level():
    # "##" first under an idea's title was an h3 right after the h1 (axe: heading-order).
    html = render_markdown("## Plan\n\ntext\n\n#### Costs\n\n### Time\n\n# Summary")
    assert headings(html) == [("h2", "Plan"), ("h3", "Costs"), ("h3", "Time"), ("h2", "Summary")]


def test_the_first_heading_is_an_h2_and_the_deepest_an_h4():
    # The page's title is its only h1.
    html = render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six")
    assert headings(html) == [
        ("h2", "One"),
        ("h3", "Two"),
        ("h4", "Three"),
        ("h4", "Four"),
        ("h4", "Six"),
    ]
    assert "<h1" not in render_markdown("# Impressum") and "<h5" not in html
