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

__all__ = [
    "DailyListVisit",
    "GroupMeeting",
    "GroupReminder",
    "IntercessorGroup",
    "PrayerKind",
    "PrayerLog",
    "RequestSnooze",
    "Weekday",
    "people_count",
]
