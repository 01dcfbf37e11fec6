"""What each reminder says. A sensitive partner appears by alias only, with no family names,
no request text and no place: just a link to the signed-in page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from intercession import selectors
from intercession.models import IntercessorGroup, ReminderDelivery, ReminderKind
from intercession.reminders import schedule
from intercession.reminders.tokens import prayed_token, unsubscribe_token
from partnerships.calendar import checkin_calendar
from partnerships.emails import build_email
from partnerships.models import (
    CheckIn,
    CheckInStatus,
    Membership,
    Partner,
    PartnerStatus,
    PrayerRequest,
    Role,
    Visibility,
)
from partnerships.selectors import partner_health


class Batch:
    """What the messages of one sending batch share, loaded once for all their recipients:
    the praying memberships of the people with a daily list, the partners their groups adopt,
    and the daily lists themselves, as people who see the same partners get the same list."""

    def __init__(self, deliveries: Iterable[ReminderDelivery]):
        user_ids = {d.user_id for d in deliveries if d.kind == ReminderKind.DAILY}
        self.memberships: dict[int, list[Membership]] = defaultdict(list)
        self.adopted: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.lists: dict[tuple, selectors.DailyList] = {}
        if not user_ids:
            return
        for membership in (
            Membership.objects.praying().filter(user_id__in=user_ids).select_related("community")
        ):
            self.memberships[membership.user_id].append(membership)
        for user_id, community_id, partner_id in Partner.objects.adopted_by(user_ids).values_list(
            "intercessor_groups__members", "community_id", "pk"
        ):
            self.adopted[user_id, community_id].add(partner_id)

    def praying_memberships(self, user) -> list[Membership]:
        memberships = self.memberships[user.pk]
        for membership in memberships:
            membership.user = user
        return memberships

    def daily_list(self, membership) -> selectors.DailyList:
        # What a list shows depends on the community, the role (coordinators also see
        # coordinators-only requests) and, for intercessors, the partners their groups adopt.
        adopted = (
            frozenset()
            if membership.is_coordinator
            else frozenset(self.adopted[membership.user_id, membership.community_id])
        )
        key = (membership.community_id, membership.role, adopted)
        if key not in self.lists:
            self.lists[key] = selectors.daily_list(membership)
        return self.lists[key]


class NothingToSend(Exception):
    """The reminder has nothing to say, or should no longer go: it is skipped, not failed."""


def topic_id(delivery: ReminderDelivery) -> int:
    """The id in a topic such as “group:5” (a test send prefixes “test-…|”)."""
    return int(delivery.topic.rsplit("|", 1)[-1].split(":")[1])


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "epaphras.localhost"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def build_message(delivery: ReminderDelivery, batch: Batch) -> EmailMultiAlternatives:
    user = delivery.user
    if not user.is_active or not user.email:
        raise NothingToSend("the account is closed or has no address")
    pref = getattr(user, "reminder_preference", None)
    if pref is not None and not pref.enabled(delivery.kind):
        raise NothingToSend("turned off by the recipient")
    template, context, attachments = BUILDERS[delivery.kind](delivery, batch)
    unsubscribe = absolute(
        reverse(
            "intercession:unsubscribe",
            args=[unsubscribe_token(user_id=user.pk, kind=delivery.kind)],
        )
    )
    context.update(
        user=user,
        delivery=delivery,
        unsubscribe_url=unsubscribe,
        settings_url=absolute(reverse("intercession:reminder_settings")),
        kind_label=delivery.get_kind_display(),
    )
    message = build_email(
        template,
        context,
        to=[user.email],
        headers={
            "Message-ID": delivery.message_id(site_host()),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Epaphras-Kind": delivery.kind,
        },
    )
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def mailable(request: PrayerRequest) -> bool:
    """Whether a request's words may go by email: not a sensitive partner's, and not one
    meant for coordinators only (mail is read by more people than the app)."""
    return not request.partner.sensitive and request.visibility != Visibility.COORDINATORS


def _daily(delivery: ReminderDelivery, batch: Batch):
    user = delivery.user
    zone = ZoneInfo(user.time_zone)
    if timezone.now() >= schedule.local_day_end(delivery.local_date, zone):
        raise NothingToSend("the day it was for is over")
    sections = []
    for membership in batch.praying_memberships(user):
        daily = batch.daily_list(membership)
        if not daily.cards:
            continue
        today_url = absolute(reverse("intercession:today", args=[membership.community.slug]))
        cards = []
        for card in daily.cards:
            partner = card.partner
            mailed = [r for r in card.requests if mailable(r)]
            cards.append(
                {
                    "name": partner.public_name,
                    "short_name": partner.public_name if partner.sensitive else partner.first_name,
                    "sensitive": partner.sensitive,
                    "family": "" if partner.sensitive else partner.family_summary,
                    "requests": [
                        {
                            "text": r.text,
                            "urgent": r.urgent,
                            "prayed_url": absolute(
                                reverse(
                                    "intercession:prayed_link",
                                    args=[prayed_token(user_id=user.pk, request_id=r.pk)],
                                )
                            ),
                        }
                        for r in mailed
                    ],
                    "hidden_requests": len(card.requests) - len(mailed),
                    "urgent": card.urgent,
                }
            )
        sections.append({"community": membership.community, "cards": cards, "today_url": today_url})
    if not sections:
        raise NothingToSend("no partners on the list yet")
    names = [c["short_name"] for s in sections for c in s["cards"]]
    return "intercession/email/daily", {"sections": sections, "names": names}, []


def _weekly(delivery: ReminderDelivery, batch: Batch):
    group_id = topic_id(delivery)
    group = (
        IntercessorGroup.objects.select_related("community")
        .filter(pk=group_id, paused=False)
        .first()
    )
    if group is None:
        raise NothingToSend("the group is paused or gone")
    membership = Membership.objects.filter(user=delivery.user, community=group.community).first()
    if membership is None or not group.members.filter(pk=delivery.user_id).exists():
        raise NothingToSend("no longer in the group")
    membership.user = delivery.user
    week = selectors.group_week(group, membership)
    if not week["partners"]:
        raise NothingToSend("the group has no active partners")
    zone = ZoneInfo(group.time_zone)
    meeting = schedule.wall_clock(
        delivery.local_date + timedelta(days=(group.weekday - delivery.local_date.weekday()) % 7),
        group.meeting_time,
        zone,
    )
    if timezone.now() > meeting:
        raise NothingToSend("the meeting has begun")

    def change(what: str, partner: Partner, text: str, shown: bool) -> dict:
        return {"what": what, "partner": partner.public_name, "text": text if shown else ""}

    changes = [
        *(change("answered", r.partner, r.text, mailable(r)) for r in week["answered"]),
        *(
            change("checkin", c.partner, c.group_summary, not c.partner.sensitive)
            for c in week["checkin_news"]
        ),
        *(change("new", r.partner, r.text, mailable(r)) for r in week["new_requests"]),
        *(
            change("update", u.request.partner, u.text, mailable(u.request))
            for u in week["updates"]
        ),
    ]
    context = {
        "group": group,
        "meeting": meeting,
        "changes": changes,
        "partners": [p.public_name for p in week["partners"]],
        "group_url": absolute(reverse("intercession:group", args=[group.community.slug, group.pk])),
    }
    return "intercession/email/weekly", context, []


def _checkin_digest(delivery: ReminderDelivery, batch: Batch):
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
                        reverse("partnerships:dashboard", args=[membership.community.slug])
                    ),
                }
            )
    if not sections:
        raise NothingToSend("no check-ins due or coming up")
    return "intercession/email/checkin_digest", {"sections": sections}, []


def _checkin_eve(delivery: ReminderDelivery, batch: Batch):
    checkin_id = topic_id(delivery)
    checkin = CheckIn.objects.select_related("partner__community").filter(pk=checkin_id).first()
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
    return "intercession/email/checkin_eve", context, [("check-in.ics", ics, "text/calendar")]


# What each kind of email says. Apps that send through the reminder machinery without being
# imported by it (testimony notices) add their kind with register().
BUILDERS = {
    ReminderKind.DAILY: _daily,
    ReminderKind.WEEKLY: _weekly,
    ReminderKind.CHECKIN_DIGEST: _checkin_digest,
    ReminderKind.CHECKIN_EVE: _checkin_eve,
}


# For a test send: the topic of a person's most recent reminder of that kind (LookupError
# when there is none).
SAMPLE_TOPICS = {}


def register(kind: str, builder, sample_topic=None) -> None:
    """Let another app say what its kind of email contains: ``builder(delivery, batch)``
    returns (template, context, attachments) or raises NothingToSend; ``sample_topic(user)``
    gives a topic to try it with."""
    BUILDERS[kind] = builder
    if sample_topic is not None:
        SAMPLE_TOPICS[kind] = sample_topic
