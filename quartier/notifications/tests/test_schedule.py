"""The daily digest over simulated weeks, across both changes of daylight-saving time in
Europe/Berlin (29 March and 25 October 2026): one a day, within 15 minutes of its hour."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from quartier.notifications.schedule import digest_due, digest_time_on

BERLIN = ZoneInfo("Europe/Berlin")


def simulate(start: datetime, days: int, hour: int, tick_minutes: int = 5) -> list[datetime]:
    """A sweep every ``tick_minutes`` for ``days``: when a digest went out (local time)."""
    sent: list[datetime] = []
    now, end = start, start + timedelta(days=days)
    last: datetime | None = start  # as if one had just gone out: no catching up at the start
    while now < end:
        if digest_due(now=now, hour=hour, zone=BERLIN, last_sent=last):
            last = now
            sent.append(now.astimezone(BERLIN))
        now += timedelta(minutes=tick_minutes)
    return sent


@pytest.mark.parametrize(
    "start",
    [datetime(2026, 3, 15, tzinfo=UTC), datetime(2026, 10, 11, tzinfo=UTC)],
    ids=["spring forward", "fall back"],
)
@pytest.mark.parametrize("hour", [0, 2, 3, 7, 23])
def test_one_digest_a_day_within_15_minutes_of_its_hour(start, hour):
    sent = simulate(start, days=28, hour=hour)
    days = [moment.date() for moment in sent]
    assert len(days) == len(set(days)) >= 27  # never two on one local day, none missed
    for moment in sent:
        due = digest_time_on(moment.date(), hour=hour, zone=BERLIN)
        assert timedelta(0) <= moment - due < timedelta(minutes=15), (moment, due)


def test_an_hour_the_clock_skips_falls_right_after_the_gap():
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST; a 02:00 digest comes at 03:00.
    due = digest_time_on(datetime(2026, 3, 29).date(), hour=2, zone=BERLIN)
    assert due.astimezone(UTC) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_the_doubled_hour_in_october_sends_once():
    sent = simulate(datetime(2026, 10, 24, 12, tzinfo=UTC), days=2, hour=2, tick_minutes=1)
    assert [m.date().day for m in sent] == [25, 26]


def test_a_worker_that_was_down_catches_up_once():
    last = datetime(2026, 5, 4, 5, 0, tzinfo=UTC)  # the digest of 4 May, 07:00 CEST
    down_until = datetime(2026, 5, 6, 9, 30, tzinfo=UTC)
    assert digest_due(now=down_until, hour=7, zone=BERLIN, last_sent=last)
    assert not digest_due(
        now=down_until + timedelta(minutes=1), hour=7, zone=BERLIN, last_sent=down_until
    )
