"""The set-up pages of a prize-money vote: overview, new vote, settings, pots with the calculator,
voting codes with the print shop's files, voiding a batch; and who may use them."""

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from quartier.budgeting import codes, services
from quartier.budgeting.models import CodeBatch, Pot, Proposal, RegisterEntry
from quartier.budgeting.views.setup import page_link
from quartier.cities.models import District
from quartier.conftest import make_user
from quartier.participation.models import AuditEntry, Process
from quartier.participation.services import process_lock_settings
from quartier.participation.vocabulary import Action, ProcessKind
from quartier.tests.conftest import forget_district_shapes, musterstadt_create

D = "/dortmund/prize-money"


@pytest.fixture
def vote(dortmund, city_admin):
    now = timezone.now().replace(second=0, microsecond=0)  # as precise as the form's fields
    return services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Prize money for the neighbourhoods",
        description="What the money is for.",
        phases=services.prize_money_phases(starts_at=now - timedelta(days=1)),
        ballot={"kind": "approval", "min_projects": 1, "max_projects": 3},
    )


def client_for(user) -> Client:
    # Pages choose their language per request; these tests read the English page.
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def other_city(db):
    city = musterstadt_create()
    yield city
    forget_district_shapes(city)


@pytest.fixture
def client():
    return client_for(None)


@pytest.fixture
def admin_client(city_admin):
    return client_for(city_admin)


def new_vote_data(**changes) -> dict:
    start = timezone.localtime(timezone.now() + timedelta(days=7)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    data = {
        "title": "A vote set up by form",
        "description": "Described.",
        "ballot_kind": "knapsack",
        "min_projects": "0",
        "max_projects": "",
        "max_points": "",
        "max_points_per_project": "",
        "rule": "equalshares",
        "completion": "add1u",
        "add1_exhaustive": "on",
        "add1_integral": "on",
        "comparison": "satisfaction",
        "lot_seed": "",
        "min_age": "16",
        "residence": "district",
        "proof": "code",
    }
    for number in range(5):
        begins = start + timedelta(weeks=number)
        data[f"phase_{number}_starts"] = begins.strftime("%Y-%m-%dT%H:%M")
        data[f"phase_{number}_ends"] = (
            (begins + timedelta(weeks=1)).strftime("%Y-%m-%dT%H:%M") if number < 4 else ""
        )
    data.update(changes)
    return data


# --- Overview -------------------------------------------------------------------------------------


def test_overview_shows_phases_pots_and_what_a_voter_needs(client, vote, city_admin, dortmund):
    services.pot_save(process=vote, actor=city_admin, name="Whole city", amount=12_500)
    district = District.objects.get(city=dortmund, name="Eving")
    services.pot_save(process=vote, actor=city_admin, name="Eving", amount=3_000, district=district)
    response = client.get(f"{D}/{vote.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Prize money for the neighbourhoods" in text
    assert 'class="timeline"' in text and "Proposals" in text
    assert "€12,500" in text and "€3,000" in text and "€15,500" in text
    assert "at least 14 years old" in text
    assert "voting code from the letter" in text
    # The visitor is no administrator: no set-up links.
    assert f"{D}/{vote.pk}/settings/" not in text


def test_overview_in_german_formats_money_the_german_way(client, vote, city_admin):
    services.pot_save(process=vote, actor=city_admin, name="Ganz Dortmund", amount=12_500)
    client.cookies["django_language"] = "de"
    response = client.get(f"{D}/{vote.pk}/")
    assert "12.500\N{NO-BREAK SPACE}€" in response.content.decode()


def test_overview_of_an_account_vote_says_so(client, vote, city_admin):
    services.prize_money_configure(
        process=vote,
        actor=city_admin,
        changes={"eligibility": {"min_age": 16, "residence": "city", "proof": "account"}},
    )
    text = client.get(f"{D}/{vote.pk}/").content.decode()
    assert "verified email address" in text and "at least 16 years old" in text


def test_overview_links_to_the_set_up_pages_for_administrators(admin_client, vote):
    text = admin_client.get(f"{D}/{vote.pk}/").content.decode()
    for page in ("settings", "pots", "codes"):
        assert f"{D}/{vote.pk}/{page}/" in text


def test_overview_links_the_city_staff_to_their_work_and_nobody_else(
    client, vote, city_admin, resident
):
    from quartier.budgeting.permissions import can_close_vote

    client.force_login(city_admin)
    text = client.get(f"{D}/{vote.pk}/").content.decode()
    assert f'href="{D}/{vote.pk}/review/"' in text and f'href="{D}/{vote.pk}/paper/"' in text
    assert "Enter paper ballots" in text
    closable = can_close_vote(user=city_admin, process=vote)
    assert (f'href="{D}/{vote.pk}/close/"' in text) == closable
    client.force_login(resident)
    text = client.get(f"{D}/{vote.pk}/").content.decode()
    assert "/review/" not in text and "/paper/" not in text and "Work of the city staff" not in text


def test_overview_is_404_for_another_kind_or_city(client, dortmund, other_city, vote):
    map_process = Process.objects.filter(city=dortmund, kind=ProcessKind.OPINION_MAP).first()
    assert map_process is not None
    assert client.get(f"{D}/{map_process.pk}/").status_code == 404
    assert client.get(f"/musterstadt/prize-money/{vote.pk}/").status_code == 404
    assert client.get(f"{D}/999999/").status_code == 404


def test_the_process_list_links_a_vote_to_its_overview(client, vote):
    text = client.get("/dortmund/processes/").content.decode()
    assert f"{D}/{vote.pk}/" in text


def test_overview_links_to_proposals_and_vote_and_to_results_once_counted(client, vote):
    text = client.get(f"{D}/{vote.pk}/").content.decode()
    assert f'href="{D}/{vote.pk}/proposals/"' in text
    assert f'href="{D}/{vote.pk}/vote/"' in text
    assert f'href="{D}/{vote.pk}/results/"' not in text  # nothing counted yet


def test_page_link_hides_a_page_that_does_not_exist(vote):
    assert page_link("budget_nonexistent", vote) is None
    assert page_link("budget_overview", vote) == f"{D}/{vote.pk}/"


# --- Who may use the set-up pages -----------------------------------------------------------------


@pytest.mark.parametrize("page", ["settings/", "pots/", "codes/"])
def test_set_up_pages_are_for_the_city_administrators(
    page, vote, city_admin, moderator, resident, system_admin, other_city
):
    url = f"{D}/{vote.pk}/{page}"
    assert client_for(city_admin).get(url).status_code == 200
    assert client_for(system_admin).get(url).status_code == 200
    assert client_for(moderator).get(url).status_code == 404
    assert client_for(resident).get(url).status_code == 404
    other = make_user("admin@musterstadt.example", city=other_city, role="admin")
    assert client_for(other).get(url).status_code == 404
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_new_vote_page_is_for_the_city_administrators(dortmund, city_admin, moderator, resident):
    assert client_for(city_admin).get(f"{D}/new/").status_code == 200
    assert client_for(moderator).get(f"{D}/new/").status_code == 404
    assert client_for(resident).post(f"{D}/new/", new_vote_data()).status_code == 404
    assert not Process.objects.filter(title="A vote set up by form").exists()


# --- A new vote -----------------------------------------------------------------------------------


def test_new_vote_offers_the_usual_phases_and_the_compute_tools_defaults(admin_client):
    response = admin_client.get(f"{D}/new/")
    text = response.content.decode()
    for name in ("Proposals", "Review", "Vote", "Result", "Implementation"):
        assert f"<legend>{name}</legend>" in text
    assert 'type="datetime-local"' in text
    assert re.search(r'value="add1u"[^>]*selected', text)
    assert re.search(r'name="add1_exhaustive"[^>]*checked', text)


def test_new_vote_is_created_with_its_settings_and_dates(admin_client, dortmund):
    data = new_vote_data()
    response = admin_client.post(f"{D}/new/", data)
    process = Process.objects.get(title="A vote set up by form")
    assert response.status_code == 302
    assert response["Location"] == f"{D}/{process.pk}/pots/"
    assert process.kind == ProcessKind.PRIZE_MONEY and process.city == dortmund
    assert process.options["ballot"]["kind"] == "knapsack"
    assert process.options["rule_options"]["completion"] == "add1u"
    assert process.options["eligibility"] == {
        "min_age": 16,
        "residence": "district",
        "proof": "code",
    }
    phases = list(process.phases.order_by("position"))
    assert [p.name for p in phases] == ["Proposals", "Review", "Vote", "Result", "Implementation"]
    # The dates are Berlin time: 00:00 in Berlin is 23:00 or 22:00 UTC.
    assert (
        timezone.localtime(phases[0].starts_at).strftime("%Y-%m-%dT%H:%M") == data["phase_0_starts"]
    )
    assert phases[-1].ends_at is None
    assert Action.VOTE in phases[2].allowed_actions()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Title: This field is required."),
        ({"ballot_kind": "ranked"}, "Select a valid choice."),
        ({"min_projects": "3", "max_projects": "2"}, "maximum number of projects is below"),
        ({"ballot_kind": "cumulative"}, "A points ballot needs the number of points"),
        ({"min_age": "abc"}, "Enter a whole number."),
        ({"phase_1_starts": "2020-01-01T00:00"}, "overlap"),
        ({"phase_0_starts": "tomorrow"}, "Enter a valid date/time."),
        ({"completion": "magic"}, "Select a valid choice."),
        ({"title": "x\x00y"}, "Null characters are not allowed."),
    ],
)
def test_new_vote_with_bad_input_is_refused_with_a_message(admin_client, changes, message):
    response = admin_client.post(f"{D}/new/", new_vote_data(**changes))
    assert response.status_code == 400
    text = response.content.decode()
    assert 'class="form-errors" role="alert"' in text
    assert message in text.replace("&#x27;", "'")
    assert not Process.objects.filter(title="A vote set up by form").exists()


def test_greedy_vote_keeps_only_the_lot(admin_client):
    admin_client.post(f"{D}/new/", new_vote_data(rule="greedy", lot_seed="7"))
    process = Process.objects.get(title="A vote set up by form")
    assert process.options["rule"] == "greedy"
    assert process.options["rule_options"] == {"lot_seed": 7}


# --- Settings -------------------------------------------------------------------------------------


def settings_data(vote, **changes) -> dict:
    data = new_vote_data(title=vote.title, ballot_kind="approval", max_projects="3")
    data["min_projects"] = "1"
    for number, phase in enumerate(vote.phases.order_by("position")):
        data[f"phase_{number}_starts"] = timezone.localtime(phase.starts_at).strftime(
            "%Y-%m-%dT%H:%M"
        )
        data[f"phase_{number}_ends"] = (
            timezone.localtime(phase.ends_at).strftime("%Y-%m-%dT%H:%M") if phase.ends_at else ""
        )
    data.update(changes)
    return data


def test_settings_change_the_ballot_and_the_dates(admin_client, vote):
    vote_phase = vote.phases.get(position=3)
    later = timezone.localtime(vote_phase.ends_at + timedelta(days=2))
    response = admin_client.post(
        f"{D}/{vote.pk}/settings/",
        settings_data(
            vote,
            max_projects="5",
            title="Renamed vote",
            phase_2_ends=later.strftime("%Y-%m-%dT%H:%M"),
            phase_3_starts=later.strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    vote.refresh_from_db()
    assert vote.title == "Renamed vote"
    assert vote.options["ballot"]["max_projects"] == 5
    assert vote.phases.get(position=3).ends_at == later.replace(second=0, microsecond=0)


def test_settings_once_locked_refuse_the_ballot_with_a_clear_message(admin_client, vote):
    process_lock_settings(process=vote)
    page = admin_client.get(f"{D}/{vote.pk}/settings/").content.decode()
    assert "the ballot and the rule can no longer be changed" in page
    response = admin_client.post(
        f"{D}/{vote.pk}/settings/", settings_data(vote, max_projects="5", title="Not renamed")
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "these settings can no longer be changed: ballot" in text
    vote.refresh_from_db()
    assert vote.options["ballot"]["max_projects"] == 3 and vote.title != "Not renamed"


def test_settings_once_locked_still_change_the_title_and_eligibility(admin_client, vote):
    process_lock_settings(process=vote)
    response = admin_client.post(
        f"{D}/{vote.pk}/settings/", settings_data(vote, title="Renamed", min_age="12")
    )
    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.title == "Renamed" and vote.options["eligibility"]["min_age"] == 12


# --- Pots and the calculator ----------------------------------------------------------------------


def test_pots_are_added_changed_and_deleted(admin_client, vote, dortmund):
    eving = District.objects.get(city=dortmund, name="Eving")
    response = admin_client.post(
        f"{D}/{vote.pk}/pots/", {"name": "Eving pot", "district": eving.pk, "amount": "5000"}
    )
    assert response.status_code == 302
    pot = Pot.objects.get(process=vote, district=eving)
    assert pot.amount == 5000
    response = admin_client.post(
        f"{D}/{vote.pk}/pots/{pot.pk}/", {"name": "Eving", "district": eving.pk, "amount": "6000"}
    )
    assert response.status_code == 302
    pot.refresh_from_db()
    assert (pot.name, pot.amount) == ("Eving", 6000)
    assert admin_client.post(f"{D}/{vote.pk}/pots/{pot.pk}/delete/").status_code == 302
    assert not Pot.objects.filter(pk=pot.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "amount": "5"}, "Name: This field is required."),
        ({"name": "City", "amount": "-5"}, "greater than or equal to 1"),
        ({"name": "City", "amount": "1e9"}, "Enter a whole number."),
        ({"name": "City", "amount": "5", "district": "999999"}, "Select a valid choice."),
    ],
)
def test_pot_with_bad_input_is_refused(admin_client, vote, data, message):
    response = admin_client.post(f"{D}/{vote.pk}/pots/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Pot.objects.filter(process=vote).exists()


def test_a_second_city_wide_pot_is_refused_with_a_message(admin_client, vote, city_admin):
    services.pot_save(process=vote, actor=city_admin, name="City", amount=100)
    response = admin_client.post(f"{D}/{vote.pk}/pots/", {"name": "Again", "amount": "5"})
    assert response.status_code == 400
    assert "There is a city-wide pot already." in response.content.decode()


def test_another_votes_pot_is_not_found(admin_client, vote, city_admin, dortmund):
    other = services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Other",
        phases=services.prize_money_phases(starts_at=timezone.now()),
        ballot={"kind": "knapsack"},
    )
    pot = services.pot_save(process=other, actor=city_admin, name="Other pot", amount=10)
    assert admin_client.get(f"{D}/{vote.pk}/pots/{pot.pk}/").status_code == 404
    assert admin_client.post(f"{D}/{vote.pk}/pots/{pot.pk}/delete/").status_code == 404
    assert Pot.objects.filter(pk=pot.pk).exists()


def test_calculator_shows_its_arithmetic_then_sets_the_district_pots(admin_client, vote, dortmund):
    response = admin_client.get(f"{D}/{vote.pk}/pots/?total=600000&unit=1000")
    assert response.status_code == 200
    text = response.content.decode()
    everyone = sum(d.population for d in District.objects.filter(city=dortmund))
    eving = District.objects.get(city=dortmund, name="Eving")
    # 600,000 × 39,405 ÷ 610,046 = 38,756.43 (rounded to 1,000s: 39,000 or 38,000).
    assert f"600,000 × {eving.population:,} ÷ {everyone:,} = " in text
    exact = 600_000 * eving.population / everyone
    assert f"{exact:,.2f}" in text
    assert 'id="split-table"' in text and "€600,000" in text
    assert not Pot.objects.filter(process=vote).exists()  # a preview only
    response = admin_client.post(f"{D}/{vote.pk}/pots/split/", {"total": "600000", "unit": "1000"})
    assert response.status_code == 302
    pots = Pot.objects.filter(process=vote)
    assert pots.count() == 12 and sum(p.amount for p in pots) == 600_000
    assert all(p.amount % 1000 == 0 for p in pots)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("total=1000001&unit=100", "whole number of rounding units"),
        ("total=abc&unit=1", "Enter a whole number."),
        ("total=0&unit=1", "greater than or equal to 1"),
        ("total=100&unit=0", "greater than or equal to 1"),
    ],
)
def test_calculator_with_bad_input_says_what_is_wrong(admin_client, vote, query, message):
    response = admin_client.get(f"{D}/{vote.pk}/pots/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    response = admin_client.post(
        f"{D}/{vote.pk}/pots/split/", dict(p.split("=") for p in query.split("&"))
    )
    assert response.status_code == 400
    assert not Pot.objects.filter(process=vote).exists()


def test_calculator_names_districts_without_a_population(admin_client, vote, dortmund):
    District.objects.filter(city=dortmund, name="Eving").update(population=None)
    response = admin_client.get(f"{D}/{vote.pk}/pots/?total=1000&unit=1")
    assert response.status_code == 400
    assert "no population figure: Eving" in response.content.decode()


def test_pots_once_locked_are_refused(admin_client, vote, city_admin):
    pot = services.pot_save(process=vote, actor=city_admin, name="City", amount=100)
    process_lock_settings(process=vote)
    page = admin_client.get(f"{D}/{vote.pk}/pots/").content.decode()
    assert "pots can no longer be changed" in page and "Add the pot" not in page
    for url, data in [
        (f"{D}/{vote.pk}/pots/", {"name": "New", "amount": "5", "district": ""}),
        (f"{D}/{vote.pk}/pots/{pot.pk}/", {"name": "Renamed", "amount": "5"}),
        (f"{D}/{vote.pk}/pots/split/", {"total": "1000", "unit": "1"}),
        (f"{D}/{vote.pk}/pots/{pot.pk}/delete/", {}),
    ]:
        response = admin_client.post(url, data)
        assert response.status_code == 400, url
        assert "pots can no longer be changed" in response.content.decode()
    assert list(Pot.objects.filter(process=vote).values_list("name", "amount")) == [("City", 100)]


def test_a_pot_with_proposals_is_not_deleted(admin_client, vote, city_admin, resident):
    pot = services.pot_save(process=vote, actor=city_admin, name="City", amount=10_000)
    services.proposal_submit(
        process=vote, author=resident, pot=pot, title="A bench", description="Wood.", estimate=500
    )
    response = admin_client.post(f"{D}/{vote.pk}/pots/{pot.pk}/delete/")
    assert response.status_code == 400
    assert "Proposals are filed under this pot" in response.content.decode()
    assert Proposal.objects.filter(pot=pot).exists()


# --- Voting codes and the print shop's files ------------------------------------------------------


def _secret(vote) -> bytes:
    return services._secret(vote)


def test_codes_csv_lists_codes_that_validate_and_are_in_the_register(admin_client, vote, dortmund):
    eving = District.objects.get(city=dortmund, name="Eving")
    response = admin_client.post(
        f"{D}/{vote.pk}/codes/",
        {"count": "5", "district": eving.pk, "label": "Letters to Eving", "export": "csv"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 5
    batch = CodeBatch.objects.get(process=vote)
    hashes = set(RegisterEntry.objects.filter(batch=batch).values_list("code_hash", flat=True))
    assert len(hashes) == 5
    for row in rows:
        assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", row["code"])
        code = codes.normalise(row["code"])
        assert codes.code_hash(code, secret=_secret(vote)) in hashes
        assert row["district"] == "Eving" and row["batch"] == "Letters to Eving"
        # The code rides in the fragment, which browsers never send to the server.
        assert row["vote_url"].startswith("http://testserver/dortmund/prize-money/")
        assert row["vote_url"].endswith(f"#code={row['code']}") and "?" not in row["vote_url"]
    # Not stored in plain anywhere: neither the register nor the audit log.
    audit = " ".join(str(e.detail) for e in AuditEntry.objects.filter(target_id=vote.pk))
    assert all(
        row["code"] not in audit and codes.normalise(row["code"]) not in audit for row in rows
    )
    assert RegisterEntry.objects.filter(batch=batch, district=eving).count() == 5


def test_codes_pdf_has_one_letter_per_code(admin_client, vote):
    response = admin_client.post(f"{D}/{vote.pk}/codes/", {"count": "3", "export": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 3


def test_codes_zip_holds_the_csv_and_the_letters(admin_client, vote):
    response = admin_client.post(f"{D}/{vote.pk}/codes/", {"count": "2", "export": "zip"})
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert [name.rsplit(".", 1)[1] for name in names] == ["csv", "pdf"]
        rows = list(csv.DictReader(io.StringIO(archive.read(names[0]).decode())))
        assert len(rows) == 2 and archive.read(names[1]).startswith(b"%PDF-")
    entry = services.register_entry_for_code(process=vote, typed=rows[0]["code"].lower())
    assert entry.batch is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"count": "0", "export": "csv"}, "greater than or equal to 1"),
        ({"count": "20001", "export": "csv"}, "less than or equal to 20000"),
        ({"count": "501", "export": "zip"}, "At most 500 letters"),
        ({"count": "x", "export": "csv"}, "Enter a whole number."),
        ({"count": "2", "export": "docx"}, "Select a valid choice."),
        ({"count": "2", "export": "csv", "district": "abc"}, "Select a valid choice."),
    ],
)
def test_codes_with_bad_input_are_refused(admin_client, vote, data, message):
    response = admin_client.post(f"{D}/{vote.pk}/codes/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CodeBatch.objects.filter(process=vote).exists()


def test_codes_of_another_citys_district_are_refused(admin_client, vote, other_city):
    district = District.objects.filter(city=other_city).first()
    assert district is not None
    response = admin_client.post(
        f"{D}/{vote.pk}/codes/", {"count": "2", "export": "csv", "district": district.pk}
    )
    assert response.status_code == 400
    assert not CodeBatch.objects.exists() or not CodeBatch.objects.filter(process=vote).exists()


def test_codes_page_lists_batches_without_any_code(admin_client, vote, city_admin):
    batch, issued = services.codes_issue(process=vote, actor=city_admin, count=2, label="Mail")
    text = admin_client.get(f"{D}/{vote.pk}/codes/").content.decode()
    assert "Mail" in text and f"{D}/{vote.pk}/codes/{batch.pk}/void/" in text
    assert all(code not in text and codes.formatted(code) not in text for code in issued)


def test_moderator_cannot_issue_codes(vote, moderator):
    response = client_for(moderator).post(f"{D}/{vote.pk}/codes/", {"count": "2", "export": "csv"})
    assert response.status_code == 404
    assert not CodeBatch.objects.filter(process=vote).exists()


def test_voiding_a_batch_asks_first_then_its_codes_open_nothing(admin_client, vote, city_admin):
    batch, issued = services.codes_issue(process=vote, actor=city_admin, count=2)
    page = admin_client.get(f"{D}/{vote.pk}/codes/{batch.pk}/void/")
    assert page.status_code == 200 and "cannot be undone" in page.content.decode()
    batch.refresh_from_db()
    assert batch.voided_at is None  # the GET only asks
    response = admin_client.post(f"{D}/{vote.pk}/codes/{batch.pk}/void/")
    assert response.status_code == 302 and response["Location"] == f"{D}/{vote.pk}/codes/"
    batch.refresh_from_db()
    assert batch.voided_at is not None
    with pytest.raises(services.CodeRefused):
        services.register_entry_for_code(process=vote, typed=issued[0])
    again = admin_client.post(f"{D}/{vote.pk}/codes/{batch.pk}/void/")
    assert again.status_code == 400 and "voided already" in again.content.decode()


def test_voiding_is_for_administrators_of_this_vote(vote, city_admin, moderator, dortmund):
    batch, _issued = services.codes_issue(process=vote, actor=city_admin, count=1)
    assert client_for(moderator).post(f"{D}/{vote.pk}/codes/{batch.pk}/void/").status_code == 404
    other = services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Other",
        phases=services.prize_money_phases(starts_at=timezone.now()),
        ballot={"kind": "knapsack"},
    )
    admin = client_for(city_admin)
    assert admin.post(f"{D}/{other.pk}/codes/{batch.pk}/void/").status_code == 404
    batch.refresh_from_db()
    assert batch.voided_at is None


# --- The command for big batches ------------------------------------------------------------------


def test_command_issues_codes_and_writes_the_csv_and_pdf(vote, tmp_path, dortmund):
    out_csv, out_pdf = tmp_path / "codes.csv", tmp_path / "letters.pdf"
    call_command(
        "voting_codes_issue",
        "--process",
        str(vote.pk),
        "--count",
        "4",
        "--district",
        "Eving",
        "--csv",
        str(out_csv),
        "--pdf",
        str(out_pdf),
        "--base-url",
        "https://quartier.example",
        stdout=io.StringIO(),
    )
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert len(rows) == 4 and {row["district"] for row in rows} == {"Eving"}
    assert rows[0]["vote_url"].startswith("https://quartier.example/dortmund/prize-money/")
    hashes = set(RegisterEntry.objects.filter(process=vote).values_list("code_hash", flat=True))
    assert {
        codes.code_hash(codes.normalise(r["code"]), secret=_secret(vote)) for r in rows
    } == hashes
    pdf = out_pdf.read_bytes()
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type /Page\b", pdf)) == 4


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--count", "0"], "at least 1"),
        (["--district", "Atlantis"], "No district"),
        (["--process", "999999"], "No prize-money vote"),
    ],
)
def test_command_refuses_bad_arguments(vote, tmp_path, arguments, message):
    from django.core.management.base import CommandError

    base = {"--process": str(vote.pk), "--count": "2", "--csv": str(tmp_path / "c.csv")}
    for flag, value in zip(arguments[::2], arguments[1::2], strict=True):
        base[flag] = value
    with pytest.raises(CommandError, match=message):
        call_command("voting_codes_issue", *[x for pair in base.items() for x in pair])
    assert not (tmp_path / "c.csv").exists() or not RegisterEntry.objects.exists()


# --- The demo -------------------------------------------------------------------------------------


def test_demo_has_the_dortmund_vote_in_its_proposal_phase(dortmund):
    process = Process.objects.get(
        city=dortmund, kind=ProcessKind.PRIZE_MONEY, options__is_example=True
    )
    assert process.title.startswith("1.000.000 € für Projekte aus der Nachbarschaft")
    from quartier.participation.permissions import process_allows

    assert process_allows(process=process, action=Action.PROPOSE)
    pots = Pot.objects.filter(process=process)
    assert pots.filter(district__isnull=True).count() == 1
    assert pots.filter(district__isnull=False).count() == 12
    assert sum(pot.amount for pot in pots) == 1_000_000
    assert Proposal.objects.filter(process=process).count() >= 4
    call_command("load_demo", stdout=io.StringIO())  # again: nothing doubles
    assert (
        Process.objects.filter(
            city=dortmund, kind=ProcessKind.PRIZE_MONEY, options__is_example=True
        ).count()
        == 1
    )
    assert Pot.objects.filter(process=process).count() == 13


def test_phase_spec_roundtrip_keeps_the_settings_page_quiet(admin_client, vote):
    # Saving the settings unchanged writes no new phases (nor an audit entry for them).
    before = list(vote.phases.values_list("pk", flat=True))
    admin_client.post(f"{D}/{vote.pk}/settings/", settings_data(vote))
    assert list(vote.phases.values_list("pk", flat=True)) == before


@pytest.mark.parametrize(
    ("ballot", "summary"),
    [
        ({"kind": "approval", "min_projects": 1, "max_projects": 3}, "between 1 and 3 projects"),
        ({"kind": "approval", "min_projects": 0}, "as many projects per pot as you like"),
        ({"kind": "knapsack"}, "fit into the pot"),
        ({"kind": "cumulative", "max_points": 10}, "distribute 10 points across the projects."),
        (
            {"kind": "cumulative", "max_points": 10, "max_points_per_project": 3},
            "10 points across the projects, at most 3 per project.",
        ),
    ],
)
def test_the_ballot_is_summed_up_in_one_sentence(vote, ballot, summary):
    from quartier.budgeting.views.setup import ballot_summary

    vote.options = {**vote.options, "ballot": ballot}
    assert summary in ballot_summary(vote)


def test_overview_of_a_vote_that_has_ended_no_longer_offers_the_ballot(
    client, dortmund, city_admin
):
    past = services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Last year's vote",
        phases=services.prize_money_phases(starts_at=timezone.now() - timedelta(weeks=20)),
        ballot={"kind": "knapsack"},
    )
    text = client.get(f"{D}/{past.pk}/").content.decode()
    assert "The vote has ended." in text and "What you need to vote" not in text
    assert f'href="{D}/{past.pk}/vote/"' not in text
    assert f'href="{D}/{past.pk}/proposals/"' in text
