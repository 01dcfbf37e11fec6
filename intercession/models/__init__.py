from intercession.models.prayer import (
    DailyListVisit,
    GroupMeeting,
    IntercessorGroup,
    PrayerKind,
    PrayerLog,
    Weekday,
)
from intercession.models.reminders import (
    DeliveryStatus,
    ReminderDelivery,
    ReminderKind,
    ReminderPreference,
)

__all__ = [
    "DailyListVisit",
    "DeliveryStatus",
    "GroupMeeting",
    "IntercessorGroup",
    "PrayerKind",
    "PrayerLog",
    "ReminderDelivery",
    "ReminderKind",
    "ReminderPreference",
    "Weekday",
]
