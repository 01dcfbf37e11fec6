"""The dispatcher: due schedule rows become delivery rows, exactly once.

Every step claims its row (``select_for_update(skip_locked=True)`` or a conditional UPDATE on
the due time it read), so two dispatchers running at once (beat started twice) never both act
on the same row; the unique constraint on deliveries is the second guard. The schedule moves on
before anything is sent. The dispatcher returns what it wrote; the task queues the sending.

Two schedules are each person's own and live here, on Preference: the daily prayer list and the
Monday check-ins digest. Other kinds bring their schedule with them (``KindSpec.due``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from notifications import kinds, ledger, schedule
from notifications.models import Delivery, DeliveryStatus, Kind, Preference

CLAIM_BATCH = 2000


def dispatch_due(now: datetime | None = None) -> list[int]:
    """Write the deliveries that are due at ``now``; return their ids, for the caller to queue
    once the transaction has committed."""
    # Every comparison below is between instants: keep “now” in UTC.
    now = (now or timezone.now()).astimezone(schedule.UTC)
    ensure_schedules(now)
    created: list[int] = []
    created += _daily(now)
    created += _checkin_digest(now)
    for spec in kinds.registered():
        if spec.due is not None:
            with transaction.atomic():
                created += ledger.write(spec.due(now))
    return created


def ensure_schedules(now: datetime) -> None:
    """Give everyone a personal reminder can reach a preference row with its due times, and
    every kind's own schedule rows their next due time."""
    without = User.objects.filter(reminder_preference__isnull=True)
    missing: dict[int, User] = {}
    for kind in (Kind.DAILY, Kind.CHECKIN_DIGEST):
        audience = kinds.get(kind).audience
        for user in audience(without) if audience else without:
            missing[user.pk] = user
    if missing:
        Preference.objects.bulk_create(
            [Preference.new(user, now) for user in missing.values()], ignore_conflicts=True
        )
    # Rows written without due times (before the settings page gave them) get them now;
    # a reminder that is turned off needs none.
    unscheduled = list(
        Preference.objects.filter(
            Q(daily_enabled=True, daily_next_at__isnull=True)
            | Q(checkin_digest_enabled=True, checkin_digest_next_at__isnull=True)
        ).select_related("user")[:CLAIM_BATCH]
    )
    for pref in unscheduled:
        zone = ZoneInfo(pref.user.time_zone)
        pref.daily_next_at = pref.daily_next_at or schedule.next_daily(pref.daily_time, zone, now)
        pref.checkin_digest_next_at = pref.checkin_digest_next_at or schedule.next_weekly(
            schedule.DIGEST_WEEKDAY, schedule.DIGEST_TIME, zone, now
        )
    Preference.objects.bulk_update(
        unscheduled, ["daily_next_at", "checkin_digest_next_at"], batch_size=500
    )
    for spec in kinds.registered():
        if spec.schedule is not None:
            spec.schedule(now)


def _daily(now: datetime) -> list[int]:
    """Claim due daily schedules a batch at a time. ``select_for_update(skip_locked=True)``
    gives concurrent dispatchers disjoint rows (PostgreSQL); SQLite runs one writer at a time
    anyway. The schedule moves on and the deliveries are written in the same transaction."""
    created: list[int] = []
    while True:
        with transaction.atomic():
            rows = list(
                Preference.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(daily_enabled=True, bounced_at__isnull=True, daily_next_at__lte=now)
                .select_related("user")
                .order_by("daily_next_at")[:CLAIM_BATCH]
            )
            if not rows:
                return created
            deliveries = []
            for pref in rows:
                # Claimed by daily_next_at__lte above, so it has a due time.
                assert pref.daily_next_at is not None
                zone = ZoneInfo(pref.user.time_zone)
                occurrence = schedule.late_occurrence(
                    pref.daily_next_at, pref.daily_time, zone, now, timedelta(days=1)
                )
                pref.daily_next_at = schedule.next_daily(pref.daily_time, zone, now)
                if occurrence is not None:
                    deliveries.append(
                        Delivery(
                            user_id=pref.user_id,
                            kind=Kind.DAILY,
                            topic="",
                            local_date=occurrence.astimezone(zone).date(),
                            due_at=occurrence,
                        )
                    )
            Preference.objects.bulk_update(rows, ["daily_next_at"], batch_size=500)
            # The unique constraint drops any delivery already written for that day.
            Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=500)
            created += list(
                Delivery.objects.filter(
                    kind=Kind.DAILY,
                    topic="",
                    status=DeliveryStatus.PENDING,
                    user_id__in=[d.user_id for d in deliveries],
                    local_date__in={d.local_date for d in deliveries},
                    created_at__gte=now - timedelta(minutes=1),
                ).values_list("pk", flat=True)
            )


def _checkin_digest(now: datetime) -> list[int]:
    """Claim due digest schedules; only the people the digest can reach (coordinators) get
    one, but everyone's schedule moves on."""
    created: list[int] = []
    due_rows = list(
        Preference.objects.filter(
            checkin_digest_enabled=True, bounced_at__isnull=True, checkin_digest_next_at__lte=now
        )
        .select_related("user")
        .order_by("checkin_digest_next_at")[:CLAIM_BATCH]
    )
    if not due_rows:
        return created
    audience = kinds.get(Kind.CHECKIN_DIGEST).audience
    people = User.objects.filter(pk__in=[p.user_id for p in due_rows])
    reached = set((audience(people) if audience else people).values_list("pk", flat=True))
    for pref in due_rows:
        zone = ZoneInfo(pref.user.time_zone)
        old = pref.checkin_digest_next_at
        # Read by checkin_digest_next_at__lte above, so it has a due time.
        assert old is not None
        with transaction.atomic():
            claimed = Preference.objects.filter(pk=pref.pk, checkin_digest_next_at=old).update(
                checkin_digest_next_at=schedule.next_weekly(
                    schedule.DIGEST_WEEKDAY, schedule.DIGEST_TIME, zone, now
                )
            )
            if not claimed or pref.user_id not in reached:
                continue
            occurrence = schedule.late_occurrence(
                old, schedule.DIGEST_TIME, zone, now, timedelta(days=7)
            )
            if occurrence is not None:
                created += ledger.insert(
                    [
                        Delivery(
                            user_id=pref.user_id,
                            kind=Kind.CHECKIN_DIGEST,
                            topic="",
                            local_date=occurrence.astimezone(zone).date(),
                            due_at=occurrence,
                        )
                    ]
                )
    return created
