"""Wall-clock times in a person's own time zone, DST included."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.timezones import local_to_aware

UTC = ZoneInfo("UTC")

# The weekly group reminder goes out on the morning of the meeting day, or the evening before
# when the group meets early.
WEEKLY_MORNING = time(7, 0)
WEEKLY_EVENING_BEFORE = time(19, 0)
EARLY_MEETING = time(9, 0)
# Coordinators hear about check-ins due on Monday mornings.
DIGEST_WEEKDAY = 0
DIGEST_TIME = time(8, 0)
# Attendees hear about a check-in at this time the day before.
EVE_TIME = time(18, 0)


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


def weekly_reminder_slot(meeting_weekday: int, meeting_time: time) -> tuple[int, time]:
    """(weekday, time) of the weekly reminder for a group meeting at this weekday and time."""
    if meeting_time >= EARLY_MEETING:
        return meeting_weekday, WEEKLY_MORNING
    return (meeting_weekday - 1) % 7, WEEKLY_EVENING_BEFORE


def local_day_end(day: date, zone: ZoneInfo) -> datetime:
    return wall_clock(day + timedelta(days=1), time(0, 0), zone)
