"""Writes for monthly check-ins: scheduled, moved, held, written up, and the next one."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.timezones import local_to_aware
from partnerships.models import CheckIn, CheckInStatus, Partner
from partnerships.selectors import praying_user_list
from partnerships.services.requests import prayer_request_create

MAX_CHECKIN_LENGTH = timedelta(hours=12)
# Far enough for any rhythm; further dates are typing slips (and 9999 breaks date arithmetic).
MAX_CHECKIN_AHEAD = timedelta(days=731)


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    # Two datetimes in the same zone subtract as wall clocks; in UTC a DST day counts right.
    starts_at, ends_at = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a time that hasn't passed yet.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must come after the start.")})
    if ends_at - starts_at > MAX_CHECKIN_LENGTH:
        raise ValidationError({"ends_at": _("A check-in can last at most twelve hours.")})


def _check_attendees(partner: Partner, attendees: Iterable[User]) -> list[User]:
    attendees = list(attendees)
    allowed = set(
        praying_user_list(partner.community)
        .filter(pk__in=[u.pk for u in attendees])
        .values_list("pk", flat=True)
    )
    if any(user.pk not in allowed for user in attendees):
        raise ValidationError({"attendees": _("Attendees must be members of this community.")})
    return attendees


@transaction.atomic
def checkin_schedule(
    *,
    partner: Partner,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    place: str = "",
    link: str = "",
    attendees: Iterable[User] = (),
    created_by: User,
) -> CheckIn:
    _check_times(starts_at, ends_at)
    checkin = CheckIn(
        partner=partner,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        place=place.strip(),
        link=link,
        created_by=created_by,
    )
    checkin.full_clean()
    checkin.save()
    checkin.attendees.set(_check_attendees(partner, attendees))
    return checkin


@transaction.atomic
def checkin_reschedule(
    *,
    checkin: CheckIn,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    place: str = "",
    link: str = "",
    attendees: Iterable[User] = (),
) -> CheckIn:
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if not checkin.is_scheduled:
        raise ValidationError(_("Only a scheduled check-in can be moved."))
    _check_times(starts_at, ends_at)
    checkin.starts_at, checkin.ends_at = starts_at, ends_at
    checkin.mode, checkin.place, checkin.link = mode, place.strip(), link
    checkin.sequence += 1
    checkin.updated_at = timezone.now()
    checkin.full_clean()
    checkin.save()
    checkin.attendees.set(_check_attendees(checkin.partner, attendees))
    return checkin


@transaction.atomic
def checkin_status_set(*, checkin: CheckIn, status: str) -> CheckIn:
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if status not in {CheckInStatus.HELD, CheckInStatus.MISSED, CheckInStatus.CANCELLED}:
        raise ValidationError(_("Mark the check-in held, missed or cancelled."))
    if status in {CheckInStatus.HELD, CheckInStatus.MISSED} and checkin.starts_at > timezone.now():
        raise ValidationError(_("A check-in can be marked held or missed once it has begun."))
    if status == CheckInStatus.CANCELLED and not checkin.is_scheduled:
        raise ValidationError(_("Only a scheduled check-in can be cancelled."))
    checkin.status = status
    checkin.sequence += 1
    checkin.updated_at = timezone.now()
    checkin.save(update_fields=["status", "sequence", "updated_at"])
    return checkin


def parse_request_lines(text: str) -> list[str]:
    """One request per line; blank lines and list bullets are ignored."""
    lines = []
    for line in text.splitlines():
        line = line.strip().lstrip("-*•").strip()
        if line:
            lines.append(line)
    return lines


@transaction.atomic
def checkin_notes_record(
    *,
    checkin: CheckIn,
    notes: str,
    family_update: str,
    request_lines: list[str],
    group_summary: str = "",
    category: str,
    visibility: str,
    author: User,
) -> list:
    """Write up a check-in: its notes, family news, and one prayer request per line. A
    scheduled check-in that has begun is marked held."""
    checkin = CheckIn.objects.select_for_update().select_related("partner").get(pk=checkin.pk)
    if checkin.status in {CheckInStatus.CANCELLED, CheckInStatus.MISSED}:
        raise ValidationError(_("This check-in didn't take place; schedule a new one instead."))
    if checkin.starts_at > timezone.now():
        raise ValidationError(_("Notes can be written once the check-in has begun."))
    checkin.notes = notes.strip()
    checkin.family_update = family_update.strip()
    checkin.group_summary = group_summary.strip()
    checkin.status = CheckInStatus.HELD
    checkin.updated_at = timezone.now()
    checkin.full_clean()
    checkin.save()
    return [
        prayer_request_create(
            partner=checkin.partner,
            text=line,
            category=category,
            urgent=False,
            visibility=visibility,
            review_on=None,
            created_by=author,
            checkin=checkin,
        )
        for line in request_lines
    ]


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> int:
    """Day of the month of the nth (1-based) given weekday; the last one if there are fewer."""
    days = [
        day
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if calendar.weekday(year, month, day) == weekday
    ]
    return days[min(nth, len(days)) - 1]


def next_checkin_times(checkin: CheckIn, time_zone: str) -> tuple[datetime, datetime]:
    """Same week of the month, same weekday, same local time, next month: the second Tuesday
    at 10:00 becomes next month's second Tuesday at 10:00, across DST changes."""
    zone = ZoneInfo(time_zone)
    local = checkin.starts_at.astimezone(zone)
    nth = (local.day - 1) // 7 + 1
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = _nth_weekday(year, month, local.weekday(), nth)
    naive = datetime(year, month, day, local.hour, local.minute)  # noqa: DTZ001 — made aware below
    starts_at = local_to_aware(naive, zone)
    return starts_at, starts_at + (checkin.ends_at - checkin.starts_at)


@transaction.atomic
def checkin_schedule_next(*, checkin: CheckIn, time_zone: str, created_by: User) -> CheckIn:
    if checkin.status != CheckInStatus.HELD:
        raise ValidationError(_("The next check-in is proposed once this one has been held."))
    if CheckIn.objects.filter(partner_id=checkin.partner_id).upcoming().exists():
        raise ValidationError(_("The next check-in is already scheduled."))
    starts_at, ends_at = next_checkin_times(checkin, time_zone)
    return checkin_schedule(
        partner=checkin.partner,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=checkin.mode,
        place=checkin.place,
        link=checkin.link,
        attendees=checkin.attendees.all(),
        created_by=created_by,
    )
