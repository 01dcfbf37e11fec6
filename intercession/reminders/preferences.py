"""Changing one's reminders: the settings page and the unsubscribe links."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from intercession.models import ReminderPreference
from intercession.reminders import schedule


def new_preference(user: User, now: datetime) -> ReminderPreference:
    """Default reminders, with their first due times in the person's own time zone."""
    zone = ZoneInfo(user.time_zone)
    return ReminderPreference(
        user=user,
        daily_next_at=schedule.next_daily(ReminderPreference.daily_time.field.default, zone, now),
        checkin_digest_next_at=schedule.next_weekly(
            schedule.DIGEST_WEEKDAY, schedule.DIGEST_TIME, zone, now
        ),
    )


def preference_for(user: User) -> ReminderPreference:
    pref = ReminderPreference.objects.filter(user=user).first()
    if pref is None:
        ReminderPreference.objects.bulk_create(
            [new_preference(user, timezone.now())], ignore_conflicts=True
        )
        pref = ReminderPreference.objects.get(user=user)
    return pref


@transaction.atomic
def reminders_update(
    *,
    user: User,
    time_zone: str,
    daily_enabled: bool,
    daily_time: time,
    weekly_enabled: bool,
    checkin_digest_enabled: bool,
    checkin_eve_enabled: bool,
    testimony_enabled: bool,
) -> ReminderPreference:
    """Save the settings page. Saving again also clears a bounce: the person says the address
    works."""
    user.time_zone = time_zone
    user.full_clean(validate_unique=False)
    user.save(update_fields=["time_zone"])
    pref = ReminderPreference.objects.select_for_update().get(pk=preference_for(user).pk)
    zone = ZoneInfo(time_zone)
    now = timezone.now()
    pref.daily_enabled = daily_enabled
    pref.daily_time = daily_time
    pref.daily_next_at = schedule.next_daily(daily_time, zone, now)
    pref.weekly_enabled = weekly_enabled
    pref.checkin_digest_enabled = checkin_digest_enabled
    pref.checkin_digest_next_at = schedule.next_weekly(
        schedule.DIGEST_WEEKDAY, schedule.DIGEST_TIME, zone, now
    )
    pref.checkin_eve_enabled = checkin_eve_enabled
    pref.testimony_enabled = testimony_enabled
    pref.bounced_at = None
    pref.bounce_reason = ""
    pref.save()
    return pref


def reminder_unsubscribe(*, user: User, kind: str) -> ReminderPreference:
    if kind not in ReminderPreference.SWITCHES:
        raise ValueError(kind)
    pref = preference_for(user)
    ReminderPreference.objects.filter(pk=pref.pk).update(
        **{ReminderPreference.SWITCHES[kind]: False}
    )
    pref.refresh_from_db()
    return pref
