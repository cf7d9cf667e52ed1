"""Voting with a code in a real browser: on a 390 px phone by keyboard only, with the running
total read out of the live region; changing the ballot with the receipt; a typo in the code.
Every step passes axe and fits the phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import make_verified_user
from .test_accessibility import NARROW, horizontal_overflow, violations
from .test_journeys import tab_to

pytestmark = pytest.mark.e2e


@pytest.fixture
def vote(page):
    """An open vote with one city-wide pot of 100,000 and three projects; two codes."""
    from quartier.budgeting import services
    from quartier.cities.models import City
    from quartier.participation.services import PhaseSpec, process_set_phases
    from quartier.participation.vocabulary import Action

    city = City.objects.get(slug="dortmund")
    admin = make_verified_user("wahl.admin@example.org", "Wahlamt", role="admin")
    resident = make_verified_user("wahl.bürger@example.org", "Bürgerin")
    now = timezone.now()

    def phases(allows):
        return [
            PhaseSpec(
                name="Jetzt",
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=2),
                allows=allows,
            )
        ]

    process = services.prize_money_create(
        city=city,
        creator=admin,
        title="Preisgeld für die Nordstadt",
        phases=phases([Action.PROPOSE]),
        ballot={"kind": "knapsack", "max_projects": 3},
    )
    pot = services.pot_save(process=process, actor=admin, name="Stadtweit", amount=100_000)
    projects = []
    for title, cost in [("Bänke am Platz", 30_000), ("Trinkbrunnen", 50_000), ("Beete", 40_000)]:
        proposal = services.proposal_submit(
            process=process,
            author=resident,
            pot=pot,
            title=title,
            description=f"Beschreibung: {title}",
            estimate=cost,
        )
        projects.append(
            services.proposal_review(proposal=proposal, reviewer=admin, feasible=True, reason="")
        )
    process_set_phases(process=process, actor=admin, phases=phases([Action.VOTE]))
    _batch, issued = services.codes_issue(process=process, actor=admin, count=2)
    return {"process": process, "pot": pot, "projects": projects, "codes": issued}


def vote_url(page, vote, step: str = "") -> str:
    return f"{page.base_url}/dortmund/prize-money/{vote['process'].pk}/vote/{step}"


def phone(page, language: str = "en"):
    """The phone: 390 px wide. New texts are asserted in English (German comes with the
    catalogue); the structure is the same."""
    page.set_viewport_size(NARROW)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])


def checked(page) -> None:
    assert violations(page) == []
    assert horizontal_overflow(page) == []


def live_text(page, pot_id: int) -> str:
    return " ".join(page.locator(f"#pot-{pot_id}-summary").inner_text().split())


def test_voting_with_a_code_on_a_phone_by_keyboard_only(page, vote):
    phone(page)
    process, pot, projects = vote["process"], vote["pot"], vote["projects"]
    # The letter's QR code: the code rides in the fragment, the script fills the field and
    # takes the code out of the address bar.
    code = vote["codes"][0]
    page.goto(vote_url(page, vote) + "#code=" + "-".join(re.findall("....", code)))
    assert page.locator("#id_code").input_value().replace("-", "") == code
    assert "#code" not in page.url
    assert page.get_by_role("heading", name="What you need to vote").is_visible()
    checked(page)
    tab_to(page, "#id_code")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/vote/ballot/$"))
    checked(page)

    region = page.locator(f"#pot-{pot.pk}-summary")
    assert region.get_attribute("aria-live") == "polite"
    assert live_text(page, pot.pk).startswith("0 projects chosen, costing €0 of €100,000.")
    tab_to(page, f"#pot-{pot.pk}-{projects[0].pk}")  # Bänke am Platz, 30,000
    page.keyboard.press("Space")
    assert live_text(page, pot.pk) == (
        "1 project chosen, costing €30,000 of €100,000. Money left: €70,000. "
        "2 more projects still fit."
    )
    tab_to(page, f"#pot-{pot.pk}-{projects[1].pk}")  # Trinkbrunnen, 50,000
    page.keyboard.press("Space")
    assert live_text(page, pot.pk) == (
        "2 projects chosen, costing €80,000 of €100,000. Money left: €20,000. "
        "0 more projects still fit."
    )
    checked(page)
    tab_to(page, "#ballot-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Please check your choices").is_visible()
    checked(page)
    tab_to(page, "#cast-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", receipt)
    checked(page)
    from quartier.budgeting.models import Ballot

    ballot = Ballot.objects.get(process=process)
    assert sorted(pid for pid, _ in ballot.choices) == sorted(str(p.pk) for p in projects[:2])


def test_an_over_budget_ballot_comes_back_with_its_problems_without_script(browser, demo, vote):
    context = browser.new_context(java_script_enabled=False, viewport=NARROW)
    context.add_cookies([{"name": "django_language", "value": "en", "url": demo.url}])
    page = context.new_page()
    page.base_url = demo.url
    try:
        pot, projects = vote["pot"], vote["projects"]
        page.goto(vote_url(page, vote))
        page.fill("#id_code", vote["codes"][1])
        page.locator("#code-form button[type=submit]").click()
        for project in projects:
            page.check(f"#pot-{pot.pk}-{project.pk}")
        page.locator("#ballot-form button[type=submit]").click()
        problems = page.locator("#ballot-problems")
        assert "more than the" in problems.inner_text()
        assert "That is €20,000 more than the pot." in live_text(page, pot.pk)
        assert page.locator("input[type=checkbox]:checked").count() == 3
        # No axe here: it is a script, and this browser runs none (the same page with
        # script passes axe in the phone journey).
    finally:
        context.close()


def test_changing_the_ballot_with_the_receipt(page, vote):
    phone(page)
    pot, projects, code = vote["pot"], vote["projects"], vote["codes"][0]
    page.goto(vote_url(page, vote))
    page.fill("#id_code", code)
    page.locator("#code-form button[type=submit]").click()
    page.check(f"#pot-{pot.pk}-{projects[0].pk}")
    page.locator("#ballot-form button[type=submit]").click()
    page.locator("#cast-form button[type=submit]").click()
    receipt = page.locator("#receipt-code").inner_text().strip()

    # Later: the code again, then the receipt.
    page.goto(vote_url(page, vote))
    page.fill("#id_code", code)
    page.locator("#code-form button[type=submit]").click()
    assert page.locator("#already-voted").is_visible()
    checked(page)
    page.fill("#id_receipt", receipt)
    page.locator("#receipt-form button[type=submit]").click()
    first = page.locator(f"#pot-{pot.pk}-{projects[0].pk}")
    assert first.is_checked()
    assert live_text(page, pot.pk).startswith("1 project chosen, costing €30,000")
    checked(page)
    first.uncheck()
    page.check(f"#pot-{pot.pk}-{projects[2].pk}")
    page.locator("#ballot-form button[type=submit]").click()
    page.locator("#cast-form button[type=submit]").click()
    assert page.locator("#receipt-code").inner_text().strip() == receipt
    checked(page)
    from quartier.budgeting.models import Ballot

    assert Ballot.objects.get(process=vote["process"]).choices == [[str(projects[2].pk), 1]]


def test_a_typo_in_the_code_gets_the_typo_message(page, vote):
    phone(page, language="de")
    code = vote["codes"][0]
    typo = code[:5] + ("0" if code[5] != "0" else "1") + code[6:]
    page.goto(vote_url(page, vote))
    page.fill("#id_code", typo)
    page.locator("#code-form button[type=submit]").click()
    errors = page.locator("#code-errors")
    # German: the service's message is in the catalogue already.
    assert "Tippfehler" in errors.inner_text() or "typo" in errors.inner_text()
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    checked(page)
