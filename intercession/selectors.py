"""Reads for the daily list, pray-through, the prayer record and the group's week.

Each runs a fixed number of queries, however many partners, requests or prayers there are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import TYPE_CHECKING, TypedDict, cast
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
    prefetch_related_objects,
)
from django.utils import timezone

from accounts.models import User
from accounts.timezones import local_to_aware
from intercession.models import IntercessorGroup, PrayerLog, RequestSnooze, people_count
from partnerships.models import (
    CheckIn,
    CheckInStatus,
    Child,
    Partner,
    PartnerStatus,
    PrayerRequest,
    RequestStatus,
    RequestUpdate,
    Visibility,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from partnerships.models.requests import PrayerRequestQuerySet

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
        people_count=people_count("prayer_logs__"),
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
    # The partner's other requests, not in today's ten minutes: they come on other days.
    later: int = 0

    @property
    def urgent(self) -> bool:
        return any(r.urgent for r in self.requests)


# About ten minutes of prayer: a dozen requests, a little under a minute each.
TEN_MINUTES = 12
# A request stays "new" on the daily list for its first three days.
NEW_FOR = timedelta(days=3)
# The age given to requests that are not new, where only new ones are dated.
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass
class DailyList:
    cards: list[PartnerCard]
    since: datetime | None
    new_requests: list = field(default_factory=list)
    new_updates: list = field(default_factory=list)
    answered: list = field(default_factory=list)
    # Every request the member may pray for, or today's ten minutes of them.
    everything: bool = True
    total_requests: int = 0
    # Within how many days every request comes round in the ten-minute list.
    cycle_days: int = 1

    @property
    def prayed_partners(self) -> int:
        return sum(1 for card in self.cards if card.prayed_today)

    @property
    def partner_total(self) -> int:
        return len(self.cards)

    @property
    def fits_ten_minutes(self) -> bool:
        return self.total_requests <= TEN_MINUTES

    @property
    def shown_requests(self) -> int:
        return sum(len(card.requests) for card in self.cards)

    @property
    def has_changes(self) -> bool:
        return bool(self.new_requests or self.new_updates or self.answered)


def _request_order(request: WithAnnotations[PrayerRequest, Prayers]):
    # Urgent first, then the ones least prayed for lately, then the longest unprayed.
    last = request.last_prayed_at.timestamp() if request.last_prayed_at else 0
    return (not request.urgent, request.recent_count, last)


@dataclass(frozen=True)
class Rotation:
    chosen: list[int]
    cycle_days: int


def _in_turn(pks: list[int], slots: int, day: date) -> tuple[list[int], int]:
    """Today's share of ``pks`` when ``slots`` of them fit in a day, and the number of days
    until each has come round: every cycle-th one, so that a day's share spans the partners."""
    if len(pks) <= slots:
        return pks, 1
    cycle = -(-len(pks) // slots)
    return pks[day.toordinal() % cycle :: cycle], cycle


def ten_minutes(rows: list[tuple[int, bool, datetime]], day: date, now: datetime) -> Rotation:
    """Today's requests out of ``rows`` (pk, urgent, created_at), ``TEN_MINUTES`` of them: the
    urgent and then the new ones first (up to two thirds of the list, in turn if there are more),
    and the others in turn in the slots left. Each comes round every ``cycle_days`` days:
    within the week while a week's slots hold them all."""
    urgent = sorted(pk for pk, is_urgent, _ in rows if is_urgent)
    new = [
        pk
        for pk, is_urgent, created in sorted(rows, key=lambda row: row[2], reverse=True)
        if not is_urgent and created > now - NEW_FOR
    ]
    # The same number of slots every day for each part, so that each part's turn comes
    # round at a steady pace.
    first_slots = min(len(urgent + new), TEN_MINUTES * 2 // 3)
    first, first_cycle = _in_turn(urgent + new, first_slots, day)
    taken = set(urgent + new)
    rest = sorted(pk for pk, _, _ in rows if pk not in taken)
    others, cycle = _in_turn(rest, TEN_MINUTES - first_slots, day)
    return Rotation(first + others, cycle_days=max(first_cycle, cycle))


@dataclass(frozen=True)
class _Selection:
    """Which requests and partners are on a member's list today."""

    visible_requests: PrayerRequestQuerySet
    chosen: QuerySet[PrayerRequest]
    rotation: Rotation
    total_requests: int
    # The partners the member carries, and may say "I prayed" for.
    prayable: set[int]
    # Those, and the partners of the requests chosen (some shared with the whole community).
    on_list: set[int]
    # Per partner, how many of their requests are not in today's share.
    later: dict[int, int]


def _selection(membership, everything: bool) -> _Selection:
    user = membership.user
    # Coordinators see every partner; the daily list is for the partnerships that go on.
    # Held for review (waiting or flagged): on nobody's list, not even its author's.
    visible_requests = (
        PrayerRequest.objects.visible_to(membership)
        .released()
        .filter(partner__status=PartnerStatus.ACTIVE)
    )
    visible_partners = Partner.objects.visible_to(membership).filter(status=PartnerStatus.ACTIVE)
    # On the list every day, with or without a request today.
    prayable = set(visible_partners.values_list("pk", flat=True))
    now = timezone.now()
    active = visible_requests.active()
    if not everything:
        # Requests the member snoozed stay off their own ten minutes for a while.
        active = active.exclude(
            pk__in=RequestSnooze.objects.filter(user=user, until__gt=now).values("request_id")
        )
    rows = list(active.values_list("pk", "partner_id", "urgent", "created_at"))
    if everything:
        rotation = Rotation([pk for pk, *_ in rows], cycle_days=1)
        chosen = visible_requests.active()
    else:
        day = timezone.localdate(now, ZoneInfo(user.time_zone))
        rotation = ten_minutes([(pk, urgent, at) for pk, _, urgent, at in rows], day, now)
        chosen = PrayerRequest.objects.filter(pk__in=rotation.chosen)
    chosen_ids = set(rotation.chosen)
    on_list = prayable | {partner_id for pk, partner_id, _, _ in rows if pk in chosen_ids}
    later = Counter(partner_id for pk, partner_id, _, _ in rows if pk not in chosen_ids)
    return _Selection(visible_requests, chosen, rotation, len(rows), prayable, on_list, later)


@dataclass(frozen=True)
class DailyProgress:
    partner_total: int
    prayed_partners: int


def daily_progress(membership, everything: bool = False) -> DailyProgress:
    """How far through today's list the member is: three queries, no cards drawn."""
    selection = _selection(membership, everything)
    prayed = (
        PrayerLog.objects.filter(
            user=membership.user,
            partner_id__in=selection.on_list,
            prayed_at__gte=local_day_start(membership.user),
        )
        .values("partner_id")
        .distinct()
        .count()
    )
    return DailyProgress(partner_total=len(selection.on_list), prayed_partners=prayed)


def daily_list(membership, since: datetime | None = None, everything: bool = False) -> DailyList:
    """The partners and requests a member prays for today: about ten minutes of them (see
    ``ten_minutes``) with the partners they carry, or ``everything`` they may pray for. A
    fixed number of queries; unless ``everything`` is asked for, the rows they read do not
    grow with the number of requests or of prayers."""
    user = membership.user
    selection = _selection(membership, everything)
    visible_requests, chosen = selection.visible_requests, selection.chosen
    on_list, prayable, rotation = selection.on_list, selection.prayable, selection.rotation
    requests = list(
        requests_with_prayers(
            chosen.prefetch_related(
                Prefetch("updates", queryset=RequestUpdate.objects.order_by("-created_at"))
            ),
            user,
        )
    )
    partners = (
        Partner.objects.filter(pk__in=on_list)
        .annotate(
            prayed_today=Exists(
                PrayerLog.objects.filter(
                    user=user, partner=OuterRef("pk"), prayed_at__gte=local_day_start(user)
                )
            ),
        )
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by("birth_year")))
    )
    cards = {
        p.pk: PartnerCard(
            partner=p,
            adopted=p.pk in prayable,
            prayed_today=p.prayed_today,
            later=selection.later[p.pk],
        )
        for p in partners
    }
    for request in sorted(requests, key=_request_order):
        cards[request.partner_id].requests.append(request)
    ordered = sorted(
        cards.values(),
        key=lambda c: (c.prayed_today, not c.urgent, c.partner.name.lower()),
    )
    result = DailyList(
        cards=ordered,
        since=since,
        everything=everything,
        total_requests=selection.total_requests,
        cycle_days=rotation.cycle_days,
    )
    if since is not None:
        changed = list(
            visible_requests.filter(
                Q(status=RequestStatus.ACTIVE, created_at__gt=since)
                | Q(status=RequestStatus.ANSWERED, updated_at__gt=since)
            )
            .select_related("partner")
            # Answered ones first: however many new ones there are, the answers are told.
            .order_by(Case(When(status=RequestStatus.ANSWERED, then=0), default=1), "-updated_at")[
                :40
            ]
        )
        result.new_requests = [r for r in changed if r.status == RequestStatus.ACTIVE][:20]
        result.answered = [r for r in changed if r.status == RequestStatus.ANSWERED][:20]
        result.new_updates = list(
            RequestUpdate.objects.filter(
                request__in=visible_requests.active(), created_at__gt=since
            ).select_related("request__partner")[:20]
        )
    return result


@dataclass
class _Community:
    """A community's active partners and their active requests, for ``daily_lists``."""

    partners: dict[int, Partner] = field(default_factory=dict)
    # (pk, partner_id, urgent, created_at, visibility)
    requests: list[tuple[int, int, bool, datetime, str]] = field(default_factory=list)


def visible_today(
    membership, community: _Community, adopted: set[int]
) -> tuple[set[int], list[tuple[int, int, bool, datetime]]]:
    """The partners a praying member carries and the active requests they may pray for, out of
    their community's: ``Partner.objects.visible_to`` and ``PrayerRequest.objects.visible_to``
    applied in memory, for many members at once (tests hold the two to the same answers).
    ``adopted``: the active partners the member's groups adopted."""
    partners = community.partners
    if membership.is_coordinator:
        prayable = {
            pk for pk, p in partners.items() if membership.sees_sensitive or not p.sensitive
        }
        requests = [r for r in community.requests if r[1] in prayable]
    elif membership.is_intercessor:
        prayable = adopted & partners.keys()
        requests = [
            r
            for r in community.requests
            if r[4] != Visibility.COORDINATORS
            and (r[4] == Visibility.COMMUNITY or r[1] in prayable)
        ]
    else:
        return set(), []
    return prayable, [(pk, partner_id, urgent, at) for pk, partner_id, urgent, at, _ in requests]


def adopted_partners(user_ids) -> dict[tuple[int, int], set[int]]:
    """The active partners adopted by each person's groups that meet, by (user, community): two
    queries, however many people (the rule of ``Partner.objects.adopted_by``)."""
    groups: dict[int, set[int]] = defaultdict(set)
    for user_id, group_id in IntercessorGroup.members.through.objects.filter(
        user_id__in=user_ids, intercessorgroup__paused=False
    ).values_list("user_id", "intercessorgroup_id"):
        groups[group_id].add(user_id)
    adopted: dict[tuple[int, int], set[int]] = defaultdict(set)
    for group_id, partner_id, community_id in IntercessorGroup.partners.through.objects.filter(
        intercessorgroup_id__in=groups, partner__status=PartnerStatus.ACTIVE
    ).values_list("intercessorgroup_id", "partner_id", "partner__community_id"):
        for user_id in groups[group_id]:
            adopted[user_id, community_id].add(partner_id)
    return adopted


def daily_lists(
    memberships: list, adopted: dict[tuple[int, int], set[int]]
) -> dict[int, DailyList]:
    """Today's ten minutes for many praying members at once, as the daily email shows them
    (no counts), by membership: five queries however many members (and whether coordinators
    have two-factor, where their community asks: set ``user.has_two_factor`` to spare it), one
    list per ``daily_list_key``. ``adopted[user_id, community_id]``: the active partners each
    member's groups adopted."""
    communities: dict[int, _Community] = defaultdict(_Community)
    community_ids = {m.community_id for m in memberships}
    for partner in Partner.objects.filter(
        community_id__in=community_ids, status=PartnerStatus.ACTIVE
    ):
        communities[partner.community_id].partners[partner.pk] = partner
    now = timezone.now()
    # Only a new request's age matters (the newest come first): the rest read none.
    new_at = Case(When(created_at__gt=now - NEW_FOR, then=F("created_at")), default=None)
    for pk, community_id, partner_id, urgent, at, visibility in (
        PrayerRequest.objects.released()
        .filter(
            partner__community_id__in=community_ids,
            partner__status=PartnerStatus.ACTIVE,
            status=RequestStatus.ACTIVE,
        )
        .order_by("pk")
        .values_list("pk", "partner__community_id", "partner_id", "urgent", new_at, "visibility")
    ):
        communities[community_id].requests.append(
            (pk, partner_id, urgent, at or LONG_AGO, visibility)
        )
    snoozed: dict[int, set[int]] = defaultdict(set)
    for user_id, request_id in RequestSnooze.objects.filter(
        user_id__in={m.user_id for m in memberships}, until__gt=now
    ).values_list("user_id", "request_id"):
        snoozed[user_id].add(request_id)
    chosen: dict[tuple, tuple[set[int], Rotation, int]] = {}
    keys: dict[int, tuple] = {}
    for membership in memberships:
        own = frozenset(snoozed.get(membership.user_id, ()))
        key = keys[membership.pk] = daily_list_key(membership, adopted, own)
        if key in chosen:
            continue
        community = communities[membership.community_id]
        prayable, rows = visible_today(
            membership, community, adopted.get((membership.user_id, membership.community_id), set())
        )
        rows = [row for row in rows if row[0] not in own]
        chosen[key] = (
            prayable,
            # The key ends with the member's local day.
            ten_minutes([(pk, u, at) for pk, _, u, at in rows], key[-1], now),
            len(rows),
        )
    wanted = {pk for _, rotation, _ in chosen.values() for pk in rotation.chosen}
    requests = {r.pk: r for r in PrayerRequest.objects.filter(pk__in=wanted)}
    listed = {pk for prayable, _, _ in chosen.values() for pk in prayable}
    listed |= {r.partner_id for r in requests.values()}
    prefetch_related_objects(
        [p for c in communities.values() for pk, p in c.partners.items() if pk in listed],
        Prefetch("children", queryset=Child.objects.order_by("birth_year")),
    )
    lists = {}
    for key, (prayable, rotation, total) in chosen.items():
        partners = communities[key[0]].partners
        cards = {pk: PartnerCard(partner=partners[pk]) for pk in prayable}
        # A request whose partner became active while the batch was read waits for tomorrow.
        picked = sorted(
            (
                requests[pk]
                for pk in rotation.chosen
                if pk in requests and requests[pk].partner_id in partners
            ),
            key=lambda r: (not r.urgent, r.created_at),
        )
        for request in picked:
            request.partner = partners[request.partner_id]
            card = cards.setdefault(
                request.partner_id,
                PartnerCard(partner=request.partner, adopted=False),
            )
            card.requests.append(request)
        lists[key] = DailyList(
            # By the name the email shows: a sensitive partner's alias, never their name.
            cards=sorted(
                cards.values(), key=lambda c: (not c.urgent, c.partner.public_name.lower())
            ),
            since=None,
            everything=False,
            total_requests=total,
            cycle_days=rotation.cycle_days,
        )
    return {pk: lists[key] for pk, key in keys.items()}


def daily_list_key(
    membership, adopted: dict[tuple[int, int], set[int]], snoozed: frozenset[int] = frozenset()
) -> tuple:
    """What a daily list depends on: the community, the role (coordinators also see
    coordinators-only requests), whether sensitive partners are kept from the member, the
    partners their groups adopt, the requests they snoozed, and the day (today's ten minutes
    rotate through the rest)."""
    return (
        membership.community_id,
        membership.role,
        membership.sees_sensitive,
        frozenset(adopted.get((membership.user_id, membership.community_id), set())),
        snoozed,
        timezone.localdate(timezone=ZoneInfo(membership.user.time_zone)),
    )


def prayer_log_list(membership) -> QuerySet[PrayerLog]:
    """A person's own prayers in a community, newest first: for a coordinator who may not see
    sensitive partners yet (``sees_sensitive``), without those partners."""
    logs = PrayerLog.objects.filter(user=membership.user, community_id=membership.community_id)
    if not membership.sees_sensitive:
        logs = logs.exclude(partner__sensitive=True)
    return logs.select_related("partner", "request", "group").order_by("-prayed_at")


@dataclass(frozen=True)
class RecordSummary:
    prayers: int
    partners: int
    answered: int


def prayer_record_summary(membership) -> RecordSummary:
    """The head of a person's prayer record: how many prayers, for how many partners, and how
    many of the requests they prayed for were answered. One query."""
    totals = (
        prayer_log_list(membership)
        .order_by()
        .aggregate(
            prayers=Count("pk"),
            partners=Count("partner", distinct=True),
            answered=Count(
                "request", distinct=True, filter=Q(request__status=RequestStatus.ANSWERED)
            ),
        )
    )
    return RecordSummary(**totals)


def prayer_days(logs: list[PrayerLog], zone: ZoneInfo) -> list[tuple[date, list[PrayerLog]]]:
    """Prayers (newest first) by the person's local day."""
    return [
        (day, list(group))
        for day, group in groupby(logs, key=lambda log: log.prayed_at.astimezone(zone).date())
    ]


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
    visible = PrayerRequest.objects.visible_to(membership).released().filter(partner__in=partners)
    # The active requests, and those answered since the meeting, in one query.
    listed = list(
        requests_with_prayers(
            visible.filter(
                Q(status=RequestStatus.ACTIVE)
                | Q(status=RequestStatus.ANSWERED, updated_at__gt=since)
            ),
            membership.user,
        )
        .select_related("partner")
        .order_by("-urgent", "partner__name", "-created_at")
    )
    active = [r for r in listed if r.status == RequestStatus.ACTIVE]
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
        "answered": sorted(
            (r for r in listed if r.status == RequestStatus.ANSWERED),
            key=lambda r: (r.answered_on or date.min, r.pk),
            reverse=True,
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
        times=Count("pk"), people=people_count(), last=Max("prayed_at")
    )
    return Carried(**row)


def encouragement_list(
    partner: Partner,
    prayer_request: PrayerRequest | None = None,
    limit: int = 20,
    between: tuple[datetime, datetime] | None = None,
) -> list[PrayerLog]:
    """Notes intercessors chose to share with the partner, newest first; ``between`` (start,
    end): only those of that time."""
    logs = PrayerLog.objects.filter(partner=partner, shared_with_partner=True).exclude(note="")
    if prayer_request is not None:
        logs = logs.filter(request=prayer_request)
    if between is not None:
        logs = logs.filter(prayed_at__gte=between[0], prayed_at__lt=between[1])
    return list(logs.select_related("user").order_by("-prayed_at")[:limit])


def adopting_groups(partner: Partner) -> list[IntercessorGroup]:
    """The groups that meet and pray for this partner, each with its members by name."""
    return list(
        IntercessorGroup.objects.filter(partners=partner, paused=False)
        .prefetch_related(Prefetch("members", queryset=User.objects.order_by("name", "pk")))
        .order_by("name")
    )
