"""Reads that combine several tables: the coordinator's dashboard and friends.

Each function runs a fixed number of queries, however many partners there are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, TypedDict, cast

from dateutil.relativedelta import relativedelta
from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from accounts.models import User
from notifications.models import Delivery, DeliveryQuerySet
from partnerships.models import (
    CheckIn,
    CheckInStatus,
    Community,
    Invitation,
    Membership,
    Partner,
    PartnerStatus,
    PrayerRequest,
    RequestStatus,
    ReviewState,
    Role,
)
from partnerships.models.partners import CHECKIN_GRACE

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class PartnerHealth(TypedDict):
    """What ``partners_with_health`` annotates on each partner."""

    last_checkin_at: datetime | None
    next_checkin_at: datetime | None
    next_checkin_id: int | None
    active_requests: int
    stale_requests: int
    held_requests: int
    answered_last_year: int


class PartnerHealthState(PartnerHealth):
    """A partner of ``partner_health``: the annotations and the ``checkin_state`` it sets."""

    checkin_state: str


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("partner").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def coordinator_names(community: Community, limit: int = 3) -> list[str]:
    """Whom a member can ask about their place in the community. One query."""
    return [
        m.user.display_name
        for m in Membership.objects.filter(community=community, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("user__name", "pk")[:limit]
    ]


def praying_user_list(community: Community) -> QuerySet[User]:
    """The coordinators and intercessors of a community, by name: who can go to a check-in,
    join a weekly group or be marked present."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(community=community).praying().values("user_id")
    ).order_by("name")


def member_list(membership: Membership) -> list[tuple[Membership, str, str]]:
    """The community's members for a coordinator: each with the name and address to show. A
    sensitive partner's own account carries their real name and address, so it shows by
    alias, without an address, to a coordinator kept from them (``Partner.kept_from``)."""
    aliases = dict(
        Partner.objects.kept_from(membership)
        .filter(user__isnull=False)
        .values_list("user_id", "alias")
    )
    members = membership.community.memberships.select_related("user").order_by("role", "user__name")
    return [
        (member, aliases[member.user_id], "")
        if member.user_id in aliases
        else (member, member.user.display_name, member.user.email)
        for member in members
    ]


def pending_invitation_list(membership: Membership) -> list[tuple[Invitation, str]]:
    """Invitations not yet accepted or withdrawn, each with the address to show: a sensitive
    partner's by alias, as above."""
    aliases = dict(Partner.objects.kept_from(membership).values_list("pk", "alias"))
    invitations = membership.community.invitations.filter(
        accepted_at=None, revoked_at=None
    ).select_related("invited_by")
    return [
        (invitation, aliases.get(invitation.partner_id or 0, invitation.email))
        for invitation in invitations
    ]


def delivery_list(community: Community) -> DeliveryQuerySet:
    """The emails sent to a community's people that its coordinators may see."""
    return Delivery.objects.for_community(
        community.pk, Membership.objects.filter(community=community).values("user_id")
    )


def partners_with_health(
    partners: QuerySet[Partner], membership, today: date | None = None
) -> QuerySet[WithAnnotations[Partner, PartnerHealth]]:
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
        # Waiting for a coordinator's approval or flagged (not those sent back to the author).
        held_requests=_count(
            requests.filter(review__in=[ReviewState.WAITING, ReviewState.FLAGGED])
        ),
        answered_last_year=_count(
            requests.filter(
                status=RequestStatus.ANSWERED, answered_on__gt=today - relativedelta(years=1)
            )
        ),
    )


def partner_health(
    partners: QuerySet[Partner], membership
) -> list[WithAnnotations[Partner, PartnerHealthState]]:
    """The partners with their health annotations and ``checkin_state`` set."""
    # Typed with checkin_state already: the loop below sets it on every row.
    rows = cast(
        "list[WithAnnotations[Partner, PartnerHealthState]]",
        list(partners_with_health(partners, membership)),
    )
    now = timezone.now()
    for partner in rows:
        partner.checkin_state = checkin_state(partner, now)
    return rows


def checkin_state(
    partner: WithAnnotations[Partner, PartnerHealth], now: datetime | None = None
) -> str:
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


@dataclass(frozen=True)
class Todo:
    """One thing a coordinator's home says needs doing, with the page where it is done."""

    label: str
    count: int
    url: str


# Other apps add what needs doing in their part of the rhythm (testimonies: drafts waiting to
# be published), registered at start-up: ``source(membership) -> [Todo]``.
TodoSource = Callable[[Membership], list[Todo]]
_todo_sources: list[TodoSource] = []


def todo_source_register(source: TodoSource) -> None:
    if source not in _todo_sources:
        _todo_sources.append(source)


@dataclass
class CoordinatorHome:
    overdue: list[Partner]
    due: list[Partner]
    stale_requests: int
    held_requests: int
    todos: list[Todo]

    @property
    def nothing_to_do(self) -> bool:
        return not (
            self.overdue or self.due or self.stale_requests or self.held_requests or self.todos
        )


def coordinator_home(membership: Membership) -> CoordinatorHome:
    """What needs doing now in the community: check-ins overdue and due, requests waiting for
    an update, and what the other apps add. A fixed number of queries."""
    rows = partner_health(
        Partner.objects.visible_to(membership).filter(status=PartnerStatus.ACTIVE), membership
    )
    todos = [todo for source in _todo_sources for todo in source(membership) if todo.count]
    return CoordinatorHome(
        overdue=[p for p in rows if p.checkin_state == "overdue"],
        due=[p for p in rows if p.checkin_state == "due"],
        stale_requests=sum(p.stale_requests for p in rows),
        held_requests=sum(p.held_requests for p in rows),
        todos=todos,
    )


REVIEW_QUEUE_LIMIT = 100


def review_queue(membership: Membership) -> list[PrayerRequest]:
    """The requests held back from lists and emails that this coordinator may see: flagged
    first, then those waiting for approval, then those sent back to their authors; oldest
    first within each. Bounded: the queue is worked down, never paged."""
    order = Case(
        When(review=ReviewState.FLAGGED, then=0),
        When(review=ReviewState.WAITING, then=1),
        default=2,
    )
    return list(
        PrayerRequest.objects.visible_to(membership)
        .held()
        .select_related("partner", "created_by", "flagged_by")
        .order_by(order, "updated_at")[:REVIEW_QUEUE_LIMIT]
    )


def community_language(user_ids: list[int]) -> dict[int, str]:
    """Each person's community default language: that of the first community they joined that
    has one (people in none with a language are left out)."""
    found: dict[int, str] = {}
    rows = (
        Membership.objects.filter(user_id__in=user_ids)
        .exclude(community__language="")
        .order_by("joined_at", "pk")
        .values_list("user_id", "community__language")
    )
    for user_id, code in rows:
        found.setdefault(user_id, code)
    return found
