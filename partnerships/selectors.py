"""Reads that combine several tables: the coordinator's dashboard and friends.

Each function runs a fixed number of queries, however many partners there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from accounts.models import User
from notifications.models import Delivery
from partnerships.models import (
    CheckIn,
    CheckInStatus,
    Community,
    Membership,
    Partner,
    PrayerRequest,
    RequestStatus,
)
from partnerships.models.partners import CHECKIN_GRACE


def _count(queryset: QuerySet) -> Subquery:
    counted = queryset.order_by().values("partner").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def praying_people(community: Community) -> QuerySet[User]:
    """The coordinators and intercessors of a community, by name: who can go to a check-in,
    join a weekly group or be marked present."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(community=community).praying().values("user_id")
    ).order_by("name")


def community_deliveries(community: Community) -> QuerySet[Delivery]:
    """The emails sent to a community's people that its coordinators may see."""
    return Delivery.objects.for_community(
        community.pk, Membership.objects.filter(community=community).values("user_id")
    )


def partners_with_health(
    partners: QuerySet[Partner], membership, today: date | None = None
) -> QuerySet[Partner]:
    """Annotate last and next check-in and the counts of the requests this member may see,
    one query for all partners."""
    today = today or timezone.localdate()
    checkins = CheckIn.objects.filter(partner=OuterRef("pk"))
    upcoming = checkins.upcoming().order_by("starts_at")
    requests = PrayerRequest.objects.visible_to(membership).filter(partner=OuterRef("pk"))
    return partners.annotate(
        last_checkin_at=Subquery(
            checkins.filter(status=CheckInStatus.HELD)
            .order_by("-starts_at")
            .values("starts_at")[:1]
        ),
        next_checkin_at=Subquery(upcoming.values("starts_at")[:1]),
        next_checkin_id=Subquery(upcoming.values("pk")[:1]),
        active_requests=_count(requests.filter(status=RequestStatus.ACTIVE)),
        stale_requests=_count(requests.filter(status=RequestStatus.ACTIVE, review_on__lt=today)),
        answered_last_year=_count(
            requests.filter(
                status=RequestStatus.ANSWERED, answered_on__gt=today - relativedelta(years=1)
            )
        ),
    )


def partner_health(partners: QuerySet[Partner], membership) -> list[Partner]:
    """The partners with their health annotations and ``checkin_state`` set."""
    rows = list(partners_with_health(partners, membership))
    now = timezone.now()
    for partner in rows:
        partner.checkin_state = checkin_state(partner, now)
    return rows


def checkin_state(partner: Partner, now: datetime | None = None) -> str:
    """'scheduled', 'ok', 'due' or 'overdue' for a partner annotated by partners_with_health.

    Due: no check-in held within the cadence and none scheduled. Overdue: still so a grace
    period after it fell due. Paused and ended partnerships are never due.
    """
    now = now or timezone.now()
    if partner.status != "active":
        return "inactive"
    if partner.next_checkin_at is not None:
        return "scheduled"
    if partner.last_checkin_at is not None:
        due_at = partner.last_checkin_at + partner.cadence
    elif partner.partnership_started:
        # Never met: due from the start of the partnership.
        due_at = datetime.combine(
            partner.partnership_started,
            datetime.min.time(),
            tzinfo=timezone.get_current_timezone(),
        )
    else:
        due_at = partner.created_at
    if now < due_at:
        return "ok"
    return "overdue" if now >= due_at + CHECKIN_GRACE else "due"


@dataclass
class PrayerCounts:
    last_7_days: int = 0
    last_30_days: int = 0
    groups: list[str] = field(default_factory=list)


def prayer_activity(partner_ids: list[int]) -> dict[int, PrayerCounts]:
    """Prayers logged per partner in the last 7 and 30 days, and the groups adopting them.

    The prayer log and groups belong to the intercession app; partnerships does not import it,
    it reads them through the app registry when they exist.
    """
    counts = {pk: PrayerCounts() for pk in partner_ids}
    try:
        prayer_log = apps.get_model("intercession", "PrayerLog")
    except LookupError:
        return counts
    now = timezone.now()
    rows = (
        prayer_log.objects.filter(
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
    try:
        group = apps.get_model("intercession", "IntercessorGroup")
    except LookupError:
        return counts
    for partner_id, name in group.partners.through.objects.filter(
        partner_id__in=partner_ids
    ).values_list("partner_id", "intercessorgroup__name"):
        counts[partner_id].groups.append(name)
    return counts


def answered_by_month(community: Community, months: int = 12, today: date | None = None):
    """[(first day of month, answered requests)] for the last ``months`` months, oldest first."""
    today = today or timezone.localdate()
    first = today.replace(day=1) - relativedelta(months=months - 1)
    rows = dict(
        PrayerRequest.objects.filter(
            partner__community=community, status=RequestStatus.ANSWERED, answered_on__gte=first
        )
        .annotate(month=TruncMonth("answered_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return [
        (month, rows.get(month, 0))
        for month in (first + relativedelta(months=i) for i in range(months))
    ]


@dataclass
class Carried:
    """How persistently a request has been carried in prayer."""

    times: int = 0
    people: int = 0
    last: datetime | None = None


def request_carried(request: PrayerRequest) -> Carried:
    try:
        prayer_log = apps.get_model("intercession", "PrayerLog")
    except LookupError:
        return Carried()
    from django.db.models import Max

    row = prayer_log.objects.filter(request=request).aggregate(
        times=Count("pk"), people=Count("user", distinct=True), last=Max("prayed_at")
    )
    return Carried(**row)


def shared_encouragements(partner: Partner, request: PrayerRequest | None = None, limit: int = 20):
    """Notes intercessors chose to share with the partner, newest first."""
    try:
        prayer_log = apps.get_model("intercession", "PrayerLog")
    except LookupError:
        return []
    logs = prayer_log.objects.filter(partner=partner, shared_with_partner=True).exclude(note="")
    if request is not None:
        logs = logs.filter(request=request)
    return list(logs.select_related("user").order_by("-prayed_at")[:limit])


def recent_testimonies(community: Community, limit: int = 3) -> list:
    """The latest published testimonies, drafts waiting first, for the coordinators' dashboard.
    Testimonies belong to their own app, read here through the app registry."""
    try:
        testimony = apps.get_model("testimonies", "Testimony")
    except LookupError:
        return []
    return list(
        testimony.objects.filter(partner__community=community)
        .select_related("partner", "author")
        .order_by("status", "-published_at", "-updated_at")[:limit]
    )
