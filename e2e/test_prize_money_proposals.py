"""Prize-money proposals in a real browser: a resident proposes a project from an idea by
keyboard; the jury reviews one feasible at a lower cost and one not feasible with a reason; the
list shows both. Every page on the way passes axe and fits a phone."""

import re

from playwright.sync_api import expect

from e2e.conftest import make_verified_user, sign_in
from e2e.test_accessibility import NARROW, WIDE, horizontal_overflow, violations


def _checked(page, what: str) -> None:
    """axe at any impact and no sideways scroll, at 390 px and at 1280 px."""
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)
        assert violations(page) == [], f"{what} at {size['width']} px"
        assert horizontal_overflow(page) == [], f"{what} at {size['width']} px"
    page.set_viewport_size(WIDE)


def _tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element is focused (a keyboard user's way there)."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_a_resident_proposes_from_an_idea_and_the_jury_reviews(page, browser):
    from quartier.budgeting.models import Proposal
    from quartier.ideas.models import Idea
    from quartier.participation.models import Process

    vote = Process.objects.get(city__slug="dortmund", kind="prize_money", options__is_example=True)
    idea = Idea.objects.filter(city__slug="dortmund", hidden_at=None, withdrawn_at=None).first()
    assert idea is not None
    make_verified_user("anwohnerin@example.org", "Anwohnerin")
    sign_in(page, "anwohnerin@example.org")

    # The idea's page offers to propose it; by keyboard from the top of the page.
    page.goto(f"{page.base_url}/dortmund/ideas/{idea.pk}/")
    link = f'main a[href="/dortmund/prize-money/{vote.pk}/propose/?idea={idea.pk}"]'
    _tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/propose/\?idea="))
    expect(page.locator("#id_title")).to_have_value(idea.title)
    _checked(page, "the propose form")

    # Title and description come from the idea; the cost is typed the German way.
    page.locator("#id_title").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Schattenbäume und Bänke")
    _tab_to(page, "#id_estimate")
    page.keyboard.type("12.500")
    _tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/proposals/\d+/$"))
    expect(page.locator("h1")).to_have_text("Schattenbäume und Bänke")
    mine = Proposal.objects.get(process=vote, title="Schattenbäume und Bänke")
    assert (mine.estimate, mine.idea_id, mine.status) == (12_500, idea.pk, "submitted")
    expect(page.locator(f'main a[href="/dortmund/ideas/{idea.pk}/"]')).to_be_visible()
    _checked(page, "the proposal's page")
    # The idea's page lists the project made from it.
    page.goto(f"{page.base_url}/dortmund/ideas/{idea.pk}/")
    expect(page.locator(f'main a[href$="/proposals/{mine.pk}/"]')).to_be_visible()

    # The jury: the queue, oldest first; one feasible at a lower cost, one not feasible.
    make_verified_user("jury@example.org", "Jury", role="evaluator")
    context = browser.new_context(locale="de-DE", viewport=WIDE)
    jury = context.new_page()
    jury.base_url = page.base_url
    sign_in(jury, "jury@example.org")
    queue = f"{page.base_url}/dortmund/prize-money/{vote.pk}/review/"
    jury.goto(queue)
    expect(jury.locator(f"#queue-{mine.pk}")).to_be_visible()
    _checked(jury, "the jury's queue")

    jury.goto(f"{queue}{mine.pk}/")
    _checked(jury, "the review form")
    jury.locator("#id_decision_0").focus()
    jury.keyboard.press("Space")
    _tab_to(jury, "#id_cost")
    jury.keyboard.type("9.800")
    _tab_to(jury, "#review-form button[type=submit]")
    jury.keyboard.press("Enter")
    jury.wait_for_url(queue)

    other = Proposal.objects.filter(process=vote, status="submitted").exclude(pk=mine.pk).first()
    assert other is not None
    jury.goto(f"{queue}{other.pk}/")
    jury.locator("#id_decision_1").check()
    jury.locator("#review-form button[type=submit]").click()
    # Not feasible without a reason: refused, with the message at the field.
    expect(jury.locator("#review-form .form-errors")).to_be_visible()
    _checked(jury, "the review form with an error")
    jury.locator("#id_reason").fill("Die Fläche gehört nicht der Stadt.")
    jury.locator("#review-form button[type=submit]").click()
    jury.wait_for_url(queue)
    context.close()

    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, mine.cost) == ("feasible", 9_800)
    assert other.status == "infeasible"

    # Both show on the list: the reviewed cost counts, the reason stays visible.
    page.goto(f"{page.base_url}/dortmund/prize-money/{vote.pk}/proposals/")
    card = page.locator(f"#proposal-{mine.pk}")
    expect(card).to_contain_text("9.800\u00a0€")
    expect(card).to_contain_text("12.500\u00a0€")
    expect(page.locator(f"#proposal-{other.pk}")).to_contain_text(
        "Die Fläche gehört nicht der Stadt."
    )
    expect(page.locator("#proposals-map")).to_be_visible()
    _checked(page, "the list of proposals")


def test_an_empty_district_says_what_to_do(page):
    from quartier.budgeting.models import Pot
    from quartier.participation.models import Process

    vote = Process.objects.get(city__slug="dortmund", kind="prize_money", options__is_example=True)
    empty = (
        Pot.objects.filter(process=vote, district__isnull=False, proposals__isnull=True)
        .select_related("district")
        .first()
    )
    assert empty is not None
    page.goto(
        f"{page.base_url}/dortmund/prize-money/{vote.pk}/proposals/?district={empty.district.slug}"
    )
    expect(page.locator("#empty-state")).to_be_visible()
    expect(page.locator("#empty-state a[href^='/accounts/login/']")).to_be_visible()
    _checked(page, "an empty district")
