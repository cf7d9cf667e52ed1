"""Questioning and improving an idea (#11), by keyboard alone: a neighbour asks a question;
the author edits the idea, marks the question answered by the new version, and the version
comparison shows what changed. Every page passes axe and fits a 390 px phone."""

import pytest
from playwright.sync_api import expect

from .conftest import make_verified_user, sign_in
from .test_accessibility import NARROW, horizontal_overflow, violations
from .test_journeys import tab_to

pytestmark = pytest.mark.e2e


def checked(page) -> None:
    assert violations(page) == []
    assert horizontal_overflow(page) == []


@pytest.fixture
def idea(demo):
    from quartier.cities.models import City
    from quartier.ideas.services import idea_submit

    author = make_verified_user("urheberin@example.org", "Urheberin")
    return idea_submit(
        city=City.objects.get(slug="dortmund"),
        author=author,
        title="Trinkbrunnen am Borsigplatz",
        summary="Kostenloses Wasser im Sommer.",
        description="Ein Brunnen hilft bei Hitze.",
        kind="ecological",
        innovator_type="resident",
        lat=51.5203,
        lon=7.4836,
    )


def test_a_question_is_asked_answered_by_a_version_and_compared(browser, demo, idea):
    from quartier.ideas.models import Comment

    url = f"{demo.url}/dortmund/ideas/{idea.pk}/"
    neighbour_context = browser.new_context(locale="de-DE", viewport=NARROW)
    author_context = browser.new_context(locale="de-DE", viewport=NARROW)
    try:
        make_verified_user("nachbar@example.org", "Nachbar")
        page = neighbour_context.new_page()
        page.base_url = demo.url
        sign_in(page, "nachbar@example.org")
        page.goto(url)
        tab_to(page, "#id_body")
        page.keyboard.type("Wer wartet den Brunnen?")
        tab_to(page, "input[name=kind]:checked")  # the group's one tab stop: "Kommentar"
        page.keyboard.press("ArrowRight")  # "Frage"
        tab_to(page, ".comment-form button[type=submit]")
        page.keyboard.press("Enter")
        question = page.locator(".comment").filter(has_text="Wer wartet den Brunnen?")
        expect(question.locator(".badge-comment-question")).to_have_text("Frage")
        expect(question.locator(".badge-open")).to_have_text("Offen")
        checked(page)
        asked = Comment.objects.get(idea=idea)
        assert asked.kind == "question"

        page = author_context.new_page()
        page.base_url = demo.url
        sign_in(page, "urheberin@example.org")
        page.goto(url + "edit/")
        tab_to(page, "#id_description")
        page.keyboard.press("End")
        page.keyboard.type(" Die Stadtwerke warten ihn.")
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Trinkbrunnen am Borsigplatz")
        tab_to(page, f"#resolve-{asked.pk}")
        page.keyboard.type("2")
        page.keyboard.press("Enter")
        answered = page.locator(f"#comment-{asked.pk}")
        expect(answered.locator(".badge-answered")).to_have_text("Beantwortet")
        checked(page)
        tab_to(page, f"#comment-{asked.pk} a[href*='#version-2']")
        page.keyboard.press("Enter")
        expect(page.locator("#version-2")).to_be_visible()
        checked(page)
        tab_to(page, "a[href*='compare/?from=1']")
        page.keyboard.press("Enter")
        expect(page.locator("ins").first).to_contain_text("Die Stadtwerke warten ihn.")
        checked(page)
        asked.refresh_from_db()
        assert asked.resolved_revision is not None and asked.resolved_revision.number == 2
    finally:
        neighbour_context.close()
        author_context.close()


def test_typing_a_new_idea_shows_a_similar_one(page, idea):
    make_verified_user("neu@example.org", "Neu")
    sign_in(page, "neu@example.org")
    page.goto(page.base_url + "/dortmund/ideas/new/")
    page.fill("#id_title", "Trinkbrunnen für den Borsigplatz")
    found = page.locator("#similar-while-typing")
    expect(found).to_contain_text("Trinkbrunnen am Borsigplatz")
    expect(found).to_have_attribute("aria-live", "polite")
    page.set_viewport_size(NARROW)
    checked(page)
