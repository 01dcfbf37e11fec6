from intercession.models.prayer import (
    DailyListVisit,
    GroupMeeting,
    GroupReminder,
    IntercessorGroup,
    PrayerKind,
    PrayerLog,
    RequestSnooze,
    Weekday,
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
]
