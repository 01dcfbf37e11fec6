from intercession.models.prayer import (
    DailyListVisit,
    GroupMeeting,
    GroupReminder,
    IntercessorGroup,
    PrayerKind,
    PrayerLog,
    RequestSnooze,
    Weekday,
    people_count,
)
from intercession.models.seasons import Season, SeasonDay, SeasonHour

__all__ = [
    "DailyListVisit",
    "GroupMeeting",
    "GroupReminder",
    "IntercessorGroup",
    "PrayerKind",
    "PrayerLog",
    "RequestSnooze",
    "Season",
    "SeasonDay",
    "SeasonHour",
    "Weekday",
    "people_count",
]
