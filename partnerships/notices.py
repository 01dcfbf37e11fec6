"""The emails of partnerships: the coordinators' Monday digest of check-ins due, and the
reminder the day before a check-in, to each attendee at 18:00 in their own time zone. A
sensitive partner appears by alias only, with no place and no link. Registered with
notifications in ``PartnershipsConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications import kinds, schedule
from notifications.emails import absolute
from notifications.kinds import Due, KindSpec, Message, NothingToSend
from notifications.models import Delivery, Kind
from partnerships.calendar import checkin_calendar
from partnerships.models import CheckIn, CheckInStatus, Membership, Partner, PartnerStatus, Role
from partnerships.selectors import partner_health

# Attendees hear about a check-in at this time the day before.
EVE_TIME = time(18, 0)


def checkin_digest_message(delivery: Delivery, shared: object) -> Message:
    user = delivery.user
    now = timezone.now()
    sections = []
    for membership in Membership.objects.for_user(user).filter(role=Role.COORDINATOR):
        needing = [
            {"name": p.public_name, "state": p.checkin_state}
            for p in partner_health(
                Partner.objects.filter(community=membership.community), membership
            )
            if p.checkin_state in {"due", "overdue"}
        ]
        needing.sort(key=lambda p: p["state"] != "overdue")
        upcoming = [
            {
                "name": c.partner.public_name,
                "at": c.starts_at.astimezone(ZoneInfo(user.time_zone)),
                "mode": c.get_mode_display(),
            }
            for c in CheckIn.objects.filter(
                partner__community=membership.community, starts_at__lt=now + timedelta(days=7)
            )
            .upcoming()
            .select_related("partner")
            .order_by("starts_at")
        ]
        if needing or upcoming:
            sections.append(
                {
                    "community": membership.community,
                    "needing": needing,
                    "upcoming": upcoming,
                    "dashboard_url": absolute(
                        reverse("overview:dashboard", args=[membership.community.slug])
                    ),
                }
            )
    if not sections:
        raise NothingToSend("no check-ins due or coming up")
    return "partnerships/email/checkin_digest", {"sections": sections}, []


def checkin_eve_message(delivery: Delivery, shared: object) -> Message:
    checkin_id = delivery.about_id
    checkin = (
        CheckIn.objects.select_related("partner__community").filter(pk=checkin_id).first()
        if checkin_id is not None
        else None
    )
    if (
        checkin is None
        or checkin.status != CheckInStatus.SCHEDULED
        or checkin.partner.status != PartnerStatus.ACTIVE
        or checkin.starts_at <= timezone.now()
        or not checkin.attendees.filter(pk=delivery.user_id).exists()
    ):
        raise NothingToSend("the check-in was moved, cancelled or has begun")
    partner = checkin.partner
    zone = ZoneInfo(delivery.user.time_zone)
    context = {
        "name": partner.public_name,
        "starts": checkin.starts_at.astimezone(zone),
        "ends": checkin.ends_at.astimezone(zone),
        "place": "" if partner.sensitive else checkin.place,
        "link": "" if partner.sensitive else checkin.link,
        "checkin_url": absolute(
            reverse("partnerships:checkin", args=[partner.community.slug, checkin.pk])
        ),
    }
    ics = checkin_calendar([checkin], for_user=delivery.user)
    return "partnerships/email/checkin_eve", context, [("check-in.ics", ics, "text/calendar")]


def checkin_eve_due(now: datetime) -> Iterator[Due]:
    """The day before a check-in, at 18:00 in each attendee's time zone. Check-ins carry no
    schedule row: the delivery's unique constraint makes each reminder happen once."""
    soon = (
        CheckIn.objects.filter(
            status=CheckInStatus.SCHEDULED,
            partner__status=PartnerStatus.ACTIVE,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=2),
        )
        .prefetch_related("attendees")
        .select_related("partner")
    )
    for checkin in soon:
        for user in checkin.attendees.all():
            zone = ZoneInfo(user.time_zone)
            start_day = checkin.starts_at.astimezone(zone).date()
            due = schedule.wall_clock(start_day - timedelta(days=1), EVE_TIME, zone)
            day = due.astimezone(zone).date()
            day_end = schedule.local_day_end(day, zone)
            if due.astimezone(schedule.UTC) <= now < day_end.astimezone(schedule.UTC):
                yield Due(
                    kind=Kind.CHECKIN_EVE,
                    user_ids={user.pk},
                    due_at=due,
                    local_date=day,
                    about=checkin.pk,
                    community_id=checkin.partner.community_id,
                )


def praying(users: QuerySet[User]) -> QuerySet[User]:
    """Those who pray in some community: the daily list, the weekly reminder and the check-in
    eve can reach them."""
    return users.filter(pk__in=Membership.objects.praying().values("user_id"))


def coordinators(users: QuerySet[User]) -> QuerySet[User]:
    return users.filter(pk__in=Membership.objects.filter(role=Role.COORDINATOR).values("user_id"))


def checkin_eve_sample(user: User) -> int:
    checkin = (
        CheckIn.objects.filter(
            attendees=user, status=CheckInStatus.SCHEDULED, starts_at__gt=timezone.now()
        )
        .order_by("starts_at")
        .first()
    )
    if checkin is None:
        raise LookupError(f"{user.email} goes to no upcoming check-in.")
    return checkin.pk


def register() -> None:
    kinds.register(
        KindSpec(kind=Kind.CHECKIN_DIGEST, build=checkin_digest_message, audience=coordinators)
    )
    kinds.register(
        KindSpec(
            kind=Kind.CHECKIN_EVE,
            build=checkin_eve_message,
            about="checkin",
            audience=praying,
            due=checkin_eve_due,
            sample=checkin_eve_sample,
        )
    )
