"""The public door of notifications: queue an email, resume skipped ones, and change one's
reminders (the settings page and the unsubscribe links).

Other apps call only this module (and register their kind in notifications.kinds): none of them
writes a delivery row, spells a topic or decides who muted what.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications import kinds, ledger, schedule
from notifications.dispatch import PERSONAL_WEEKLY
from notifications.models import Delivery, DeliveryStatus, Kind, Preference
from notifications.tasks import enqueue_deliveries


def delivery_queue(
    *,
    kind: str,
    user_ids: Iterable[int],
    about: int | None = None,
    community_id: int | None = None,
) -> list[int]:
    """Queue an email of ``kind`` to each of these people now, about one thing (its id), once
    per person, thing and local day; it is sent when the transaction commits. People who turned
    the kind off, or whose address bounced, are left out. Returns the ids written."""
    ids = ledger.write(
        [
            kinds.Due(
                kind=kind,
                user_ids=set(user_ids),
                due_at=timezone.now(),
                about=about,
                community_id=community_id,
            )
        ]
    )
    if ids:
        transaction.on_commit(lambda: enqueue_deliveries(ids))
    return ids


def delivery_resume(*, kind: str, about: int) -> list[int]:
    """Send again the emails about this thing that were skipped because it could not be told
    then (a testimony unpublished before its notices went)."""
    ids = list(
        Delivery.objects.filter(
            kind=kind, topic=kinds.get(kind).topic(about), status=DeliveryStatus.SKIPPED
        ).values_list("pk", flat=True)
    )
    if ids:
        Delivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.PENDING, last_error="")
        transaction.on_commit(lambda: enqueue_deliveries(ids))
    return ids


def preference_get(user: User) -> Preference:
    pref = Preference.objects.filter(user=user).first()
    if pref is None:
        Preference.objects.bulk_create(
            [Preference.new(user, timezone.now())], ignore_conflicts=True
        )
        pref = Preference.objects.get(user=user)
    return pref


@transaction.atomic
def preference_update(
    *,
    user: User,
    time_zone: str,
    daily_enabled: bool,
    daily_time: time,
    weekly_enabled: bool,
    checkin_digest_enabled: bool,
    checkin_eve_enabled: bool,
    testimony_enabled: bool,
    encouragement_enabled: bool,
    encouragement_weekday: int,
    season_hour_enabled: bool,
) -> Preference:
    """Save the settings page. Saving again also clears a bounce: the person says the address
    works."""
    user.time_zone = time_zone
    user.full_clean(validate_unique=False)
    user.save(update_fields=["time_zone"])
    pref = Preference.objects.select_for_update().get(pk=preference_get(user).pk)
    zone = ZoneInfo(time_zone)
    now = timezone.now()
    pref.daily_enabled = daily_enabled
    pref.daily_time = daily_time
    pref.daily_next_at = schedule.next_daily(daily_time, zone, now)
    pref.weekly_enabled = weekly_enabled
    pref.checkin_digest_enabled = checkin_digest_enabled
    pref.checkin_eve_enabled = checkin_eve_enabled
    pref.testimony_enabled = testimony_enabled
    pref.encouragement_enabled = encouragement_enabled
    pref.encouragement_weekday = encouragement_weekday
    pref.season_hour_enabled = season_hour_enabled
    # The weekly ones move to the new zone (and day).
    for weekly in PERSONAL_WEEKLY:
        setattr(pref, weekly.next_at, weekly.next_after(pref, zone, now))
    pref.bounced_at = None
    pref.bounce_reason = ""
    pref.save()
    return pref


def daily_skip(*, user: User, day: date) -> Preference:
    """No daily list on ``day`` (the person's local date): “not today”, from the email."""
    pref = preference_get(user)
    Preference.objects.filter(pk=pref.pk).update(daily_skip_on=day)
    pref.refresh_from_db()
    return pref


def preference_unsubscribe(*, user: User, kind: str) -> Preference:
    if kind not in Kind.values:
        raise ValueError(kind)
    pref = preference_get(user)
    Preference.objects.filter(pk=pref.pk).update(**{Preference.SWITCHES[kind]: False})
    pref.refresh_from_db()
    return pref
