"""Reads for the daily list, pray-through, the prayer record and the group's week.

Each runs a fixed number of queries, however many partners, requests or prayers there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict, cast
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.timezones import local_to_aware
from intercession.models import IntercessorGroup, PrayerLog
from partnerships.models import (
    CheckIn,
    CheckInStatus,
    Child,
    Partner,
    PartnerStatus,
    PrayerRequest,
    RequestStatus,
    RequestUpdate,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

RECENT = timedelta(days=7)


class Prayers(TypedDict):
    """What ``requests_with_prayers`` annotates on each request."""

    prayer_count: int
    people_count: int
    last_prayed_at: datetime | None
    recent_count: int
    mine_today: int


class WeekRequests(TypedDict):
    """Set by ``group_week`` on each partner: its active requests, with their prayers."""

    week_requests: list[WithAnnotations[PrayerRequest, Prayers]]


def local_day_start(user) -> datetime:
    zone = ZoneInfo(user.time_zone)
    return local_to_aware(datetime.combine(timezone.localdate(timezone=zone), time.min), zone)


def requests_with_prayers(
    requests: QuerySet[PrayerRequest], user
) -> QuerySet[WithAnnotations[PrayerRequest, Prayers]]:
    """Annotate how persistently each request has been carried, and whether ``user`` prayed
    for it today."""
    now = timezone.now()
    return requests.annotate(
        prayer_count=Count("prayer_logs", distinct=True),
        people_count=Count("prayer_logs__user", distinct=True),
        last_prayed_at=Max("prayer_logs__prayed_at"),
        recent_count=Count(
            "prayer_logs", filter=Q(prayer_logs__prayed_at__gte=now - RECENT), distinct=True
        ),
        mine_today=Count(
            "prayer_logs",
            filter=Q(prayer_logs__user=user, prayer_logs__prayed_at__gte=local_day_start(user)),
            distinct=True,
        ),
    )


@dataclass
class PartnerCard:
    partner: Partner
    requests: list = field(default_factory=list)
    prayed_today: bool = False
    adopted: bool = True

    @property
    def urgent(self) -> bool:
        return any(r.urgent for r in self.requests)


@dataclass
class DailyList:
    cards: list[PartnerCard]
    since: datetime | None
    new_requests: list = field(default_factory=list)
    new_updates: list = field(default_factory=list)
    answered: list = field(default_factory=list)

    @property
    def prayed_partners(self) -> int:
        return sum(1 for card in self.cards if card.prayed_today)

    @property
    def has_changes(self) -> bool:
        return bool(self.new_requests or self.new_updates or self.answered)


def _request_order(request: WithAnnotations[PrayerRequest, Prayers]):
    # Urgent first, then the ones least prayed for lately, then the longest unprayed.
    last = request.last_prayed_at.timestamp() if request.last_prayed_at else 0
    return (not request.urgent, request.recent_count, last)


def daily_list(membership, since: datetime | None = None) -> DailyList:
    """The partners and requests a member prays for today."""
    user = membership.user
    # Coordinators see every partner; the daily list is for the partnerships that go on.
    visible_requests = PrayerRequest.objects.visible_to(membership).filter(
        partner__status=PartnerStatus.ACTIVE
    )
    active = requests_with_prayers(
        visible_requests.active().prefetch_related(
            Prefetch("updates", queryset=RequestUpdate.objects.order_by("-created_at"))
        ),
        user,
    )
    adopted_ids = set(
        Partner.objects.visible_to(membership)
        .filter(status=PartnerStatus.ACTIVE)
        .values_list("pk", flat=True)
    )
    requests = list(active)
    partner_ids = adopted_ids | {r.partner_id for r in requests}
    partners = (
        Partner.objects.filter(pk__in=partner_ids)
        .select_related("community")
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("birth_year")))
    )
    today_logs = PrayerLog.objects.filter(
        user=user, partner_id__in=partner_ids, prayed_at__gte=local_day_start(user)
    ).values_list("partner_id", flat=True)
    cards = {p.pk: PartnerCard(partner=p, adopted=p.pk in adopted_ids) for p in partners}
    for partner_id in today_logs:
        cards[partner_id].prayed_today = True
    for request in sorted(requests, key=_request_order):
        cards[request.partner_id].requests.append(request)
    ordered = sorted(
        cards.values(),
        key=lambda c: (c.prayed_today, not c.urgent, c.partner.name.lower()),
    )
    result = DailyList(cards=ordered, since=since)
    if since is not None:
        result.new_requests = [r for r in requests if r.created_at > since]
        result.new_updates = list(
            RequestUpdate.objects.filter(
                request__in=visible_requests.active(), created_at__gt=since
            ).select_related("request__partner")[:20]
        )
        result.answered = list(
            visible_requests.filter(
                status=RequestStatus.ANSWERED, updated_at__gt=since
            ).select_related("partner")[:20]
        )
    return result


def prayer_log_list(membership) -> QuerySet[PrayerLog]:
    """A person's own prayers in a community, newest first: for a coordinator who may not see
    sensitive partners yet (``sees_sensitive``), without those partners."""
    logs = PrayerLog.objects.filter(user=membership.user, partner__community=membership.community)
    if not membership.sees_sensitive:
        logs = logs.exclude(partner__sensitive=True)
    return logs.select_related("partner", "request", "group").order_by("-prayed_at")


def group_week(group: IntercessorGroup, membership) -> dict:
    """What changed for the group's partners since its last recorded meeting."""
    # The latest five, newest first (the model's order): the first is the last meeting.
    meetings = list(group.meetings.prefetch_related("attendees")[:5])
    last_meeting = meetings[0] if meetings else None
    since = (
        local_to_aware(datetime.combine(last_meeting.met_on, time.min), ZoneInfo(group.time_zone))
        if last_meeting
        else timezone.now() - timedelta(days=7)
    )
    adopted = group.partners.filter(status=PartnerStatus.ACTIVE)
    if not membership.sees_sensitive:
        adopted = adopted.exclude(sensitive=True)
    # Typed with week_requests already: set on every partner below.
    partners = cast(
        "list[WithAnnotations[Partner, WeekRequests]]",
        list(
            adopted.prefetch_related(
                Prefetch("children", queryset=Child.objects.order_by("birth_year"))
            )
        ),
    )
    visible = PrayerRequest.objects.visible_to(membership).filter(partner__in=partners)
    active = list(
        requests_with_prayers(visible.active(), membership.user)
        .select_related("partner")
        .order_by("-urgent", "partner__name", "-created_at")
    )
    by_partner: dict[int, list[WithAnnotations[PrayerRequest, Prayers]]] = {
        p.pk: [] for p in partners
    }
    for request in active:
        by_partner[request.partner_id].append(request)
    for partner in partners:
        partner.week_requests = by_partner[partner.pk]
    return {
        "last_meeting": last_meeting,
        "partners": partners,
        "new_requests": [r for r in active if r.created_at > since],
        "updates": list(
            RequestUpdate.objects.filter(request__in=visible, created_at__gt=since)
            .select_related("request__partner")
            .order_by("-created_at")[:30]
        ),
        "answered": list(
            visible.filter(status=RequestStatus.ANSWERED, updated_at__gt=since)
            .select_related("partner")
            .order_by("-answered_on")
        ),
        "checkin_news": list(
            CheckIn.objects.filter(
                partner__in=partners, status=CheckInStatus.HELD, starts_at__gt=since
            )
            .exclude(group_summary="")
            .select_related("partner")
            .order_by("-starts_at")
        ),
        "meetings": meetings,
    }


@dataclass
class PrayerCounts:
    last_7_days: int = 0
    last_30_days: int = 0
    groups: list[str] = field(default_factory=list)


def partner_prayer_counts(partner_ids: list[int]) -> dict[int, PrayerCounts]:
    """Prayers logged per partner in the last 7 and 30 days, and the groups adopting them:
    two queries, however many partners."""
    counts = {pk: PrayerCounts() for pk in partner_ids}
    now = timezone.now()
    rows = (
        PrayerLog.objects.filter(
            partner_id__in=partner_ids, prayed_at__gte=now - timedelta(days=30)
        )
        .values("partner_id")
        .annotate(
            month=Count("pk"), week=Count("pk", filter=Q(prayed_at__gte=now - timedelta(days=7)))
        )
    )
    for row in rows:
        counts[row["partner_id"]].last_30_days = row["month"]
        counts[row["partner_id"]].last_7_days = row["week"]
    for partner_id, name in IntercessorGroup.partners.through.objects.filter(
        partner_id__in=partner_ids
    ).values_list("partner_id", "intercessorgroup__name"):
        counts[partner_id].groups.append(name)
    return counts


@dataclass
class Carried:
    """How persistently a request has been carried in prayer."""

    times: int = 0
    people: int = 0
    last: datetime | None = None


def request_carried(prayer_request: PrayerRequest) -> Carried:
    row = PrayerLog.objects.filter(request=prayer_request).aggregate(
        times=Count("pk"), people=Count("user", distinct=True), last=Max("prayed_at")
    )
    return Carried(**row)


def encouragement_list(
    partner: Partner, prayer_request: PrayerRequest | None = None, limit: int = 20
) -> list[PrayerLog]:
    """Notes intercessors chose to share with the partner, newest first."""
    logs = PrayerLog.objects.filter(partner=partner, shared_with_partner=True).exclude(note="")
    if prayer_request is not None:
        logs = logs.filter(request=prayer_request)
    return list(logs.select_related("user").order_by("-prayed_at")[:limit])
