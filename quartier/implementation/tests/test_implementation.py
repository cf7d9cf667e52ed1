"""Carrying out funded projects: milestones, updates with photos, and a ledger that only grows."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quartier.budgeting import services as budgeting
from quartier.budgeting.funded import funded_projects
from quartier.budgeting.tests.phases import phases
from quartier.conftest import image_bytes, make_user
from quartier.core.errors import DomainError, PermissionDenied
from quartier.implementation import services
from quartier.implementation.errors import ImplementationError
from quartier.implementation.models import LedgerEntry
from quartier.implementation.selectors import implementation_overview
from quartier.participation.services import process_set_phases
from quartier.participation.vocabulary import Action

APPROVAL = {"kind": "approval", "min_projects": 1, "max_projects": 3}


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.cookies["django_language"] = "en"


@pytest.fixture
def evaluator(dortmund):
    return make_user("jury@example.org", name="Jury", city=dortmund, role="evaluator")


@pytest.fixture
def counted(dortmund, city_admin, resident, evaluator):
    """A counted vote: Bänke and Bus won, Brunnen did not."""
    process = budgeting.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Preisgeld",
        phases=phases(Action.PROPOSE, Action.REVIEW),
        ballot=APPROVAL,
    )
    pot = budgeting.pot_save(process=process, actor=city_admin, name="Stadtweit", amount=60_000)
    projects = {}
    for title, cost in [("Bänke", 30_000), ("Brunnen", 50_000), ("Bus", 20_000)]:
        proposal = budgeting.proposal_submit(
            process=process, author=resident, pot=pot, title=title, description="…", estimate=cost
        )
        projects[title] = budgeting.proposal_review(
            proposal=proposal, reviewer=evaluator, feasible=True, reason=""
        )
    process_set_phases(process=process, actor=city_admin, phases=phases(Action.VOTE))
    _batch, issued = budgeting.codes_issue(process=process, actor=city_admin, count=5)
    picks = [["Bänke", "Bus"], ["Bänke", "Bus"], ["Bänke"], ["Bus"], ["Brunnen"]]
    for code, chosen in zip(issued, picks, strict=True):
        entry = budgeting.register_entry_for_code(process=process, typed=code)
        budgeting.ballot_cast(
            process=process,
            entry=entry,
            choices_by_pot={pot.pk: [(projects[t].pk, 1) for t in chosen]},
        )
    process_set_phases(
        process=process, actor=city_admin, phases=phases(Action.SHOW_RESULTS, past=True)
    )
    budgeting.vote_close(process=process, actor=city_admin)
    return process, pot, projects


def funded_by_title(process):
    return {f.proposal.title: f for f in funded_projects(process=process)}


def test_the_winners_are_the_funded_projects_with_their_cost_as_grant(counted):
    process, _pot, _projects = counted
    funded = funded_by_title(process)
    assert set(funded) == {"Bänke", "Bus"}
    assert funded["Bus"].granted == 20_000


def test_staff_book_payments_and_refunds_and_the_figures_add_up(counted, city_admin):
    process, _pot, _projects = counted
    bench = funded_by_title(process)["Bänke"]
    today = timezone.localdate()
    services.ledger_book(
        funded=bench,
        actor=city_admin,
        kind="payment",
        amount=12_000,
        booked_on=today,
        note="Erste Rate",
    )
    services.ledger_book(
        funded=bench, actor=city_admin, kind="refund", amount=2_000, booked_on=today, note="Rabatt"
    )
    (pot_ledger,) = implementation_overview(process=process)
    status = next(p for p in pot_ledger.projects if p.funded.proposal.title == "Bänke")
    assert (status.paid, status.left, status.paid_percent) == (10_000, 20_000, 33)
    assert (pot_ledger.granted, pot_ledger.paid, pot_ledger.unallocated) == (50_000, 10_000, 10_000)
    with pytest.raises(ImplementationError):
        services.ledger_book(
            funded=bench,
            actor=city_admin,
            kind="refund",
            amount=10_001,
            booked_on=today,
            note="zu viel",
        )


@pytest.mark.parametrize(
    ("kind", "amount", "days_ahead", "note"),
    [
        ("payment", 0, 0, "x"),
        ("payment", -5, 0, "x"),
        ("payment", True, 0, "x"),
        ("gift", 5, 0, "x"),
        ("payment", 5, 3, "x"),
        ("payment", 5, 0, " "),
        ("payment", 5, 0, "a\u202eb"),
    ],
)
def test_bookings_that_make_no_sense_are_refused(
    counted, city_admin, kind, amount, days_ahead, note
):
    process, _pot, _projects = counted
    bench = funded_by_title(process)["Bänke"]
    with pytest.raises(DomainError):
        services.ledger_book(
            funded=bench,
            actor=city_admin,
            kind=kind,
            amount=amount,
            booked_on=timezone.localdate() + timedelta(days=days_ahead),
            note=note,
        )
    assert not LedgerEntry.objects.exists()


def test_the_ledger_is_append_only(counted, city_admin):
    process, _pot, _projects = counted
    bench = funded_by_title(process)["Bänke"]
    entry = services.ledger_book(
        funded=bench,
        actor=city_admin,
        kind="payment",
        amount=100,
        booked_on=timezone.localdate(),
        note="x",
    )
    entry.amount = 1
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().delete()
    assert LedgerEntry.objects.get().amount == 100


def test_only_the_citys_staff_report(counted, resident, moderator):
    process, _pot, _projects = counted
    bench = funded_by_title(process)["Bänke"]
    for person in (resident, moderator):
        with pytest.raises(PermissionDenied):
            services.update_post(funded=bench, author=person, text="Hallo")


def test_milestones_and_an_update_with_a_photo(counted, evaluator):
    process, _pot, _projects = counted
    bus = funded_by_title(process)["Bus"]
    milestone = services.milestone_add(
        funded=bus, actor=evaluator, title="Haltestelle geplant", due_on=date(2027, 3, 1)
    )
    services.milestone_reach(
        funded=bus, milestone=milestone, actor=evaluator, on=timezone.localdate()
    )
    with pytest.raises(ImplementationError):
        services.milestone_reach(
            funded=bus,
            milestone=milestone,
            actor=evaluator,
            on=timezone.localdate() + timedelta(days=1),
        )
    photo = SimpleUploadedFile("bus.jpg", image_bytes(size=(640, 480)), content_type="image/jpeg")
    with pytest.raises(ImplementationError, match="what the photo shows"):
        services.update_post(
            funded=bus, author=evaluator, text="Die Haltestelle steht.", image=photo
        )
    photo.seek(0)
    update = services.update_post(
        funded=bus,
        author=evaluator,
        text="Die **Haltestelle** steht.",
        progress=60,
        image=photo,
        alt_text="Neue Haltestelle",
    )
    assert update.image and update.thumbnail and "<strong>Haltestelle</strong>" in update.text_html
    with pytest.raises(ImplementationError):
        services.update_post(funded=bus, author=evaluator, text="x", progress=101)


# --- pages -----------------------------------------------------------------------------------


def urls(process, proposal=None):
    base = {"city_slug": process.city.slug, "process_id": process.pk}
    if proposal is None:
        return reverse("implementation_overview", kwargs=base)
    return reverse("implementation_project", kwargs={**base, "proposal_id": proposal.pk})


def test_the_public_sees_progress_money_and_ledger(client, counted, city_admin):
    process, _pot, projects = counted
    bench = funded_by_title(process)["Bänke"]
    services.ledger_book(
        funded=bench,
        actor=city_admin,
        kind="payment",
        amount=7_500,
        booked_on=timezone.localdate(),
        note="Holz",
    )
    services.update_post(
        funded=bench, author=city_admin, text="Die Bänke sind bestellt.", progress=25
    )
    page = client.get(urls(process)).content.decode()
    assert "Bänke" in page and "Bus" in page and "Brunnen" not in page
    assert "€7,500 of €30,000 paid out" in page and "Holz" in page
    detail = client.get(urls(process, bench.proposal)).content.decode()
    assert "Die Bänke sind bestellt." in detail and "Progress: 25 %" in detail
    assert "Book entry" not in detail  # no staff forms for the public
    # A proposal that did not win has no implementation page.
    assert client.get(urls(process, projects["Brunnen"])).status_code == 404


def test_the_overview_runs_a_fixed_number_of_queries(client, counted, city_admin):
    process, _pot, _projects = counted
    client.get(urls(process))
    with CaptureQueriesContext(connection) as few:
        client.get(urls(process))
    bench = funded_by_title(process)["Bänke"]
    for i in range(5):
        services.ledger_book(
            funded=bench,
            actor=city_admin,
            kind="payment",
            amount=10 + i,
            booked_on=timezone.localdate(),
            note=f"Rate {i}",
        )
        services.milestone_add(funded=bench, actor=city_admin, title=f"Schritt {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(urls(process))
    assert len(many) == len(few)


def test_staff_report_through_the_page_and_errors_keep_the_form(client, counted, evaluator):
    process, _pot, _projects = counted
    bus = funded_by_title(process)["Bus"].proposal
    client.force_login(evaluator)
    kwargs = {"city_slug": "dortmund", "process_id": process.pk, "proposal_id": bus.pk}
    response = client.post(
        reverse("implementation_ledger_add", kwargs=kwargs),
        {
            "kind": "payment",
            "amount": "5000",
            "booked_on": timezone.localdate().isoformat(),
            "note": "Schilder",
        },
    )
    assert response.status_code == 302 and LedgerEntry.objects.get().amount == 5_000
    response = client.post(
        reverse("implementation_ledger_add", kwargs=kwargs),
        {
            "kind": "refund",
            "amount": "9000",
            "booked_on": timezone.localdate().isoformat(),
            "note": "zu viel",
        },
    )
    assert response.status_code == 400
    assert "no more can come back" in response.content.decode()
    assert 'value="zu viel"' in response.content.decode()
    response = client.post(
        reverse("implementation_update_add", kwargs=kwargs),
        {
            "text": "Schilder hängen",
            "progress": "80",
            "image": io.BytesIO(b"not an image"),
            "alt_text": "Schild",
        },
    )
    assert response.status_code == 400
    response = client.post(
        reverse("implementation_milestone_add", kwargs=kwargs),
        {"title": "Einweihung", "due_on": "2027-05-01"},
    )
    assert response.status_code == 302


def test_others_cannot_post_and_get_no_forms(client, counted, resident):
    process, _pot, _projects = counted
    bus = funded_by_title(process)["Bus"].proposal
    client.force_login(resident)
    kwargs = {"city_slug": "dortmund", "process_id": process.pk, "proposal_id": bus.pk}
    response = client.post(
        reverse("implementation_ledger_add", kwargs=kwargs),
        {
            "kind": "payment",
            "amount": "5",
            "booked_on": timezone.localdate().isoformat(),
            "note": "x",
        },
    )
    assert response.status_code == 404 and not LedgerEntry.objects.exists()


def test_before_the_count_the_page_says_what_will_be_there(client, dortmund, city_admin):
    process = budgeting.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Später",
        phases=phases(Action.PROPOSE),
        ballot=APPROVAL,
    )
    page = client.get(urls(process)).content.decode()
    assert "has not been counted yet" in page
