from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from quartier.conftest import make_user
from quartier.core.errors import PermissionDenied
from quartier.deliberation import services as deliberation
from quartier.participation.errors import ProcessError, SettingsLocked
from quartier.participation.models import AuditEntry, Phase, Process
from quartier.participation.permissions import phase_current, process_allows
from quartier.participation.services import (
    PhaseSpec,
    process_create,
    process_lock_settings,
    process_set_phases,
    process_update_settings,
)
from quartier.participation.vocabulary import Action, ProcessKind

BERLIN = ZoneInfo("Europe/Berlin")
# A winter day (CET, UTC+1): 13:00 UTC is 14:00 in Dortmund.
T0 = datetime(2027, 1, 15, 13, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


# Three phases with a gap between the second and the third:
#   [0h, 10h) propose   [10h, 20h) support, comment   [30h, open-ended) show_results
THREE_PHASES = [
    PhaseSpec(name="Ideen sammeln", starts_at=at(0), ends_at=at(10), allows=[Action.PROPOSE]),
    PhaseSpec(
        name="Unterstützen",
        starts_at=at(10),
        ends_at=at(20),
        allows=[Action.SUPPORT, Action.COMMENT],
    ),
    PhaseSpec(name="Ergebnis", starts_at=at(30), allows=[Action.SHOW_RESULTS]),
]


def create(city, creator, *, phases=THREE_PHASES, kind=ProcessKind.CALL_FOR_IDEAS, **extra):
    return process_create(
        city=city,
        kind=kind,
        title="Ideen für die Nordstadt",
        phases=phases,
        creator=creator,
        **extra,
    )


@pytest.fixture
def prize_money(dortmund, city_admin) -> Process:
    return create(
        dortmund,
        city_admin,
        kind=ProcessKind.PRIZE_MONEY,
        options={"ballot": "approval", "rule": "mes"},
    )


# --- process_create validates phases -------------------------------------------------------


def test_process_create_stores_the_phases_in_the_order_of_their_start(dortmund, city_admin):
    shuffled = [THREE_PHASES[2], THREE_PHASES[0], THREE_PHASES[1]]
    process = create(dortmund, city_admin, phases=shuffled)
    stored = list(process.phases.order_by("position"))
    assert [(phase.position, phase.name) for phase in stored] == [
        (1, "Ideen sammeln"),
        (2, "Unterstützen"),
        (3, "Ergebnis"),
    ]
    assert stored[1].allows == ["support", "comment"]
    assert stored[2].ends_at is None
    assert process.created_by == city_admin and process.city == dortmund


def test_process_create_refuses_a_phase_without_a_name(dortmund, city_admin):
    phases = [THREE_PHASES[0], PhaseSpec(name="   ", starts_at=at(10), ends_at=at(20))]
    with pytest.raises(ProcessError, match="Phase 2 needs a name"):
        create(dortmund, city_admin, phases=phases)
    assert not Process.objects.filter(city=dortmund, kind=ProcessKind.CALL_FOR_IDEAS).exists()


@pytest.mark.parametrize("ends", [at(-1), at(0)], ids=["before-start", "at-start"])
def test_process_create_refuses_a_phase_that_does_not_end_after_it_starts(
    dortmund, city_admin, ends
):
    phases = [PhaseSpec(name="Kurz", starts_at=at(0), ends_at=ends)]
    with pytest.raises(ProcessError, match="“Kurz” must end after it starts"):
        create(dortmund, city_admin, phases=phases)
    assert not Phase.objects.filter(name="Kurz").exists()


def test_process_create_refuses_unknown_actions(dortmund, city_admin):
    phases = [PhaseSpec(name="Alles", starts_at=at(0), allows=["vote", "delete_everything"])]
    with pytest.raises(ProcessError, match="unknown actions: delete_everything"):
        create(dortmund, city_admin, phases=phases)
    # A string instead of a list is not a list of actions either.
    with pytest.raises(ProcessError, match="unknown actions"):
        create(dortmund, city_admin, phases=[PhaseSpec(name="X", starts_at=at(0), allows="vote")])


@pytest.mark.parametrize(
    "second_start, first_end",
    [(at(5), at(10)), (at(0), at(10)), (at(20), None)],
    ids=["partly", "same-start", "after-an-open-ended-one"],
)
def test_process_create_refuses_overlapping_phases(dortmund, city_admin, second_start, first_end):
    phases = [
        PhaseSpec(name="Erste", starts_at=at(0), ends_at=first_end),
        PhaseSpec(name="Zweite", starts_at=second_start, ends_at=at(40)),
    ]
    with pytest.raises(ProcessError, match="overlap"):
        create(dortmund, city_admin, phases=phases)
    assert not Phase.objects.filter(name__in=["Erste", "Zweite"]).exists()


def test_phases_may_touch_at_a_boundary(dortmund, city_admin):
    phases = [
        PhaseSpec(name="Erste", starts_at=at(0), ends_at=at(10)),
        PhaseSpec(name="Zweite", starts_at=at(10), ends_at=at(20)),
    ]
    assert create(dortmund, city_admin, phases=phases).phases.count() == 2


def test_process_create_refuses_an_unknown_kind_and_an_empty_title(dortmund, city_admin):
    with pytest.raises(ProcessError, match="Unknown kind"):
        create(dortmund, city_admin, kind="lottery")
    with pytest.raises(ProcessError, match="needs a title"):
        process_create(
            city=dortmund,
            kind=ProcessKind.CALL_FOR_IDEAS,
            title=" \n ",
            phases=[],
            creator=city_admin,
        )


def test_naive_datetimes_are_read_in_the_citys_time_zone(dortmund, city_admin):
    # A naive and an aware phase side by side must not end in a TypeError (a 500).
    phases = [
        PhaseSpec(name="Naiv", starts_at=datetime(2027, 1, 15, 14, 0), ends_at=at(10)),
        PhaseSpec(name="Aware", starts_at=at(10)),
    ]
    process = create(dortmund, city_admin, phases=phases)
    first = process.phases.get(name="Naiv")
    assert first.starts_at == T0  # 14:00 in Berlin in winter is 13:00 UTC


# --- process_allows, phase_current -----------------------------------------------------------


@pytest.mark.parametrize(
    "hours, allowed",
    [
        (-1, set()),  # before the first phase
        (0, {"propose"}),  # a phase's start belongs to it
        (5, {"propose"}),
        (9.999, {"propose"}),
        (10, {"support", "comment"}),  # the end belongs to the next phase
        (19.999, {"support", "comment"}),
        (20, set()),  # in the gap
        (29.999, set()),
        (30, {"show_results"}),
        (24 * 365 * 10, {"show_results"}),  # an open-ended phase never ends
    ],
)
def test_process_allows_follows_the_phase_running_at_the_time(dortmund, city_admin, hours, allowed):
    process = create(dortmund, city_admin)
    moment = at(hours)
    assert {
        action
        for action in Action.values
        if process_allows(process=process, action=action, at=moment)
    } == allowed


def test_the_current_phase_at_the_boundaries(dortmund, city_admin):
    process = create(dortmund, city_admin)
    assert phase_current(process=process, at=at(-0.001)) is None
    assert phase_current(process=process, at=at(0)).name == "Ideen sammeln"
    assert phase_current(process=process, at=at(10)).name == "Unterstützen"
    assert phase_current(process=process, at=at(20)) is None
    assert phase_current(process=process, at=at(30)).name == "Ergebnis"


def test_process_allows_refuses_an_unknown_action(dortmund, city_admin):
    process = create(dortmund, city_admin)
    with pytest.raises(ValueError, match="unknown action 'vote_twice'"):
        process_allows(process=process, action="vote_twice", at=at(5))


def test_a_process_without_phases_allows_nothing(dortmund, city_admin):
    process = create(dortmund, city_admin, phases=[])
    assert phase_current(process=process) is None
    assert not process_allows(process=process, action=Action.PROPOSE)


def test_process_allows_without_a_time_means_now(dortmund, city_admin):
    from django.utils import timezone

    now = timezone.now()
    phases = [
        PhaseSpec(
            name="Jetzt",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=1),
            allows=[Action.VOTE],
        ),
    ]
    process = create(dortmund, city_admin, phases=phases)
    assert process_allows(process=process, action=Action.VOTE)
    assert not process_allows(process=process, action=Action.PROPOSE)


def test_phase_current_uses_prefetched_phases(dortmund, city_admin, django_assert_num_queries):
    created = create(dortmund, city_admin)
    process = Process.objects.prefetch_related("phases").get(pk=created.pk)
    with django_assert_num_queries(0):
        assert phase_current(process=process, at=at(15)).name == "Unterstützen"
        assert process_allows(process=process, action=Action.COMMENT, at=at(15))
        assert not process_allows(process=process, action=Action.PROPOSE, at=at(15))


# --- who may set processes up ---------------------------------------------------------------


@pytest.fixture
def people(dortmund, resident, moderator, city_admin, system_admin, bochum_admin):
    return {
        "resident": resident,
        "moderator": moderator,
        "evaluator": make_user("jury@example.org", city=dortmund, role="evaluator"),
        "staff_flag_only": _staff_only(),
        "bochum_admin": bochum_admin,
        "anonymous": AnonymousUser(),
        "nobody": None,
        "city_admin": city_admin,
        "system_admin": system_admin,
    }


def _staff_only():
    user = make_user("staff@example.org")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


ALLOWED = {"city_admin", "system_admin"}
EVERYONE = [
    "resident",
    "moderator",
    "evaluator",
    "staff_flag_only",
    "bochum_admin",
    "anonymous",
    "nobody",
    "city_admin",
    "system_admin",
]


@pytest.mark.parametrize("who", EVERYONE)
def test_only_city_and_system_admins_create_processes(dortmund, people, who):
    if who in ALLOWED:
        assert create(dortmund, people[who]).pk
    else:
        with pytest.raises(PermissionDenied):
            create(dortmund, people[who])
        assert not Process.objects.filter(title="Ideen für die Nordstadt").exists()


@pytest.mark.parametrize("who", EVERYONE)
def test_only_city_and_system_admins_set_phases(dortmund, city_admin, people, who):
    process = create(dortmund, city_admin)
    new = [PhaseSpec(name="Neu", starts_at=at(0), allows=[Action.PROPOSE])]
    if who in ALLOWED:
        process_set_phases(process=process, actor=people[who], phases=new)
        assert list(process.phases.values_list("name", flat=True)) == ["Neu"]
    else:
        with pytest.raises(PermissionDenied):
            process_set_phases(process=process, actor=people[who], phases=new)
        assert process.phases.count() == 3


@pytest.mark.parametrize("who", EVERYONE)
def test_only_city_and_system_admins_update_settings(dortmund, prize_money, people, who):
    if who in ALLOWED:
        process_update_settings(process=prize_money, actor=people[who], changes={"rule": "greedy"})
        prize_money.refresh_from_db()
        assert prize_money.options["rule"] == "greedy"
    else:
        with pytest.raises(PermissionDenied):
            process_update_settings(
                process=prize_money, actor=people[who], changes={"rule": "greedy"}
            )
        prize_money.refresh_from_db()
        assert prize_money.options["rule"] == "mes"


def test_setting_phases_replaces_them_and_is_audit_logged(dortmund, city_admin):
    process = create(dortmund, city_admin)
    process_set_phases(
        process=process,
        actor=city_admin,
        phases=[PhaseSpec(name="Alles auf einmal", starts_at=at(0), allows=[Action.PROPOSE])],
    )
    assert list(process.phases.values_list("position", "name")) == [(1, "Alles auf einmal")]
    entry = AuditEntry.objects.filter(action="process_change").latest("id")
    assert entry.actor_id == city_admin.pk and entry.target_id == process.pk
    assert entry.detail == {"phases": ["Alles auf einmal"]}


def test_invalid_new_phases_keep_the_old_ones(dortmund, city_admin):
    process = create(dortmund, city_admin)
    bad = [PhaseSpec(name="Rückwärts", starts_at=at(10), ends_at=at(5))]
    with pytest.raises(ProcessError):
        process_set_phases(process=process, actor=city_admin, phases=bad)
    assert process.phases.count() == 3


# --- settings lock ---------------------------------------------------------------------------


def test_settings_change_freely_before_the_first_entry(prize_money, city_admin):
    changed = process_update_settings(
        process=prize_money,
        actor=city_admin,
        changes={"ballot": "cumulative", "rule": "greedy", "pots": [{"name": "Nord"}]},
    )
    prize_money.refresh_from_db()
    assert prize_money.options == {
        "ballot": "cumulative",
        "rule": "greedy",
        "pots": [{"name": "Nord"}],
    }
    assert changed.options == prize_money.options
    entry = AuditEntry.objects.filter(action="process_change").latest("id")
    assert entry.detail == {"settings": ["ballot", "pots", "rule"]}


@pytest.mark.parametrize(
    "key, value",
    [("ballot", "cumulative"), ("rule", "greedy"), ("pots", [{"name": "Nord", "budget": 5000}])],
)
def test_locked_settings_cannot_change_after_the_first_entry(prize_money, city_admin, key, value):
    process_lock_settings(process=prize_money)
    log_size = AuditEntry.objects.count()
    with pytest.raises(SettingsLocked) as raised:
        process_update_settings(
            process=prize_money, actor=city_admin, changes={key: value, "intro": "Neu"}
        )
    message = raised.value.message
    assert "can no longer be changed" in message and key in message
    assert raised.value.code == "settings_locked"
    prize_money.refresh_from_db()
    assert prize_money.options == {"ballot": "approval", "rule": "mes"}  # nothing changed
    assert AuditEntry.objects.count() == log_size


def test_unlocked_settings_and_phase_dates_still_change_after_the_lock(prize_money, city_admin):
    process_lock_settings(process=prize_money)
    # The same value for a locked key is no change; another key is free.
    process_update_settings(
        process=prize_money, actor=city_admin, changes={"ballot": "approval", "intro": "Hallo"}
    )
    moved = [PhaseSpec(name="Abstimmen", starts_at=at(0), ends_at=at(48), allows=[Action.VOTE])]
    process_set_phases(process=prize_money, actor=city_admin, phases=moved)
    prize_money.refresh_from_db()
    assert prize_money.options == {"ballot": "approval", "rule": "mes", "intro": "Hallo"}
    assert prize_money.phases.get().ends_at == at(48)


def test_locking_twice_keeps_the_first_date(prize_money):
    process_lock_settings(process=prize_money)
    first = Process.objects.get(pk=prize_money.pk).settings_locked_at
    assert first is not None
    stale = Process.objects.get(pk=prize_money.pk)
    stale.settings_locked_at = None  # another request's copy, loaded before the lock
    process_lock_settings(process=stale)
    assert Process.objects.get(pk=prize_money.pk).settings_locked_at == first


def test_the_first_opinion_map_vote_locks_its_settings(dortmund, moderator, resident):
    conversation = deliberation.conversation_open(
        city=dortmund, creator=moderator, question="Mehr Bänke?", seed_statements=["Ja", "Nein"]
    )
    assert conversation.process.settings_locked_at is None
    participant = deliberation.participant_join(conversation=conversation, user=resident)
    deliberation.vote_cast(
        participant=participant, statement=conversation.statements.first(), choice=1
    )
    assert Process.objects.get(pk=conversation.process_id).settings_locked_at is not None


# --- time zones and pages --------------------------------------------------------------------


def test_phases_are_stored_in_utc(dortmund, city_admin):
    berlin_afternoon = datetime(2027, 1, 15, 14, 0, tzinfo=BERLIN)
    process = create(dortmund, city_admin, phases=[PhaseSpec(name="P", starts_at=berlin_afternoon)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT starts_at FROM participation_phase WHERE process_id = %s", [process.pk]
        )
        (raw,) = cursor.fetchone()
    if connection.vendor == "sqlite":
        assert str(raw).startswith("2027-01-15 13:00:00")
    else:
        assert raw == T0 and raw.utcoffset() == timedelta(0)
    assert process.phases.get().starts_at == T0


@pytest.mark.parametrize(
    "starts, shown",
    [(T0, "14:00"), (datetime(2027, 7, 15, 13, 0, tzinfo=UTC), "15:00")],
    ids=["winter", "summer"],
)
def test_the_process_page_shows_phases_in_berlin_time(client, dortmund, city_admin, starts, shown):
    phases = [PhaseSpec(name="Abstimmen", starts_at=starts, allows=[Action.VOTE])]
    process = create(dortmund, city_admin, phases=phases)
    response = client.get(f"/dortmund/processes/{process.pk}/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Abstimmen" in text and shown in text
    assert "13:00" not in text


def test_the_process_pages_are_public(client, dortmund, city_admin):
    process = create(dortmund, city_admin)
    listing = client.get("/dortmund/processes/", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    assert "Ideen für die Nordstadt" in listing.content.decode()
    detail = client.get(f"/dortmund/processes/{process.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "Ideen sammeln" in text and "Unterstützen" in text and "open-ended" in text


def test_a_process_of_another_city_or_an_unknown_one_is_404(client, dortmund, bochum, bochum_admin):
    elsewhere = create(bochum, bochum_admin)
    assert client.get(f"/dortmund/processes/{elsewhere.pk}/").status_code == 404
    assert client.get(f"/bochum/processes/{elsewhere.pk}/").status_code == 200
    assert client.get("/dortmund/processes/999999/").status_code == 404
    assert client.get("/atlantis/processes/").status_code == 404
    listing = client.get("/dortmund/processes/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ideen für die Nordstadt" not in listing


def test_the_process_list_says_when_there_are_none(client, bochum):
    response = client.get("/bochum/processes/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "No processes yet." in response.content.decode()


def _queries_for(client, url) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_process_list_costs_no_query_per_process(client, dortmund, moderator, city_admin):
    def open_map(n):
        return deliberation.conversation_open(
            city=dortmund, creator=moderator, question=f"Frage {n}?", seed_statements=["a"]
        )

    conversation = open_map(0)
    create(dortmund, city_admin)
    few = _queries_for(client, "/dortmund/processes/")
    for n in range(1, 8):
        open_map(n)
        create(dortmund, city_admin)
    assert _queries_for(client, "/dortmund/processes/") == few
    # Each opinion map links to the page where one takes part.
    text = client.get("/dortmund/processes/").content.decode()
    assert f'href="/dortmund/opinion-maps/{conversation.pk}/"' in text
    detail = client.get(f"/dortmund/processes/{conversation.process_id}/").content.decode()
    assert f'href="/dortmund/opinion-maps/{conversation.pk}/"' in detail
