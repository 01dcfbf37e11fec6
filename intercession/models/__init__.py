from intercession.models.prayer import (
    DailyListVisit,
    GroupInvitation,
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
    "GroupInvitation",
    "GroupMeeting",
    "GroupReminder",
    "IntercessorGroup",
    "PrayerKind",
    "PrayerLog",
    "RequestSnooze",
    "Weekday",
]
