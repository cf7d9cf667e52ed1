"""What residents expect, in a real browser: edit and withdraw your own idea; an empty search says
so and its reset link brings the ideas back. The new pages pass axe, fit 390 px, work by Tab."""

import re

from playwright.sync_api import expect

from e2e.conftest import make_verified_user, sign_in
from e2e.test_accessibility import assert_page_is_accessible

BORSIGPLATZ = (51.523333, 7.481667)


def _idea_of(author):
    from quartier.cities.models import City
    from quartier.ideas.services import idea_submit

    return idea_submit(
        city=City.objects.get(slug="dortmund"),
        author=author,
        title="Leihregal im Treppenhaus",
        summary="Bücher und Werkzeug zum Teilen.",
        description="Ein Regal für alle im Haus.",
        kind="social",
        innovator_type="resident",
        lat=BORSIGPLATZ[0],
        lon=BORSIGPLATZ[1],
    )


def test_the_author_edits_and_then_withdraws_an_idea(page):
    author = make_verified_user("autorin@example.org", "Autorin")
    idea = _idea_of(author)
    sign_in(page, "autorin@example.org")
    idea_url = f"{page.base_url}/dortmund/ideas/{idea.pk}/"
    page.goto(idea_url)
    page.locator(f"a[href='/dortmund/ideas/{idea.pk}/edit/']").click()
    expect(page.locator("#id_title")).to_have_value("Leihregal im Treppenhaus")
    assert_page_is_accessible(page)

    page.fill("#id_title", "Leihregal im Hausflur")
    page.fill("#id_note", "Hausflur statt Treppenhaus")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(idea_url)
    expect(page.locator("h1")).to_have_text("Leihregal im Hausflur")

    page.locator(f"a[href='/dortmund/ideas/{idea.pk}/versions/']").click()
    expect(page.locator("ol.revisions li")).to_have_count(2)
    expect(page.locator("#version-2")).to_contain_text("Hausflur statt Treppenhaus")
    assert_page_is_accessible(page)

    page.goto(idea_url)
    page.locator(f"a[href='/dortmund/ideas/{idea.pk}/withdraw/']").click()
    assert_page_is_accessible(page)
    reason = "Die Hausverwaltung stellt schon ein Regal auf."
    page.fill("#id_reason", reason)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(idea_url)
    expect(page.locator("article .badge-withdrawn")).to_be_visible()
    expect(page.locator("article")).to_contain_text(reason)
    expect(page.locator("textarea[name=body]")).to_have_count(0)
    expect(page.locator(f"a[href='/dortmund/ideas/{idea.pk}/edit/']")).to_have_count(0)
    assert_page_is_accessible(page)


def test_an_empty_search_shows_the_empty_state_and_the_reset_link_works(page):
    page.goto(page.base_url + "/dortmund/ideas/?q=Zeppelinlandeplatz&kind=social")
    empty = page.locator("#empty-state")
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("Zeppelinlandeplatz")
    expect(page.locator("ul.cards li")).to_have_count(0)
    assert_page_is_accessible(page)
    page.locator("#reset-filters").click()
    expect(page).to_have_url(re.compile(r"/dortmund/ideas/$"))
    expect(page.locator("#empty-state")).to_have_count(0)
    assert page.locator("ul.cards li").count() > 0
