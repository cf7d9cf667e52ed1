"""When a person's daily digest is due: plain Python on aware datetimes, tested over weeks that
cross the changes of daylight-saving time."""

from datetime import datetime, time
from zoneinfo import ZoneInfo


def digest_time_on(day, *, hour: int, zone: ZoneInfo) -> datetime:
    """``hour`` o'clock on ``day`` in ``zone``. An hour that a clock change skips (02:00 on
    the spring day in Europe/Berlin) falls on the first moment after the gap."""
    local = datetime.combine(day, time(hour), tzinfo=zone)
    round_trip = local.astimezone(ZoneInfo("UTC")).astimezone(zone)
    # Inside the gap the round trip lands on the first moment after it (03:00 for 02:00).
    return round_trip if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None) else local


def digest_due(*, now: datetime, hour: int, zone: ZoneInfo, last_sent: datetime | None) -> bool:
    """Whether a digest should go out now: today's digest time has come, and none went out
    since it (so: at most one a day, and a worker that was down catches up once)."""
    today = now.astimezone(zone).date()
    due_at = digest_time_on(today, hour=hour, zone=zone)
    if now < due_at:
        return False
    return last_sent is None or last_sent < due_at
