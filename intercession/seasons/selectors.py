"""Reads of seasons of prayer: the chain's coverage, drawn in the reader's own time, the days'
focus and, as it goes and at its end, what was prayed and answered. Each is a fixed number of
queries whatever the number of hours held or prayers prayed."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from intercession.models import PrayerLog, Season, SeasonDay, SeasonHour
from intercession.models.seasons import HOURS
from partnerships.models import Membership, Partner, PrayerRequest, RequestStatus
from partnerships.selectors import Todo

# The clock's face: a ring of 24 hours, midnight at the top, in the reader's own time.
CLOCK_CENTRE = 120
CLOCK_OUTER = 110
CLOCK_INNER = 70


@dataclass
class HourCoverage:
    """One hour of the season's clock, as the reader sees it."""

    hour: int  # of the season's clock
    starts: datetime  # on the reference day, in the reader's zone
    ends: datetime
    every_day: int = 0  # people holding it on every day
    days_held: int = 0  # days of the season someone holds it
    mine: bool = False
    fasting: int = 0
    path: str = ""  # the clock face's segment
    days_held_all: bool = False

    @property
    def state(self) -> str:
        """“full”: someone holds it every day; “partial”: some days; “open”: no day."""
        if self.days_held == 0:
            return "open"
        return "full" if self.every_day or self.days_held_all else "partial"


@dataclass
class SeasonPage:
    season: Season
    reference_day: date
    today: date | None  # the season's day today, if it is running
    hours: list[HourCoverage]
    focus_days: list[dict]
    mine: list[dict]  # {"hour": SeasonHour, "starts", "ends"} in the reader's zone
    open_hours: int
    holders: int
    fasting: int
    summary: dict = field(default_factory=dict)
    state: str = "coming"  # "running", "coming" or "over"

    @property
    def days_near(self) -> list[dict]:
        """The week ahead of a running or coming season; none of one that is over."""
        if self.state == "over":
            return []
        first = self.today or self.season.starts_on
        return [d for d in self.focus_days if first <= d["day"] < first + timedelta(days=7)]

    @property
    def days_other(self) -> list[dict]:
        near = {d["day"] for d in self.days_near}
        return [d for d in self.focus_days if d["day"] not in near]

    @property
    def held_hours(self) -> int:
        return len(self.hours) - self.open_hours

    @property
    def today_number(self) -> int | None:
        return (self.today - self.season.starts_on).days + 1 if self.today else None


def _segment(starts: datetime) -> str:
    """The ring segment of the hour that begins at ``starts`` (reader's zone), as SVG path data."""
    minutes = starts.hour * 60 + starts.minute
    a0 = math.radians(minutes / 1440 * 360 - 90)
    a1 = math.radians((minutes + 60) / 1440 * 360 - 90) - 0.012

    def point(radius: int, angle: float) -> str:
        x = CLOCK_CENTRE + radius * math.cos(angle)
        y = CLOCK_CENTRE + radius * math.sin(angle)
        return f"{x:.1f} {y:.1f}"

    return (
        f"M{point(CLOCK_OUTER, a0)} A{CLOCK_OUTER} {CLOCK_OUTER} 0 0 1 {point(CLOCK_OUTER, a1)} "
        f"L{point(CLOCK_INNER, a1)} A{CLOCK_INNER} {CLOCK_INNER} 0 0 0 {point(CLOCK_INNER, a0)} Z"
    )


def season_today(season: Season, now: datetime | None = None) -> date | None:
    now = now or timezone.now()
    if not season.has_begun(now) or season.is_over(now):
        return None
    return season.day_of(now)


def coverage(
    season: Season,
    reader_zone: ZoneInfo,
    reference_day: date,
    user_id: int | None = None,
    held: list[SeasonHour] | None = None,
) -> list[HourCoverage]:
    """The 24 hours of the season's clock, each with who holds it, shown at the time the
    reader's clock says on ``reference_day`` of the season. One query, unless the season's
    hours held are given."""
    if held is None:
        held = list(SeasonHour.objects.filter(season=season))
    days_of: dict[int, set[date]] = defaultdict(set)
    hours = [
        HourCoverage(
            hour=hour,
            starts=season.hour_start(reference_day, hour).astimezone(reader_zone),
            ends=season.hour_end(reference_day, hour).astimezone(reader_zone),
        )
        for hour in HOURS
    ]
    all_days = set(season.days())
    for season_hour in held:
        slot = hours[season_hour.hour]
        if season_hour.day is None:
            slot.every_day += 1
            days_of[slot.hour] |= all_days
        else:
            days_of[slot.hour].add(season_hour.day)
        slot.mine = slot.mine or season_hour.user_id == user_id
        slot.fasting += season_hour.fasting
    for slot in hours:
        slot.days_held = len(days_of[slot.hour] & all_days)
        slot.days_held_all = slot.days_held == len(all_days)
        slot.path = _segment(slot.starts)
    return hours


def focus_of(focus_days: list[SeasonDay], membership: Membership) -> dict[date, list[dict]]:
    """For each of these days (their ``partners``, the reader may see, and ``requests``
    prefetched): the partners to pray for, each with the day's requests chosen for them, or
    else their three most pressing active ones, that the reader may see. A chosen request the
    reader may see (one shared with the whole community) brings its partner. One query."""
    partner_ids = {p.pk for d in focus_days for p in d.partners.all()}
    partner_ids |= {r.partner_id for d in focus_days for r in d.requests.all()}
    active: dict[int, list[PrayerRequest]] = defaultdict(list)
    for prayer_request in (
        PrayerRequest.objects.visible_to(membership)
        .released()
        .active()
        .filter(partner_id__in=partner_ids)
        .select_related("partner")
        .order_by("-urgent", "-created_at")
    ):
        active[prayer_request.partner_id].append(prayer_request)
    shown = {r.pk: r for requests in active.values() for r in requests}
    found = {}
    for focus_day in focus_days:
        chosen: dict[int, list[PrayerRequest]] = defaultdict(list)
        for prayer_request in focus_day.requests.all():
            if prayer_request.pk in shown:
                chosen[prayer_request.partner_id].append(shown[prayer_request.pk])
        partners = {p.pk: p for p in focus_day.partners.all()}
        for partner_id, requests in chosen.items():
            partners.setdefault(partner_id, requests[0].partner)
        found[focus_day.day] = [
            {"partner": p, "requests": chosen.get(p.pk) or active[p.pk][:3]}
            for p in sorted(partners.values(), key=lambda p: p.public_name)
        ]
    return found


def focus_days_of(season: Season, membership: Membership, day: date | None = None):
    """The season's days with a focus (or only ``day``), with the partners of them the reader
    may see and the requests chosen. Three queries."""
    days = SeasonDay.objects.filter(season=season).prefetch_related(
        Prefetch("partners", queryset=Partner.objects.visible_to(membership)), "requests"
    )
    return list(days if day is None else days.filter(day=day))


def focus_day_list(season: Season, membership: Membership) -> list[dict]:
    """Each day of the season with its focus, scripture, partners and requests as the reader
    may see them. Four queries."""
    focus_days = focus_days_of(season, membership)
    focus = {d.day: d for d in focus_days}
    praying_for = focus_of(focus_days, membership)
    days = []
    for number, day in enumerate(season.days(), start=1):
        found = focus.get(day)
        days.append(
            {
                "day": day,
                "number": number,
                "focus": found.focus if found else "",
                "scripture": found.scripture if found else "",
                "partners": praying_for.get(day, []),
            }
        )
    return days


def season_summary(season: Season, membership: Membership, now: datetime | None = None) -> dict:
    """What was prayed in the community during the season (so far), how many hours of the
    chain were held, and the requests the reader may see that were answered in it."""
    now = now or timezone.now()
    until = min(now, season.finishes_at)
    prayers = PrayerLog.objects.filter(
        community_id=season.community_id, prayed_at__gte=season.begins_at, prayed_at__lt=until
    ).aggregate(
        prayers=Count("pk"),
        people=Count("user", distinct=True),
        partners=Count("partner", distinct=True),
        fasted=Count("pk", filter=Q(fasted=True)),
    )
    last_day = min(season.ends_on, season.day_of(until))
    answered = list(
        PrayerRequest.objects.visible_to(membership)
        .filter(answered_on__range=(season.starts_on, last_day), status=RequestStatus.ANSWERED)
        .select_related("partner")
        .order_by("answered_on")[:20]
    )
    return {**prayers, "answered": answered}


def season_page(season: Season, membership: Membership, now: datetime | None = None) -> SeasonPage:
    now = now or timezone.now()
    user = membership.user
    today = season_today(season, now)
    reference_day = today or (season.starts_on if not season.has_begun(now) else season.ends_on)
    zone = ZoneInfo(user.time_zone)
    held = list(SeasonHour.objects.filter(season=season).order_by("hour", "day"))
    hours = coverage(season, zone, reference_day, user.pk, held)
    mine = []
    for season_hour in held:
        if season_hour.user_id == user.pk:
            season_hour.season = season
            starts, ends = hour_label(
                season, season_hour.hour, season_hour.day or reference_day, zone
            )
            mine.append({"hour": season_hour, "starts": starts, "ends": ends})
    return SeasonPage(
        season=season,
        reference_day=reference_day,
        today=today,
        hours=hours,
        focus_days=focus_day_list(season, membership),
        mine=mine,
        open_hours=sum(1 for h in hours if h.state == "open"),
        holders=len({h.user_id for h in held}),
        fasting=len({h.user_id for h in held if h.fasting}),
        summary=season_summary(season, membership, now) if season.has_begun(now) else {},
        state=season.state(now),
    )


@dataclass
class SeasonEntry:
    season: Season
    state: str  # "running", "coming" or "over"
    hours_held: int  # hours of its clock someone holds on some day


def season_list(membership: Membership) -> list[SeasonEntry]:
    """The community's seasons, the running and coming ones first. Two queries."""
    seasons = list(Season.objects.visible_to(membership))
    held: dict[int, set[int]] = defaultdict(set)
    for season_id, hour in SeasonHour.objects.filter(season__in=seasons).values_list(
        "season_id", "hour"
    ):
        held[season_id].add(hour)
    now = timezone.now()
    entries = [
        SeasonEntry(
            season=season,
            state=season.state(now),
            hours_held=len(held[season.pk]),
        )
        for season in seasons
    ]
    order = {"running": 0, "coming": 1, "over": 2}
    return sorted(entries, key=lambda e: (order[e.state], e.season.starts_on))


def hour_label(season: Season, hour: int, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """When ``hour`` of the season's clock on ``day`` begins and ends, in ``zone``."""
    return (
        season.hour_start(day, hour).astimezone(zone),
        season.hour_end(day, hour).astimezone(zone),
    )


def days_ahead(season: Season, now: datetime) -> list[date]:
    """The days of the season whose hours can still be taken."""
    return [d for d in season.days() if season.hour_start(d + timedelta(days=1), 0) > now]


def season_todos(membership: Membership) -> list[Todo]:
    """For a coordinator's home: the hours of a running season, or of one beginning within a
    week, that nobody holds on any day. Two queries."""
    now = timezone.now()
    soon = timezone.localdate() + timedelta(days=7)
    seasons = [
        s
        for s in Season.objects.filter(
            community_id=membership.community_id, starts_on__lte=soon
        ).filter(ends_on__gte=timezone.localdate() - timedelta(days=1))
        if not s.is_over(now)
    ]
    held: dict[int, set[int]] = defaultdict(set)
    for season_id, hour in SeasonHour.objects.filter(season__in=seasons).values_list(
        "season_id", "hour"
    ):
        held[season_id].add(hour)
    todos = []
    for season in seasons:
        open_hours = 24 - len(held[season.pk])
        label = ngettext(
            "%(count)d hour of “%(title)s” has nobody yet",
            "%(count)d hours of “%(title)s” have nobody yet",
            open_hours,
        ) % {"count": open_hours, "title": season.title}
        url = reverse("intercession:season", args=[membership.community.slug, season.pk])
        todos.append(Todo(label=label, count=open_hours, url=url))
    return todos
