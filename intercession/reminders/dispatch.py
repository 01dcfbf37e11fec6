"""The dispatcher: due schedule rows become delivery rows, exactly once.

Every step claims its row with a conditional UPDATE on the due time it read, so two
dispatchers running at once (beat started twice) never both act on the same row; the unique
constraint on deliveries is the second guard. The schedule moves on before anything is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from intercession.models import (
    DeliveryStatus,
    IntercessorGroup,
    ReminderDelivery,
    ReminderKind,
    ReminderPreference,
)
from intercession.reminders import schedule
from intercession.reminders.preferences import new_preference
from partnerships.models import PRAYING_ROLES, CheckIn, CheckInStatus, Membership, Role

CLAIM_BATCH = 2000


def dispatch_due(now: datetime | None = None) -> list[int]:
    """Write the deliveries that are due at ``now`` and queue them for sending."""
    # Every comparison below is between instants: keep “now” in UTC.
    now = (now or timezone.now()).astimezone(schedule.UTC)
    ensure_schedules(now)
    created: list[int] = []
    created += _daily(now)
    created += _weekly(now)
    created += _checkin_digest(now)
    created += _checkin_eve(now)
    if created:
        from intercession.tasks import enqueue_deliveries

        transaction.on_commit(lambda: enqueue_deliveries(created))
    return created


def ensure_schedules(now: datetime) -> None:
    """Give every praying member a schedule row and every active group a next reminder."""
    missing = (
        Membership.objects.filter(role__in=PRAYING_ROLES, user__reminder_preference__isnull=True)
        .select_related("user")
        .distinct()
    )
    new = {m.user_id: new_preference(m.user, now) for m in missing}
    if new:
        ReminderPreference.objects.bulk_create(new.values(), ignore_conflicts=True)
    # Rows written without due times (before the settings page gave them) get them now;
    # a reminder that is turned off needs none.
    unscheduled = list(
        ReminderPreference.objects.filter(
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
    ReminderPreference.objects.bulk_update(
        unscheduled, ["daily_next_at", "checkin_digest_next_at"], batch_size=500
    )
    for group in IntercessorGroup.objects.filter(paused=False, reminder_next_at__isnull=True):
        IntercessorGroup.objects.filter(pk=group.pk, reminder_next_at__isnull=True).update(
            reminder_next_at=group_next_reminder(group, now)
        )


def group_next_reminder(group: IntercessorGroup, after: datetime) -> datetime:
    weekday, at = schedule.weekly_reminder_slot(group.weekday, group.meeting_time)
    return schedule.next_weekly(weekday, at, ZoneInfo(group.time_zone), after)


def _create(
    user_id: int, kind: str, topic: str, local_date, due_at: datetime, community_id=None
) -> int | None:
    """Write one delivery; None when it was already written for that day."""
    try:
        with transaction.atomic():
            return ReminderDelivery.objects.create(
                user_id=user_id,
                kind=kind,
                topic=topic,
                local_date=local_date,
                due_at=due_at,
                community_id=community_id,
            ).pk
    except IntegrityError:
        return None  # already written for that day


def _late_occurrence(due: datetime, at, zone: ZoneInfo, now: datetime, period: timedelta):
    """The occurrence to send for a schedule due at ``due``: itself if its local day is not
    over, else the latest one not after ``now`` whose day is not over, else none. After any
    downtime this is at most one reminder, never a backlog."""
    due = due.astimezone(schedule.UTC)
    if now < schedule.local_day_end(due.astimezone(zone).date(), zone).astimezone(schedule.UTC):
        return due
    latest = due
    while latest + period <= now:
        latest = latest + period
    day = latest.astimezone(zone).date()
    candidate = schedule.wall_clock(day, at, zone).astimezone(schedule.UTC)
    if candidate <= now < schedule.local_day_end(day, zone).astimezone(schedule.UTC):
        return candidate
    return None


def _daily(now: datetime) -> list[int]:
    """Claim due daily schedules a batch at a time. ``select_for_update(skip_locked=True)``
    gives concurrent dispatchers disjoint rows (PostgreSQL); SQLite runs one writer at a time
    anyway. The schedule moves on and the deliveries are written in the same transaction."""
    created: list[int] = []
    while True:
        with transaction.atomic():
            rows = list(
                ReminderPreference.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(daily_enabled=True, bounced_at__isnull=True, daily_next_at__lte=now)
                .select_related("user")
                .order_by("daily_next_at")[:CLAIM_BATCH]
            )
            if not rows:
                return created
            deliveries = []
            for pref in rows:
                zone = ZoneInfo(pref.user.time_zone)
                occurrence = _late_occurrence(
                    pref.daily_next_at, pref.daily_time, zone, now, timedelta(days=1)
                )
                pref.daily_next_at = schedule.next_daily(pref.daily_time, zone, now)
                if occurrence is not None:
                    deliveries.append(
                        ReminderDelivery(
                            user_id=pref.user_id,
                            kind=ReminderKind.DAILY,
                            topic="",
                            local_date=occurrence.astimezone(zone).date(),
                            due_at=occurrence,
                        )
                    )
            ReminderPreference.objects.bulk_update(rows, ["daily_next_at"], batch_size=500)
            # The unique constraint drops any delivery already written for that day.
            ReminderDelivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=500)
            created += list(
                ReminderDelivery.objects.filter(
                    kind=ReminderKind.DAILY,
                    topic="",
                    status=DeliveryStatus.PENDING,
                    user_id__in=[d.user_id for d in deliveries],
                    local_date__in={d.local_date for d in deliveries},
                    created_at__gte=now - timedelta(minutes=1),
                ).values_list("pk", flat=True)
            )


def _weekly(now: datetime) -> list[int]:
    created = []
    groups = IntercessorGroup.objects.filter(paused=False, reminder_next_at__lte=now).order_by(
        "reminder_next_at"
    )[:CLAIM_BATCH]
    for group in groups:
        zone = ZoneInfo(group.time_zone)
        old = group.reminder_next_at
        weekday, at = schedule.weekly_reminder_slot(group.weekday, group.meeting_time)
        with transaction.atomic():
            claimed = IntercessorGroup.objects.filter(pk=group.pk, reminder_next_at=old).update(
                reminder_next_at=group_next_reminder(group, now)
            )
            if not claimed:
                continue
            occurrence = _late_occurrence(old, at, zone, now, timedelta(days=7))
            if occurrence is None:
                continue
            members = group.members.filter(
                memberships__community_id=group.community_id,
                memberships__role__in=PRAYING_ROLES,
            ).filter(
                Q(reminder_preference__isnull=True)
                | Q(
                    reminder_preference__weekly_enabled=True,
                    reminder_preference__bounced_at__isnull=True,
                )
            )
            for user_id in members.values_list("pk", flat=True).distinct():
                pk = _create(
                    user_id,
                    ReminderKind.WEEKLY,
                    f"group:{group.pk}",
                    occurrence.astimezone(zone).date(),
                    occurrence,
                    group.community_id,
                )
                if pk:
                    created.append(pk)
    return created


def _checkin_digest(now: datetime) -> list[int]:
    created = []
    due_rows = list(
        ReminderPreference.objects.filter(
            checkin_digest_enabled=True, bounced_at__isnull=True, checkin_digest_next_at__lte=now
        )
        .select_related("user")
        .order_by("checkin_digest_next_at")[:CLAIM_BATCH]
    )
    coordinators = set(
        Membership.objects.filter(
            role=Role.COORDINATOR, user_id__in=[p.user_id for p in due_rows]
        ).values_list("user_id", flat=True)
    )
    for pref in due_rows:
        zone = ZoneInfo(pref.user.time_zone)
        old = pref.checkin_digest_next_at
        with transaction.atomic():
            claimed = ReminderPreference.objects.filter(
                pk=pref.pk, checkin_digest_next_at=old
            ).update(
                checkin_digest_next_at=schedule.next_weekly(
                    schedule.DIGEST_WEEKDAY, schedule.DIGEST_TIME, zone, now
                )
            )
            if not claimed or pref.user_id not in coordinators:
                continue
            occurrence = _late_occurrence(old, schedule.DIGEST_TIME, zone, now, timedelta(days=7))
            if occurrence is not None:
                pk = _create(
                    pref.user_id,
                    ReminderKind.CHECKIN_DIGEST,
                    "",
                    occurrence.astimezone(zone).date(),
                    occurrence,
                )
                if pk:
                    created.append(pk)
    return created


def _checkin_eve(now: datetime) -> list[int]:
    """The day before a check-in, at 18:00 in each attendee's time zone. Check-ins carry no
    schedule row: the delivery's unique constraint makes each reminder happen once."""
    created = []
    soon = (
        CheckIn.objects.filter(
            status=CheckInStatus.SCHEDULED,
            partner__status="active",
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=2),
        )
        .prefetch_related("attendees__reminder_preference")
        .select_related("partner")
    )
    written = set(
        ReminderDelivery.objects.filter(
            kind=ReminderKind.CHECKIN_EVE,
            topic__in=[f"checkin:{c.pk}" for c in soon],
        ).values_list("user_id", "topic", "local_date")
    )
    for checkin in soon:
        for user in checkin.attendees.all():
            pref = getattr(user, "reminder_preference", None)
            if pref is not None and not pref.enabled(ReminderKind.CHECKIN_EVE):
                continue
            zone = ZoneInfo(user.time_zone)
            start_day = checkin.starts_at.astimezone(zone).date()
            due = schedule.wall_clock(start_day - timedelta(days=1), schedule.EVE_TIME, zone)
            day = due.astimezone(zone).date()
            day_end = schedule.local_day_end(day, zone)
            if not (due.astimezone(schedule.UTC) <= now < day_end.astimezone(schedule.UTC)):
                continue
            if (user.pk, f"checkin:{checkin.pk}", day) in written:
                continue
            pk = _create(
                user.pk,
                ReminderKind.CHECKIN_EVE,
                f"checkin:{checkin.pk}",
                day,
                due,
                checkin.partner.community_id,
            )
            if pk:
                created.append(pk)
    return created
