"""The city's own texts in a real browser: the credits in the footer and on the map, and the
district note, in the page's language only."""

import pytest
from playwright.sync_api import expect

from quartier.pages.management.commands.load_demo import ATTRIBUTION, DISTRICTS_NOTE

pytestmark = pytest.mark.e2e


def _map_page(page, language: str):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    page.goto(page.base_url + "/dortmund/map/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    # The map has drawn its credits (the districts layer loads with them).
    expect(page.locator("#city-map .leaflet-control-attribution")).to_contain_text(
        ATTRIBUTION[language][:20]
    )


@pytest.mark.parametrize(("language", "other"), [("en", "de"), ("de", "en")])
def test_credits_and_note_are_in_the_page_language_only(page, language, other):
    _map_page(page, language)
    expect(page.locator("footer .attribution")).to_have_text(ATTRIBUTION[language])
    expect(page.locator(".map-note span")).to_have_text(DISTRICTS_NOTE[language])
    # Translated, so nothing needs a lang of its own.
    assert page.locator("footer .attribution").get_attribute("lang") is None
    assert page.locator(".map-note span").get_attribute("lang") is None
    body = page.locator("body").inner_text()
    for text in (ATTRIBUTION[other], DISTRICTS_NOTE[other]):
        assert text[:30] not in body
