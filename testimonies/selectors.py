"""Reads for the testimonies pages and the partner's corner, each a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from intercession.models import IntercessorGroup, PrayerLog, people_count
from intercession.selectors import adopting_groups, encouragement_list
from partnerships.models import (
    CheckIn,
    Membership,
    Partner,
    PartnerStatus,
    PrayerRequest,
    RequestStatus,
    Role,
    Visibility,
)
from partnerships.selectors import Todo
from testimonies.models import Testimony, TestimonyNotice, TestimonyStatus, Thanks

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def with_reading_details(testimonies: QuerySet[Testimony], membership: Membership):
    """What a testimony card shows: partner, author, the thanks count, whether this person
    gave thanks, and only the answered requests this person may see."""
    return (
        testimonies.select_related("partner", "author")
        .annotate(
            thanks_count=Count("thanks", distinct=True),
            thanked=Exists(
                Thanks.objects.filter(testimony=OuterRef("pk"), user=membership.user_id)
            ),
        )
        .prefetch_related(
            Prefetch(
                "requests",
                queryset=PrayerRequest.objects.visible_to(membership).order_by("answered_on"),
                to_attr="visible_requests",
            )
        )
    )


def testimony_published_list(membership: Membership, *, partner_id=None, kind: str = ""):
    testimonies = Testimony.objects.visible_to(membership).published()
    if partner_id:
        testimonies = testimonies.filter(partner_id=partner_id)
    if kind:
        testimonies = testimonies.filter(partner__kind=kind)
    return with_reading_details(testimonies, membership).order_by("-published_at", "-pk")


def testimony_draft_list(membership: Membership):
    """Drafts and unpublished testimonies: the coordinators', and each author's own."""
    drafts = Testimony.objects.visible_to(membership).filter(status=TestimonyStatus.DRAFT)
    if not membership.is_coordinator:
        drafts = drafts.filter(author_id=membership.user_id)
    return drafts.select_related("partner", "author").order_by("-updated_at")


def drafts_todo(membership: Membership) -> list[Todo]:
    """For the coordinator's home: testimonies written and waiting to be published."""
    count = testimony_draft_list(membership).count()
    url = reverse("testimonies:testimony_list", args=[membership.community.slug]) + "#drafts"
    label = ngettext(
        "%(count)d testimony waiting to be published",
        "%(count)d testimonies waiting to be published",
        count,
    ) % {"count": count}
    return [Todo(label=label, count=count, url=url)]


def testimony_partner_list(membership: Membership) -> list[Partner]:
    """Partners that published testimonies visible to this member are about, for the filter."""
    ids = Testimony.objects.visible_to(membership).published().values("partner_id")
    return list(Partner.objects.filter(pk__in=ids).order_by("name"))


def notice_unread_count(user) -> int:
    return (
        TestimonyNotice.objects.filter(
            user=user, read_at__isnull=True, testimony__status=TestimonyStatus.PUBLISHED
        )
        .filter(testimony__partner__community__memberships__user=user)
        .count()
    )


def notice_list(user) -> QuerySet[TestimonyNotice]:
    """A person's notices of published testimonies in communities they still belong to;
    not those of sensitive partners in a community where, as a coordinator without two-factor
    sign-in, they may not see them (Membership.sees_sensitive)."""
    notices = TestimonyNotice.objects.filter(
        user=user,
        testimony__status=TestimonyStatus.PUBLISHED,
        testimony__partner__community__memberships__user=user,
    )
    if not user.has_two_factor:
        guarded = Membership.objects.filter(
            user=user, role=Role.COORDINATOR, community__two_factor_for_sensitive=True
        ).values("community_id")
        notices = notices.exclude(
            testimony__partner__sensitive=True, testimony__partner__community__in=guarded
        )
    return notices.select_related("testimony__partner__community").order_by("-created_at")


def answered_request_list(membership: Membership, partner: Partner):
    return (
        PrayerRequest.objects.visible_to(membership)
        .filter(partner=partner, status=RequestStatus.ANSWERED)
        .order_by("-answered_on", "-pk")
    )


class CornerRequest(TypedDict):
    """What ``corner_get`` annotates on each of the partner's requests."""

    times: int
    has_testimony: bool


@dataclass
class Corner:
    partner: Partner
    next_checkin: CheckIn | None
    groups: list[IntercessorGroup]
    prayers_this_month: int
    people_this_month: int
    encouragements: list
    active_requests: list[WithAnnotations[PrayerRequest, CornerRequest]] = field(
        default_factory=list
    )
    answered_requests: list[WithAnnotations[PrayerRequest, CornerRequest]] = field(
        default_factory=list
    )
    testimonies: list[Testimony] = field(default_factory=list)


def month_start(zone: ZoneInfo) -> datetime:
    today = timezone.localdate(timezone=zone)
    return datetime(today.year, today.month, 1, tzinfo=zone)


def corner_get(membership: Membership, partner: Partner) -> Corner:
    """The partner's own page: who prays, how often, what they shared, what God answered."""
    now = timezone.now()
    zone = ZoneInfo(partner.time_zone)
    this_month = PrayerLog.objects.filter(partner=partner, prayed_at__gte=month_start(zone))
    totals = this_month.aggregate(prayers=Count("pk"), people=people_count())
    requests = list(
        PrayerRequest.objects.filter(partner=partner)
        .exclude(status=RequestStatus.CLOSED)
        .annotate(
            times=Count("prayer_logs", distinct=True),
            has_testimony=Exists(
                Testimony.objects.filter(requests=OuterRef("pk"), status=TestimonyStatus.PUBLISHED)
            ),
        )
        .order_by("-urgent", "-created_at")
    )
    return Corner(
        partner=partner,
        next_checkin=CheckIn.objects.filter(partner=partner, status="scheduled", starts_at__gte=now)
        .order_by("starts_at")
        .first(),
        groups=adopting_groups(partner),
        prayers_this_month=totals["prayers"],
        people_this_month=totals["people"],
        encouragements=encouragement_list(partner, limit=10),
        active_requests=[r for r in requests if r.status == RequestStatus.ACTIVE],
        answered_requests=[r for r in requests if r.status == RequestStatus.ANSWERED][:10],
        testimonies=list(testimony_published_list(membership)[:10]),
    )


def testimony_recent_list(membership: Membership, limit: int = 3) -> list[Testimony]:
    """The latest testimonies this coordinator may read, drafts waiting first."""
    return list(
        Testimony.objects.visible_to(membership)
        .select_related("partner", "author")
        .order_by("status", "-published_at", "-updated_at")[:limit]
    )


# Names an encouragement lists before it says “and N more”.
NAMES_SHOWN = 8


@dataclass
class CarriedWeek:
    """A partner's week in prayer, for their encouragement: how often and by whom they were
    carried between ``start`` and ``end``, what was shared with them, what was answered."""

    partner: Partner
    prayers: int
    people: list[str]
    more_people: int
    groups: list[IntercessorGroup]
    notes: list[PrayerLog]
    answered: list[PrayerRequest]


def partner_profiles_of(user) -> QuerySet[Partner]:
    """The active partner profiles of a person who is a partner member of their community."""
    return (
        Partner.objects.filter(
            status=PartnerStatus.ACTIVE,
            user=user,
            community__memberships__user=user,
            community__memberships__role=Role.PARTNER,
        )
        .select_related("community")
        .order_by("pk")
    )


def carried_week(partner: Partner, start: datetime, end: datetime) -> CarriedWeek:
    """The week ending at ``end``, in a fixed number of queries."""
    logs = PrayerLog.objects.filter(partner=partner, prayed_at__gte=start, prayed_at__lt=end)
    totals = logs.aggregate(prayers=Count("pk"), people=people_count())
    people = list(
        User.objects.filter(pk__in=logs.values("user_id")).order_by("name", "pk")[:NAMES_SHOWN]
    )
    zone = ZoneInfo(partner.time_zone)
    return CarriedWeek(
        partner=partner,
        prayers=totals["prayers"],
        people=[person.first_name for person in people],
        more_people=totals["people"] - len(people),
        groups=adopting_groups(partner),
        notes=encouragement_list(partner, limit=5, between=(start, end)),
        answered=list(
            PrayerRequest.objects.filter(
                partner=partner,
                status=RequestStatus.ANSWERED,
                answered_on__gte=start.astimezone(zone).date(),
                answered_on__lte=end.astimezone(zone).date(),
            )
            .exclude(visibility=Visibility.COORDINATORS)
            .order_by("-answered_on", "-pk")
        ),
    )
