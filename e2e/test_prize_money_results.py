"""Paper ballots, the close and the results in a real browser, on a 390 px phone (German):
a sheet entered twice with one mismatch settled by a third look, the close, the results with
their explanations, the .pb download recomputed, and a receipt found. Every step passes axe
and fits the phone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import make_verified_user, sign_in
from .test_accessibility import NARROW, horizontal_overflow, unreachable_by_tab, violations

pytestmark = pytest.mark.e2e


def _phases(now, *, over: bool):
    from quartier.participation.services import PhaseSpec
    from quartier.participation.vocabulary import Action

    if not over:
        return [
            PhaseSpec(
                name="Abstimmung",
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=2),
                allows=[Action.VOTE],
            )
        ]
    return [
        PhaseSpec(
            name="Abstimmung",
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(minutes=1),
            allows=[Action.VOTE],
        ),
        PhaseSpec(name="Ergebnis", starts_at=now - timedelta(minutes=1), allows=["show_results"]),
    ]


@pytest.fixture
def vote(page):
    """An open vote (equal shares, Add1 without greedy completion) with three projects and
    three online ballots; an admin and two evaluators."""
    from quartier.budgeting import services
    from quartier.cities.models import City
    from quartier.participation.services import PhaseSpec, process_set_phases
    from quartier.participation.vocabulary import Action

    city = City.objects.get(slug="dortmund")
    admin = make_verified_user("ergebnis.admin@example.org", "Wahlamt", role="admin")
    first = make_verified_user("erfassung.eins@example.org", "Erfasserin Eins", role="evaluator")
    second = make_verified_user("erfassung.zwei@example.org", "Erfasser Zwei", role="evaluator")
    resident = make_verified_user("ergebnis.bürger@example.org", "Bürgerin")
    now = timezone.now()
    process = services.prize_money_create(
        city=city,
        creator=admin,
        title="Preisgeld für den Hafen",
        phases=[
            PhaseSpec(
                name="Vorschläge",
                starts_at=now - timedelta(days=1),
                ends_at=now + timedelta(days=2),
                allows=[Action.PROPOSE],
            )
        ],
        ballot={"kind": "approval", "min_projects": 1, "max_projects": 2},
        rule_options={"completion": "add1-no-greedy"},
    )
    pot = services.pot_save(process=process, actor=admin, name="Stadtweit", amount=100_000)
    projects = {}
    for title, cost in [("Bänke am Kai", 30_000), ("Trinkbrunnen", 50_000), ("Hafenbeete", 40_000)]:
        proposal = services.proposal_submit(
            process=process,
            author=resident,
            pot=pot,
            title=title,
            description=f"Beschreibung: {title}",
            estimate=cost,
        )
        projects[title] = services.proposal_review(
            proposal=proposal, reviewer=admin, feasible=True, reason=""
        )
    process_set_phases(process=process, actor=admin, phases=_phases(now, over=False))
    _batch, issued = services.codes_issue(process=process, actor=admin, count=3)
    picks = [["Bänke am Kai", "Hafenbeete"], ["Bänke am Kai"], ["Trinkbrunnen"]]
    receipts = []
    for code, chosen in zip(issued, picks, strict=True):
        entry = services.register_entry_for_code(process=process, typed=code)
        receipts.append(
            services.ballot_cast(
                process=process,
                entry=entry,
                choices_by_pot={pot.pk: [(projects[t].pk, 1) for t in chosen]},
            )
        )
    return {
        "process": process,
        "pot": pot,
        "projects": projects,
        "admin": admin,
        "entrants": [first, second],
        "receipts": receipts,
    }


def _accessible(page) -> None:
    assert violations(page) == []
    assert horizontal_overflow(page) == []


def _enter(page, url: str, *, number: str, project_id: int) -> None:
    page.goto(url)
    page.fill("#id_number", number)
    page.select_option("#id_pot", index=0)
    page.check(f"#id_p{project_id}")
    page.locator("#paper-form button[type=submit]").click()
    page.wait_for_load_state()


def test_paper_ballots_close_results_download_and_receipt(page, vote, tmp_path):
    import voting_rules
    from quartier.participation.services import process_set_phases

    process, projects = vote["process"], vote["projects"]
    base = page.base_url + f"/dortmund/prize-money/{process.pk}/"
    page.set_viewport_size(NARROW)
    benches, fountain = projects["Bänke am Kai"].pk, projects["Trinkbrunnen"].pk

    # Two people enter sheet P-1 differently, and sheet P-2 alike.
    first, second = vote["entrants"]
    sign_in(page, first.email)
    _enter(page, base + "paper/", number="P-1", project_id=benches)
    _enter(page, base + "paper/", number="P-2", project_id=fountain)
    _accessible(page)
    page.context.clear_cookies()
    sign_in(page, second.email)
    _enter(page, base + "paper/", number="P-1", project_id=fountain)
    _enter(page, base + "paper/", number="P-2", project_id=fountain)
    # The mismatch is listed with both entries side by side.
    flagged = page.locator(".flagged-sheet")
    assert flagged.count() == 1
    assert "P-1" in flagged.inner_text() and flagged.locator("tbody tr").count() == 2
    assert page.locator("#paper-sheets tr[data-status=agreed]").count() == 1
    _accessible(page)
    assert unreachable_by_tab(page) == []

    # A third look: the administrator reads the sheet like the second entrant; it counts.
    page.context.clear_cookies()
    sign_in(page, vote["admin"].email)
    _enter(page, base + "paper/", number="P-1", project_id=fountain)
    assert page.locator(".flagged-sheet").count() == 0
    assert page.locator("#paper-sheets tr[data-status=agreed]").count() == 2

    # The close: the confirmation page counts online and paper ballots.
    process_set_phases(
        process=process, actor=vote["admin"], phases=_phases(timezone.now(), over=True)
    )
    page.goto(base + "close/")
    _accessible(page)
    assert re.search(r"\b5\b", page.locator("#close-counts").inner_text())
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/prize-money/{process.pk}/results/")

    # The results, in German, with an explanation for every project.
    page.context.clear_cookies()
    page.goto(base + "results/")
    assert page.locator("html").get_attribute("lang") == "de"
    _accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    _accessible(page)
    page.set_viewport_size(NARROW)
    assert page.locator(".explanation").count() == 3
    assert all(text.strip() for text in page.locator(".explanation").all_inner_texts())
    assert "5" in page.locator("#turnout").inner_text()  # 3 online + 2 on paper
    shown = sorted(page.locator("[data-selected='1']").evaluate_all("els => els.map(e => e.id)"))

    # The .pb download recomputes to exactly the winners shown.
    with page.expect_download() as download_info:
        page.locator("a[href$='.pb']").first.click()
    path = tmp_path / "vote.pb"
    download_info.value.save_as(path)
    election = voting_rules.read_election(str(path))
    assert len(election.ballots) == 5
    outcome = voting_rules.tally(election, "mes-add1")
    assert shown == sorted(f"project-{pid}" for pid in outcome.winners)
    assert sorted(election.officially_selected()) == sorted(outcome.winners)

    # A receipt finds its ballot.
    page.goto(base + "results/receipt/")
    _accessible(page)
    page.fill("#id_receipt", vote["receipts"][0])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    found = page.locator("#receipt-found")
    assert "Bänke am Kai" in found.inner_text() and "Hafenbeete" in found.inner_text()
    _accessible(page)
