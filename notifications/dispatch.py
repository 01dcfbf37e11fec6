"""The dispatcher: due schedule rows become delivery rows, exactly once.

Every step claims its row (``select_for_update(skip_locked=True)`` or a conditional UPDATE on
the due time it read), so two dispatchers running at once (beat started twice) never both act
on the same row; the unique constraint on deliveries is the second guard. The schedule moves on
before anything is sent. The dispatcher returns what it wrote; the task queues the sending.

Three schedules are each person's own and live here, on Preference: the daily prayer list, the
coordinators' Monday check-ins digest and the partners' weekly encouragement. Other kinds bring
their schedule with them (``KindSpec.due``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
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
    for weekly in PERSONAL_WEEKLY:
        created += _personal_weekly(weekly, now)
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
    for kind in (Kind.DAILY, *(weekly.kind for weekly in PERSONAL_WEEKLY)):
        audience = kinds.get(kind).audience
        for user in audience(without) if audience else without:
            missing[user.pk] = user
    if missing:
        Preference.objects.bulk_create(
            [Preference.new(user, now) for user in missing.values()], ignore_conflicts=True
        )
    # Rows written without due times (before the settings page gave them) get them now;
    # a reminder that is turned off needs none.
    without_due_time = Q(daily_enabled=True, daily_next_at__isnull=True)
    for weekly in PERSONAL_WEEKLY:
        without_due_time |= Q(**{weekly.switch: True, f"{weekly.next_at}__isnull": True})
    unscheduled = list(
        Preference.objects.filter(without_due_time).select_related("user")[:CLAIM_BATCH]
    )
    for pref in unscheduled:
        zone = ZoneInfo(pref.user.time_zone)
        pref.daily_next_at = pref.daily_next_at or schedule.next_daily(pref.daily_time, zone, now)
        for weekly in PERSONAL_WEEKLY:
            if getattr(pref, weekly.switch) and getattr(pref, weekly.next_at) is None:
                setattr(pref, weekly.next_at, weekly.next_after(pref, zone, now))
    Preference.objects.bulk_update(
        unscheduled,
        ["daily_next_at", *(weekly.next_at for weekly in PERSONAL_WEEKLY)],
        batch_size=500,
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


@dataclass(frozen=True)
class PersonalWeekly:
    """A weekly reminder whose schedule is a person's own, on Preference: its switch, its
    next due time, and the weekday and time it falls on for that person."""

    kind: str
    switch: str
    next_at: str
    weekday: Callable[[Preference], int]
    at: time

    def next_after(self, pref: Preference, zone: ZoneInfo, now: datetime) -> datetime:
        return schedule.next_weekly(self.weekday(pref), self.at, zone, now)


PERSONAL_WEEKLY = [
    PersonalWeekly(
        Kind.CHECKIN_DIGEST,
        switch="checkin_digest_enabled",
        next_at="checkin_digest_next_at",
        weekday=lambda pref: schedule.DIGEST_WEEKDAY,
        at=schedule.DIGEST_TIME,
    ),
    PersonalWeekly(
        Kind.ENCOURAGEMENT,
        switch="encouragement_enabled",
        next_at="encouragement_next_at",
        weekday=lambda pref: pref.encouragement_weekday,
        at=schedule.ENCOURAGEMENT_TIME,
    ),
]


def _personal_weekly(weekly: PersonalWeekly, now: datetime) -> list[int]:
    """Claim due schedules of one personal weekly kind with a conditional UPDATE on the due
    time read; only the people the kind can reach get an email (coordinators the digest,
    partners their encouragement), but everyone's schedule moves on."""
    created: list[int] = []
    due_rows = list(
        Preference.objects.filter(
            **{weekly.switch: True, f"{weekly.next_at}__lte": now}, bounced_at__isnull=True
        )
        .select_related("user")
        .order_by(weekly.next_at)[:CLAIM_BATCH]
    )
    if not due_rows:
        return created
    audience = kinds.get(weekly.kind).audience
    people = User.objects.filter(pk__in=[p.user_id for p in due_rows])
    reached = set((audience(people) if audience else people).values_list("pk", flat=True))
    for pref in due_rows:
        zone = ZoneInfo(pref.user.time_zone)
        old = getattr(pref, weekly.next_at)
        # Read by the __lte filter above, so it has a due time.
        assert old is not None
        with transaction.atomic():
            claimed = Preference.objects.filter(pk=pref.pk, **{weekly.next_at: old}).update(
                **{weekly.next_at: weekly.next_after(pref, zone, now)}
            )
            if not claimed or pref.user_id not in reached:
                continue
            occurrence = schedule.late_occurrence(old, weekly.at, zone, now, timedelta(days=7))
            if occurrence is not None:
                created += ledger.insert(
                    [
                        Delivery(
                            user_id=pref.user_id,
                            kind=weekly.kind,
                            topic="",
                            local_date=occurrence.astimezone(zone).date(),
                            due_at=occurrence,
                        )
                    ]
                )
    return created
