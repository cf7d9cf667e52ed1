"""The vote's busy path: the vote paper each worker keeps (and drops the moment anything on it is
written), the cast in one statement, sessions in plain SQL, prepared statements. On SQLite the
paper is read every time and the cast goes through the ORM; the PostgreSQL pass of make test
runs the rest."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quartier.budgeting import papers, services
from quartier.budgeting.cast_statement import cast_first
from quartier.budgeting.errors import AlreadyVoted
from quartier.budgeting.models import Ballot, Pot, Proposal, RegisterEntry
from quartier.budgeting.tests.test_services import APPROVAL, code_entry, feasible, one_phase
from quartier.cities.models import City
from quartier.core import prepared
from quartier.core.sessions import SessionStore
from quartier.participation.models import Phase, Process
from quartier.participation.services import process_set_phases
from quartier.participation.vocabulary import Action

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row versions and one-statement casts: PostgreSQL"
)


@pytest.fixture
def vote(dortmund, city_admin, resident, evaluator):
    process = services.prize_money_create(
        city=dortmund,
        creator=city_admin,
        title="Schnell",
        phases=one_phase(Action.PROPOSE, Action.REVIEW),
        ballot=APPROVAL,
    )
    pot = services.pot_save(process=process, actor=city_admin, name="Alle", amount=100)
    feasible(process, pot, resident, evaluator, "Bank", 10)
    feasible(process, pot, resident, evaluator, "Brunnen", 30)
    process_set_phases(process=process, actor=city_admin, phases=one_phase(Action.VOTE))
    return process


def paper_of(vote, entry_id=None):
    return papers.vote_paper(city_slug=vote.city.slug, process_id=vote.pk, entry_id=entry_id)


def titles(paper):
    return [p.title for listed in paper.projects.values() for p in listed]


@pytest.mark.django_db
def test_the_paper_has_the_vote_its_pots_and_the_projects_on_the_ballot(vote):
    paper = paper_of(vote)
    assert paper.process.pk == vote.pk and paper.city.slug == "dortmund"
    assert [pot.name for pot in paper.pots] == ["Alle"]
    assert titles(paper) == ["Bank", "Brunnen"]
    with CaptureQueriesContext(connection) as queries:
        phases = list(paper.process.phases.all())
    assert len(queries) == 0  # read with the paper
    assert [p.pk for p in phases] == list(
        Phase.objects.filter(process=vote).order_by("position").values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_another_citys_vote_or_another_kind_is_not_found(vote, dortmund):
    other = City.objects.create(slug="bochum", name="Bochum", centre_lat=51.48, centre_lon=7.21)
    with pytest.raises(Http404):
        papers.vote_paper(city_slug=other.slug, process_id=vote.pk)
    with pytest.raises(Http404):
        papers.vote_paper(city_slug="atlantis", process_id=vote.pk)
    Process.objects.filter(pk=vote.pk).update(kind="opinion_map")
    with pytest.raises(Http404):
        paper_of(vote)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        "hide a proposal",
        "a new cost",
        "a new amount",
        "a proposal deleted",
        "the phase ends",
        "the city renamed",
        "the title",
    ],
)
def test_a_write_to_anything_on_the_paper_is_seen_at_once(vote, change):
    before = paper_of(vote)
    assert paper_of(vote).process.title == before.process.title  # kept, unchanged
    bank = Proposal.objects.get(process=vote, title="Bank")
    if change == "hide a proposal":
        Proposal.objects.filter(pk=bank.pk).update(hidden_at=timezone.now())
        assert titles(paper_of(vote)) == ["Brunnen"]
    elif change == "a new cost":
        Proposal.objects.filter(pk=bank.pk).update(cost=25)
        costs = paper_of(vote).sheet(district_id=None).costs(bank.pot_id)
        assert costs[str(bank.pk)] == 25
    elif change == "a new amount":
        Pot.objects.filter(process=vote).update(amount=80)
        assert [pot.amount for pot in paper_of(vote).pots] == [80]
    elif change == "a proposal deleted":
        bank.delete()
        assert titles(paper_of(vote)) == ["Brunnen"]
    elif change == "the phase ends":
        Phase.objects.filter(process=vote).update(ends_at=timezone.now() - timedelta(minutes=1))
        ends = [p.ends_at for p in paper_of(vote).process.phases.all()]
        assert max(ends) < timezone.now()
    elif change == "the city renamed":
        City.objects.filter(pk=vote.city_id).update(name="Dortmund (neu)")
        assert paper_of(vote).city.name == "Dortmund (neu)"
    else:
        Process.objects.filter(pk=vote.pk).update(title="Neu")
        assert paper_of(vote).process.title == "Neu"


@on_postgresql
@pytest.mark.django_db
def test_an_unchanged_paper_costs_one_query_and_each_request_gets_its_own_copy(vote):
    first = paper_of(vote)
    first.process.settings_locked_at = timezone.now()  # as a cast does, then rolled back
    first.city.name = "changed in memory"
    with CaptureQueriesContext(connection) as queries:
        again = paper_of(vote)
    assert len(queries) == 1
    assert again.process.settings_locked_at is None and again.city.name == "Dortmund"
    assert again.process.city is again.city
    assert again.projects is first.projects  # shared, only read


@pytest.mark.django_db
def test_the_paper_reads_the_voters_entry_with_it_and_only_this_votes(vote, city_admin):
    _codes, (entry,) = code_entry(vote, city_admin)
    paper = paper_of(vote, entry_id=entry.pk)
    assert paper.entry is not None and paper.entry.pk == entry.pk and paper.entry.voted is False
    assert paper.entry.district_id == entry.district_id and paper.entry.user_id is None
    other = services.prize_money_create(
        city=vote.city,
        creator=city_admin,
        title="Andere",
        phases=one_phase(Action.VOTE),
        ballot=APPROVAL,
    )
    _codes, (stranger,) = code_entry(other, city_admin)
    assert paper_of(vote, entry_id=stranger.pk).entry is None
    assert paper_of(vote, entry_id=True).entry is None  # not an id
    assert paper_of(vote, entry_id=None).entry is None


# --- The cast in one statement ------------------------------------------------------------------


def _ballot(vote, pot, receipt_hash="a" * 64):
    return Ballot(
        process=vote,
        pot=pot,
        choices=[["1", 1]],
        receipt_hash=receipt_hash,
        change_tag="b" * 64,
    )


@on_postgresql
@pytest.mark.django_db
def test_one_statement_marks_the_entry_and_writes_the_ballots_or_nothing(vote, city_admin):
    _codes, (entry,) = code_entry(vote, city_admin)
    pot = Pot.objects.get(process=vote)
    assert cast_first(entry_id=entry.pk, ballots=[_ballot(vote, pot)]) is True
    entry.refresh_from_db()
    assert entry.voted is True
    stored = Ballot.objects.get(process=vote)
    assert stored.choices == [["1", 1]] and stored.receipt_hash == "a" * 64
    assert stored.channel == "online"
    # The same entry again: nothing is written.
    assert cast_first(entry_id=entry.pk, ballots=[_ballot(vote, pot, "c" * 64)]) is False
    assert Ballot.objects.filter(process=vote).count() == 1


@on_postgresql
@pytest.mark.django_db
def test_casts_after_the_first_take_the_one_statement_and_are_refused_the_second_time(
    vote, city_admin
):
    _codes, (first, second) = code_entry(vote, city_admin, count=2)
    pot = Pot.objects.get(process=vote)
    bank = Proposal.objects.get(process=vote, title="Bank")
    services.ballot_cast(process=vote, entry=first, choices_by_pot={pot.pk: [(bank.pk, 1)]})
    vote.refresh_from_db()
    assert vote.settings_locked_at is not None
    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(process=vote, entry=second, choices_by_pot={pot.pk: [(bank.pk, 1)]})
    writes = [q["sql"] for q in queries if not (q["sql"] or "").startswith("SELECT")]
    assert writes == [None]  # the one statement (prepared: Django logs no text for it)
    with pytest.raises(AlreadyVoted):
        services.ballot_cast(process=vote, entry=second, choices_by_pot={pot.pk: [(bank.pk, 1)]})
    assert Ballot.objects.filter(process=vote).count() == 2
    assert RegisterEntry.objects.filter(process=vote, voted=True).count() == 2


# --- Sessions and prepared statements ---------------------------------------------------------


@pytest.mark.django_db
def test_sessions_are_stored_read_and_written_back_as_django_keeps_them():
    store = SessionStore()
    store["vote"] = {"entry": 7}
    store.save()  # a new session: Django's own create
    key = store.session_key
    again = SessionStore(key)
    assert again["vote"] == {"entry": 7}
    again["vote"] = {"cast": True}
    again.save()
    assert SessionStore(key)["vote"] == {"cast": True}
    row = Session.objects.get(session_key=key)
    assert row.get_decoded() == {"vote": {"cast": True}}


@pytest.mark.django_db
def test_an_expired_or_unknown_session_is_empty_and_a_vanished_one_is_not_written():
    store = SessionStore()
    store["x"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("no-such-session-key-at-all").load() == {}
    live = SessionStore()
    live["x"] = 1
    live.save()
    loaded = SessionStore(live.session_key)
    loaded["x"] = 2
    Session.objects.filter(session_key=live.session_key).delete()
    with pytest.raises(UpdateError):
        loaded.save()


@on_postgresql
@pytest.mark.django_db
def test_statements_through_the_prepared_cursor_are_prepared_unless_switched_off(settings):
    def prepared_count():
        with connection.cursor() as plain:
            plain.execute("SELECT count(*) FROM pg_prepared_statements")
            return plain.fetchone()[0]

    settings.DB_PREPARED_STATEMENTS = False
    before = prepared_count()
    with prepared.cursor() as cursor:
        cursor.execute("SELECT %s::int + 1 AS quartier_not_prepared", [1])
        assert cursor.fetchone() == (2,)
    assert prepared_count() == before
    settings.DB_PREPARED_STATEMENTS = True
    with prepared.cursor() as cursor:
        cursor.execute("SELECT %s::int + 2 AS quartier_prepared", [1])
        assert cursor.fetchone() == (3,)
    assert prepared_count() == before + 1
