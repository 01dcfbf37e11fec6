"""Wall-clock times in a person's own time zone, DST included."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.timezones import local_to_aware

UTC = ZoneInfo("UTC")

# Coordinators hear about check-ins due on Monday mornings.
DIGEST_WEEKDAY = 0
DIGEST_TIME = time(8, 0)
# Partners hear that they were carried on the day they choose, at this time.
ENCOURAGEMENT_TIME = time(8, 0)


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """``day`` at ``at`` in ``zone``, by the same rule as check-in times (local_to_aware): an
    ambiguous time is its first occurrence, a missing one moves forward by the gap."""
    return local_to_aware(datetime.combine(day, at), zone)


def later(a: datetime, b: datetime) -> bool:
    """``a`` is after ``b`` as instants. (Python compares two datetimes of the same zone by
    their wall clocks, which is wrong around DST changes.)"""
    return a.astimezone(UTC) > b.astimezone(UTC)


def next_daily(at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first ``at`` in ``zone`` strictly after ``after``."""
    day = after.astimezone(zone).date()
    for offset in range(3):
        candidate = wall_clock(day + timedelta(days=offset), at, zone)
        if later(candidate, after):
            return candidate
    raise AssertionError("unreachable: a wall-clock time recurs within two days")


def next_weekly(weekday: int, at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first ``weekday`` at ``at`` in ``zone`` strictly after ``after``."""
    day = after.astimezone(zone).date()
    for offset in range(15):
        current = day + timedelta(days=offset)
        if current.weekday() == weekday:
            candidate = wall_clock(current, at, zone)
            if later(candidate, after):
                return candidate
    raise AssertionError("unreachable: a weekday recurs within two weeks")


def local_day_end(day: date, zone: ZoneInfo) -> datetime:
    return wall_clock(day + timedelta(days=1), time(0, 0), zone)


def late_occurrence(
    due: datetime, at: time, zone: ZoneInfo, now: datetime, period: timedelta
) -> datetime | None:
    """The occurrence to send for a schedule due at ``due``: itself if its local day is not
    over, else the latest one not after ``now`` whose day is not over, else none. After any
    downtime this is at most one reminder, never a backlog."""
    due = due.astimezone(UTC)
    if now < local_day_end(due.astimezone(zone).date(), zone).astimezone(UTC):
        return due
    # Step in local days, not in hours: a day with a change of the clocks is not 24 hours long.
    day = due.astimezone(zone).date()
    while wall_clock(day + timedelta(days=period.days), at, zone).astimezone(UTC) <= now:
        day += timedelta(days=period.days)
    candidate = wall_clock(day, at, zone).astimezone(UTC)
    if candidate <= now < local_day_end(day, zone).astimezone(UTC):
        return candidate
    return None
