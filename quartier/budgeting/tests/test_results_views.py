"""Paper ballots, the close, the results page, the .pb download, receipts and the commands."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

import voting_rules
from quartier.budgeting import services
from quartier.budgeting.errors import BudgetingError, PaperImportError
from quartier.budgeting.models import Ballot, PaperSheet, RegisterEntry, Result
from quartier.budgeting.tests.phases import phases
from quartier.budgeting.vocabulary import PaperSheetStatus
from quartier.conftest import make_user
from quartier.participation.services import process_set_phases
from quartier.participation.vocabulary import Action

ASSEN = Path(__file__).resolve().parents[1] / "demo_data" / "Netherlands_Assen_2024.pb"
APPROVAL = {"kind": "approval", "min_projects": 1, "max_projects": 3}


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def evaluators(dortmund):
    return [
        make_user(f"jury{i}@example.org", name=f"Jury {i}", city=dortmund, role="evaluator")
        for i in range(3)
    ]


@pytest.fixture
def open_vote(dortmund, city_admin, resident, evaluators):
    process = services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Preisgeld",
        phases=phases(Action.PROPOSE, Action.REVIEW),
        ballot=APPROVAL,
        rule_options={"completion": "add1-no-greedy"},
    )
    pot = services.pot_save(process=process, actor=city_admin, name="Stadtweit", amount=100_000)
    projects = []
    for title, cost in [("Bänke", 30_000), ("Brunnen", 50_000), ("Beete", 40_000), ("Bus", 20_000)]:
        proposal = services.proposal_submit(
            process=process, author=resident, pot=pot, title=title, description="…", estimate=cost
        )
        projects.append(
            services.proposal_review(
                proposal=proposal, reviewer=evaluators[0], feasible=True, reason=""
            )
        )
    process_set_phases(process=process, actor=city_admin, phases=phases(Action.VOTE))
    return process, pot, projects


def cast_online(process, pot, city_admin, picks):
    _batch, issued = services.codes_issue(process=process, actor=city_admin, count=len(picks))
    receipts = []
    for code, chosen in zip(issued, picks, strict=True):
        entry = services.register_entry_for_code(process=process, typed=code)
        receipts.append(
            services.ballot_cast(
                process=process, entry=entry, choices_by_pot={pot.pk: [(p.pk, 1) for p in chosen]}
            )
        )
    return receipts


@pytest.fixture
def closed_vote(open_vote, city_admin):
    process, pot, (benches, fountain, beds, bus) = open_vote
    picks = [[benches, bus], [benches, bus], [benches], [fountain], [fountain, beds], [beds]]
    receipts = cast_online(process, pot, city_admin, picks)
    process_set_phases(
        process=process, actor=city_admin, phases=phases(Action.SHOW_RESULTS, past=True)
    )
    services.vote_close(process=process, actor=city_admin)
    return process, pot, receipts


# --- paper ballots ----------------------------------------------------------------------------


def test_a_mismatch_is_settled_by_a_third_entry_that_agrees_with_one(open_vote, evaluators):
    process, pot, (benches, fountain, *_) = open_vote
    first, second, third = evaluators
    enter = services.paper_ballot_enter
    enter(process=process, pot=pot, number="P-1", entered_by=first, choices=[(benches.pk, 1)])
    out = enter(
        process=process, pot=pot, number="P-1", entered_by=second, choices=[(fountain.pk, 1)]
    )
    assert out.mismatch and Ballot.objects.count() == 0
    out = enter(
        process=process, pot=pot, number="P-1", entered_by=third, choices=[(fountain.pk, 1)]
    )
    assert out.counted
    ballot = Ballot.objects.get()
    assert ballot.channel == "paper" and ballot.choices == [[str(fountain.pk), 1]]
    assert PaperSheet.objects.get().status == PaperSheetStatus.AGREED


def test_a_flagged_sheet_can_be_discarded_and_entered_afresh(open_vote, evaluators):
    process, pot, (benches, fountain, *_) = open_vote
    first, second, _third = evaluators
    enter = services.paper_ballot_enter
    enter(process=process, pot=pot, number="P-2", entered_by=first, choices=[(benches.pk, 1)])
    enter(process=process, pot=pot, number="P-2", entered_by=second, choices=[(fountain.pk, 1)])
    services.paper_sheet_discard(sheet=PaperSheet.objects.get(), actor=first)
    assert not PaperSheet.objects.exists()
    enter(process=process, pot=pot, number="P-2", entered_by=first, choices=[(benches.pk, 1)])
    assert enter(
        process=process, pot=pot, number="P-2", entered_by=second, choices=[(benches.pk, 1)]
    ).counted


def test_the_paper_page_enters_a_sheet_and_lists_mismatches_side_by_side(
    client, open_vote, evaluators
):
    process, pot, (benches, fountain, *_) = open_vote
    url = reverse("budget_paper", args=["dortmund", process.pk])
    for person, project in ((evaluators[0], benches), (evaluators[1], fountain)):
        client.force_login(person)
        response = client.post(
            url, {"number": "S-9", "pot": pot.pk, f"p{project.pk}": "on", "code": ""}
        )
        assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'class="card flagged-sheet"' in page and "Jury 0" in page and "Jury 1" in page
    assert str(benches.pk) in page and str(fountain.pk) in page


def test_the_paper_page_is_for_staff_only(client, open_vote, resident):
    process, *_ = open_vote
    client.force_login(resident)
    assert client.get(reverse("budget_paper", args=["dortmund", process.pk])).status_code == 404


def test_the_csv_import_counts_agreeing_lines_and_names_a_bad_line(open_vote, evaluators):
    process, pot, (benches, _fountain, beds, bus) = open_vote
    good = (
        f"sheet;pot;choices;code\nA-1;{pot.pk};{benches.pk},{bus.pk};\nA-2;Stadtweit;{beds.pk};\n"
    )
    assert (
        len(
            services.paper_csv_import(process=process, entered_by=evaluators[0], data=good.encode())
        )
        == 2
    )
    outcomes = services.paper_csv_import(
        process=process, entered_by=evaluators[1], data=("\ufeff" + good).encode()
    )
    assert all(o.counted for o in outcomes) and Ballot.objects.count() == 2
    bad = f"sheet;pot;choices;code\nA-3;{pot.pk};{benches.pk};\nA-4;{pot.pk};zwölf;\n"
    with pytest.raises(PaperImportError, match="Line 3"):
        services.paper_csv_import(process=process, entered_by=evaluators[2], data=bad.encode())
    assert not PaperSheet.objects.filter(number="A-3").exists()  # all lines or none
    with pytest.raises(PaperImportError, match="Line 1"):
        services.paper_csv_import(process=process, entered_by=evaluators[2], data=b"a,b\n1,2\n")
    with pytest.raises(PaperImportError, match="UTF-8"):
        services.paper_csv_import(
            process=process,
            entered_by=evaluators[2],
            data="sheet;pot;choices\nä;1;2\n".encode("latin-1"),
        )
    with pytest.raises(PaperImportError, match="1 MB"):
        services.paper_csv_import(
            process=process,
            entered_by=evaluators[2],
            data=b"x" * (services.PAPER_CSV_MAX_BYTES + 1),
        )


def test_the_csv_upload_shows_the_error_on_the_page(client, open_vote, evaluators):
    process, *_ = open_vote
    client.force_login(evaluators[0])
    upload = io.BytesIO(b"sheet;pot;choices;code\nA-1;999;1;\n")
    upload.name = "paper.csv"
    response = client.post(
        reverse("budget_paper_import", args=["dortmund", process.pk]), {"file": upload}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Line 2" in page, page[page.find("<main") :][:3000]


# --- the close and the results ------------------------------------------------------------------


def test_the_close_page_confirms_then_counts(client, open_vote, city_admin, evaluators):
    process, pot, (benches, *_rest) = open_vote
    cast_online(process, pot, city_admin, [[benches]])
    for person in evaluators[:2]:
        services.paper_ballot_enter(
            process=process, pot=pot, number="Z", entered_by=person, choices=[(benches.pk, 1)]
        )
    url = reverse("budget_close", args=["dortmund", process.pk])
    client.force_login(city_admin)
    page = client.get(url).content.decode()
    assert "still open" in page and "2 people voted: 1 online and 1 on paper" in page
    client.post(url)
    assert not Result.objects.exists()
    process_set_phases(
        process=process, actor=city_admin, phases=phases(Action.SHOW_RESULTS, past=True)
    )
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("/results/")
    assert Result.objects.get().ballots == 2
    with pytest.raises(BudgetingError):
        services.paper_ballot_enter(
            process=process,
            pot=pot,
            number="late",
            entered_by=evaluators[0],
            choices=[(benches.pk, 1)],
        )


def test_the_close_page_is_for_city_admins(client, open_vote, evaluators):
    process, *_ = open_vote
    client.force_login(evaluators[0])
    assert client.get(reverse("budget_close", args=["dortmund", process.pk])).status_code == 404


def test_results_show_winners_money_left_explanations_and_greedy(client, closed_vote):
    process, _pot, _receipts = closed_vote
    result = Result.objects.get()
    response = client.get(reverse("budget_results", args=["dortmund", process.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "6 people voted (6 online, 0 on paper)" in page
    assert f"{100_000 - result.spent:,}" in page
    assert "Chosen in round 1 of equal shares" in page
    assert re.search(r"supporters? paid €", page)
    assert "Compared with greedy by votes" in page
    assert 'role="img"' in page and "Ballots by district" in page
    for winner in result.winners:
        assert f'id="project-{winner}" data-selected="1"' in page
        # Every result links to its proposal.
        assert reverse("budget_proposal", args=["dortmund", process.pk, int(winner)]) in page


def test_results_are_hidden_before_the_close(client, open_vote):
    process, *_ = open_vote
    assert client.get(reverse("budget_results", args=["dortmund", process.pk])).status_code == 404


def test_the_pb_download_is_the_stored_file(client, closed_vote):
    process, pot, _receipts = closed_vote
    response = client.get(reverse("budget_results_pb", args=["dortmund", process.pk, pot.pk]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode() == Result.objects.get().pabulib


def test_a_receipt_finds_its_ballot_and_lookups_are_limited(client, closed_vote):
    process, _pot, receipts = closed_vote
    url = reverse("budget_receipt", args=["dortmund", process.pk])
    page = client.post(url, {"receipt": receipts[0]}).content.decode()
    assert 'id="receipt-found"' in page and "Bänke" in page and "Bus" in page
    assert client.post(url, {"receipt": "nonsense"}).status_code == 400
    for _ in range(30):
        response = client.post(url, {"receipt": receipts[1]})
    assert response.status_code == 429


# --- secrecy ------------------------------------------------------------------------------------


def test_no_results_page_or_export_names_a_voter(client, closed_vote, dortmund, city_admin):
    process, pot, receipts = closed_vote
    account_voter = make_user("waehlerin@example.org", name="Wählerin")
    entry = RegisterEntry.objects.create(process=process, user=account_voter, voted=True)
    secrets = {account_voter.email, city_admin.email}
    secrets |= set(
        RegisterEntry.objects.filter(process=process)
        .exclude(code_hash=None)
        .values_list("code_hash", flat=True)
    )
    secrets |= set(Ballot.objects.values_list("change_tag", flat=True))
    urls = [
        reverse("budget_results", args=["dortmund", process.pk]),
        reverse("budget_results_pb", args=["dortmund", process.pk, pot.pk]),
    ]
    bodies = [client.get(u).content.decode() for u in urls]
    bodies.append(
        client.post(
            reverse("budget_receipt", args=["dortmund", process.pk]), {"receipt": receipts[0]}
        ).content.decode()
    )
    bodies.append(Result.objects.get().pabulib)
    for body in bodies:
        for secret in secrets:
            assert secret not in body
        # register entry ids never appear as voter ids: the .pb lists receipt hashes only
    election = voting_rules.parse_election(bodies[1])
    assert all(re.fullmatch(r"[0-9a-f]{64}", b.voter_id) for b in election.ballots)
    assert str(entry.pk) not in {b.voter_id for b in election.ballots}


# --- acceptance: pabutools recomputes the download ----------------------------------------------


def test_pabutools_recomputes_exactly_the_winners_shown(client, closed_vote, tmp_path):
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import method_of_equal_shares

    process, pot, _receipts = closed_vote
    download = client.get(reverse("budget_results_pb", args=["dortmund", process.pk, pot.pk]))
    path = tmp_path / "vote.pb"
    path.write_bytes(download.content)
    instance, profile = parse_pabulib(str(path))
    chosen = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
    page = client.get(reverse("budget_results", args=["dortmund", process.pk])).content.decode()
    shown = set(re.findall(r'id="project-(\d+)" data-selected="1"', page))
    assert shown and sorted(str(p.name) for p in chosen) == sorted(shown)


# --- commands -----------------------------------------------------------------------------------


def test_verify_says_whether_the_selected_column_matches(closed_vote, tmp_path):
    path = tmp_path / "vote.pb"
    path.write_text(Result.objects.get().pabulib)
    out = io.StringIO()
    call_command("prize_money_verify", str(path), "--rule", "mes-add1", stdout=out)
    assert "matches" in out.getvalue()
    # A tampered file: one winner's selected flag turned off.
    winner = Result.objects.get().winners[0]
    path.write_text(
        re.sub(rf"(?m)^{winner};(\d+);1$", rf"{winner};\1;0", Result.objects.get().pabulib)
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("prize_money_verify", str(path), "--rule", "mes-add1", stdout=out)
    assert exit_info.value.code == 1 and winner in out.getvalue()
    path.write_text("META\nkey;value\nbudget;x\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("prize_money_verify", str(path), "--rule", "mes", stderr=io.StringIO())
    assert exit_info.value.code == 2


def test_import_makes_assen_a_finished_vote_with_its_official_outcome(dortmund, client):
    out = io.StringIO()
    call_command(
        "prize_money_import",
        str(ASSEN),
        "--city",
        "dortmund",
        "--title",
        "Assen 2024",
        "--completion",
        "add1-no-greedy",
        stdout=out,
    )
    result = Result.objects.get()
    process = result.pot.process
    assert process.title == "Assen 2024" and result.ballots == 84
    assert sorted(result.winners) == process.options["imported"]["official_winners"]
    file_ids = {b.voter_id for b in voting_rules.read_election(str(ASSEN)).ballots}
    assert not file_ids & set(Ballot.objects.values_list("receipt_hash", flat=True))
    page = client.get(reverse("budget_results", args=["dortmund", process.pk])).content.decode()
    assert 'id="imported-note"' in page


def test_import_refuses_an_unknown_city(tmp_path):
    with pytest.raises(CommandError):
        call_command("prize_money_import", str(ASSEN), "--city", "nowhere")


def test_the_demo_imports_assen_once(dortmund):
    from quartier.budgeting.demo import demo_assen_2024

    first = demo_assen_2024(city=dortmund)
    assert demo_assen_2024(city=dortmund).pk == first.pk
    result = Result.objects.get(pot__process=first)
    assert sorted(result.winners) == first.options["imported"]["official_winners"]


def test_load_demo_brings_assens_real_vote_and_its_results(dortmund, client):
    call_command("load_demo", stdout=io.StringIO())
    process = Result.objects.get(pot__process__options__imported__source=ASSEN.name).pot.process
    page = client.get(reverse("budget_results", args=["dortmund", process.pk])).content.decode()
    assert "Assen" in page and 'id="imported-source"' in page
    # The imported projects' own pages are there to link to.
    link = re.search(r'href="(/dortmund/prize-money/\d+/proposals/\d+/)"', page)
    assert link and client.get(link.group(1)).status_code == 200


def test_results_link_ideas_and_chart_money_by_district_and_kind(
    client, dortmund, city_admin, resident, evaluators
):
    from quartier.conftest import BORSIGPLATZ
    from quartier.ideas.services import idea_submit

    idea = idea_submit(
        city=dortmund,
        author=resident,
        title="Pocket park",
        summary="A small park",
        description="Benches and beds",
        kind="social",
        innovator_type="resident",
        lat=BORSIGPLATZ[0],
        lon=BORSIGPLATZ[1],
    )
    process = services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Ideen",
        phases=phases(Action.PROPOSE, Action.REVIEW),
        ballot=APPROVAL,
    )
    pot = services.pot_save(process=process, actor=city_admin, name="Alle", amount=50_000)
    proposal = services.proposal_submit(
        process=process,
        author=resident,
        pot=pot,
        title="Park from the idea",
        description="…",
        estimate=20_000,
        idea=idea,
    )
    services.proposal_review(proposal=proposal, reviewer=evaluators[0], feasible=True, reason="")
    process_set_phases(process=process, actor=city_admin, phases=phases(Action.VOTE))
    cast_online(process, pot, city_admin, [[proposal], [proposal]])
    process_set_phases(
        process=process, actor=city_admin, phases=phases(Action.SHOW_RESULTS, past=True)
    )
    services.vote_close(process=process, actor=city_admin)
    page = client.get(reverse("budget_results", args=["dortmund", process.pk])).content.decode()
    assert reverse("idea_detail", args=["dortmund", idea.pk]) in page
    kind_table = page[page.index('id="chart-money-kind-table"') :]
    assert "Social" in kind_table[:2000] and "€20,000" in kind_table[:2000]
    district_table = page[page.index('id="chart-money-district-table"') :]
    assert idea.district.name in district_table[:2000]


def test_the_close_leaves_the_ballots_in_receipt_order_on_disk(closed_vote):
    """The physical order (PostgreSQL's heap after CLUSTER, SQLite's rowid after the rewrite)
    is (vote, receipt hash), no longer the order of casting."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT process_id, receipt_hash FROM budgeting_ballot ORDER BY ctid")
            on_disk = cursor.fetchall()
            cursor.execute(
                "SELECT indisclustered FROM pg_index WHERE indexrelid = 'ballot_receipt'::regclass"
            )
            assert cursor.fetchone()[0] is True
        else:
            cursor.execute("SELECT process_id, receipt_hash FROM budgeting_ballot ORDER BY rowid")
            on_disk = cursor.fetchall()
    assert len(on_disk) == Ballot.objects.count() == 6
    assert on_disk == sorted(on_disk)
