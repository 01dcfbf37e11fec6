from intercession.models.prayer import (
    DailyListVisit,
    GroupMeeting,
    IntercessorGroup,
    PrayerKind,
    PrayerLog,
    RequestSnooze,
    Weekday,
)

__all__ = [
    "DailyListVisit",
    "GroupMeeting",
    "IntercessorGroup",
    "PrayerKind",
    "PrayerLog",
    "RequestSnooze",
    "Weekday",
]
