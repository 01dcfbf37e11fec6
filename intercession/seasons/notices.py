"""The reminder a quarter of an hour before someone's hour in a season of prayer, through the
same exactly-once machinery as every reminder: each ``SeasonHour`` row carries when its holder
is next reminded; the dispatcher claims it with a conditional UPDATE on that time and moves it
on before anything is written, and the ledger writes one delivery per (person, hour, day of the
season). After downtime the hour still under way is reminded of once; hours already over are
not (never a backlog).

Mail may be read by someone hostile: a sensitive partner appears by alias, with no request;
the coordinator's own words (the season's title and the day's focus) are left out when they
name a sensitive partner of the community, their place or family.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.timezones import zone_city
from intercession.models import SeasonHour
from intercession.seasons.selectors import focus_days_of, focus_of
from intercession.seasons.services import REMIND_BEFORE
from notifications import kinds
from notifications.emails import absolute
from notifications.kinds import Due, KindSpec, Message, NothingToSend
from notifications.models import Delivery, Kind
from partnerships.models import Child, Membership, Partner, Visibility
from partnerships.notices import praying

# Hours claimed in one dispatcher run, at most.
CLAIM_BATCH = 2000


def season_hours_due(now: datetime) -> Iterator[Due]:
    due = list(
        SeasonHour.objects.filter(remind_at__lte=now)
        .select_related("season")
        .order_by("remind_at")[:CLAIM_BATCH]
    )
    if not due:
        return
    members = set(
        Membership.objects.praying()
        .filter(user_id__in={h.user_id for h in due})
        .values_list("user_id", "community_id")
    )
    for season_hour in due:
        season, old = season_hour.season, season_hour.remind_at
        # The hour to remind of now: the one whose reminder time has come and which is not over
        # (after downtime, the one under way); and when the next reminder falls.
        current, following = None, None
        for day, start, end in season_hour.occurrences():
            if start - REMIND_BEFORE > now:
                following = start - REMIND_BEFORE
                break
            if end > now:
                current = day
        claimed = SeasonHour.objects.filter(pk=season_hour.pk, remind_at=old).update(
            remind_at=following
        )
        if (
            not claimed
            or current is None
            or (season_hour.user_id, season.community_id) not in (members)
        ):
            continue
        yield Due(
            kind=Kind.SEASON_HOUR,
            user_ids={season_hour.user_id},
            due_at=season.hour_start(current, season_hour.hour) - REMIND_BEFORE,
            about=season_hour.pk,
            community_id=season.community_id,
            # The season's day: one reminder per hour held and day, whatever the zones.
            local_date=current,
        )


def sensitive_words(community_id: int) -> list[str]:
    """What would identify the community's sensitive partners: their names (and each part of
    them), places, spouses' and children's names. Aliases are made to be said."""
    words: set[str] = set()
    for name, location, spouse in Partner.objects.filter(
        community_id=community_id, sensitive=True
    ).values_list("name", "location", "spouse_name"):
        for text in (name, location, spouse):
            words.add(text)
            words.update(part for part in re.split(r"[\s,;/]+", text) if len(part) >= 3)
    words.update(
        Child.objects.filter(
            partner__community_id=community_id, partner__sensitive=True
        ).values_list("name", flat=True)
    )
    return [w for w in words if w.strip()]


def names_sensitive(text: str, words: Iterable[str]) -> bool:
    folded = text.casefold()
    return any(re.search(rf"(?<!\w){re.escape(w.casefold())}(?!\w)", folded) for w in words)


def season_hour_message(delivery: Delivery, shared: object) -> Message:
    season_hour = (
        SeasonHour.objects.select_related("season__community")
        .filter(pk=delivery.about_id, user_id=delivery.user_id)
        .first()
        if delivery.about_id is not None
        else None
    )
    if season_hour is None:
        raise NothingToSend("the hour was given up")
    season, day = season_hour.season, delivery.local_date
    if delivery.topic.startswith("test-") and season_hour.remind_at is not None:
        # A test send (send_test_reminder) shows the next hour this person holds.
        day = season.day_of(season_hour.remind_at + REMIND_BEFORE)
    if day not in season_hour.days():
        raise NothingToSend("the hour is no longer held on that day")
    starts = season.hour_start(day, season_hour.hour)
    ends = season.hour_end(day, season_hour.hour)
    if timezone.now() >= ends:
        raise NothingToSend("the hour is over")
    membership = (
        Membership.objects.praying()
        .filter(user=delivery.user, community_id=season.community_id)
        .first()
    )
    if membership is None:
        raise NothingToSend("no longer praying in the community")
    membership.user = delivery.user
    words = sensitive_words(season.community_id)
    focus_days = focus_days_of(season, membership, day)
    focus = focus_days[0] if focus_days else None
    partners = [
        {
            "name": entry["partner"].public_name,
            # Only what mail may carry: no sensitive partner's words, none for coordinators only.
            "requests": []
            if entry["partner"].sensitive
            else [r.text for r in entry["requests"] if r.visibility != Visibility.COORDINATORS],
        }
        for entry in focus_of(focus_days, membership).get(day, [])
    ]
    zone = ZoneInfo(delivery.user.time_zone)
    context = {
        "title": "" if names_sensitive(season.title, words) else season.title,
        "starts": starts.astimezone(zone),
        "ends": ends.astimezone(zone),
        "zone_here": zone_city(delivery.user.time_zone),
        # The season's clock, when the reader's says something else.
        "starts_there": starts if season.time_zone != delivery.user.time_zone else None,
        "season_zone": season.time_zone,
        "zone_there": zone_city(season.time_zone),
        "day_number": (day - season.starts_on).days + 1,
        "days": season.length,
        "fasting": season_hour.fasting,
        "focus": "" if focus is None or names_sensitive(focus.focus, words) else focus.focus,
        "scripture": focus.scripture if focus is not None else "",
        "partners": partners,
        "season_url": absolute(
            reverse("intercession:season", args=[season.community.slug, season.pk])
        ),
    }
    return "intercession/email/season_hour", context, []


def season_hour_sample(user: User) -> int:
    season_hour = (
        SeasonHour.objects.filter(user=user, remind_at__isnull=False).order_by("remind_at").first()
    )
    if season_hour is None:
        raise LookupError(f"{user.email} holds no coming hour in a season of prayer.")
    return season_hour.pk


def register() -> None:
    kinds.register(
        KindSpec(
            kind=Kind.SEASON_HOUR,
            build=season_hour_message,
            about="hour",
            audience=praying,
            due=season_hours_due,
            sample=season_hour_sample,
        )
    )
