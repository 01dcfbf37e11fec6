from intercession.models.prayer import (
    DailyListVisit,
    GroupMeeting,
    IntercessorGroup,
    PrayerKind,
    PrayerLog,
    Weekday,
)

__all__ = [
    "DailyListVisit",
    "GroupMeeting",
    "IntercessorGroup",
    "PrayerKind",
    "PrayerLog",
    "Weekday",
]
