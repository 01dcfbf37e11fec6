"""Check-ins as iCalendar data: one-off `.ics` downloads and each person's subscription feed,
to which other apps add their own events (intercession: the weekly group meetings) through
``feed_source_register``.

Calendar data leaves the app (it syncs to Google, Outlook, Apple), so a sensitive partner is
named only by alias and nothing is added that could identify them: no place, no link, no notes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from accounts.models import User
from partnerships.models import CheckIn, CheckInStatus

# Events another app puts in a person's feed: ``source(user, host)``.
FeedSource = Callable[[User, str], Iterable[Event]]
_feed_sources: list[FeedSource] = []


def feed_source_register(source: FeedSource) -> None:
    if source not in _feed_sources:
        _feed_sources.append(source)


def calendar_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "epaphras"


def _event(checkin: CheckIn, for_user, host: str) -> Event:
    partner = checkin.partner
    own = for_user is not None and partner.user_id == for_user.pk
    if own and partner.sensitive:
        # On the partner's own phone, not even the community that prays for them.
        summary = "Check-in"
    elif own:
        summary = f"Check-in with {partner.community.name}"
    else:
        summary = f"Check-in with {partner.public_name}"
    url = settings.SITE_URL + reverse(
        "partnerships:checkin", kwargs={"slug": partner.community.slug, "pk": checkin.pk}
    )
    event = Event()
    event.add("uid", f"checkin-{checkin.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", checkin.starts_at.astimezone(UTC))
    event.add("dtend", checkin.ends_at.astimezone(UTC))
    event.add("summary", summary)
    event.add("sequence", checkin.sequence)
    event.add("status", "CANCELLED" if checkin.status == CheckInStatus.CANCELLED else "CONFIRMED")
    if not (own and partner.sensitive):
        event.add("url", url)
    lines = [checkin.get_mode_display()]
    if not partner.sensitive:
        if checkin.place:
            event.add("location", checkin.place)
        elif checkin.link:
            event.add("location", checkin.link)
        if checkin.link:
            lines.append(checkin.link)
    if not (own and partner.sensitive):
        lines.append(f"Details: {url}")
    event.add("description", "\n".join(lines))
    return event


def checkin_calendar(
    checkins: Iterable[CheckIn], *, for_user=None, name: str = "", feed: bool = False
) -> bytes:
    """The check-ins as a calendar; as a person's ``feed``, with the events the other apps
    add for them, each recurring one in its own time zone."""
    host = calendar_host()
    calendar = Calendar()
    calendar.add("prodid", "-//Epaphras//Check-ins//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for checkin in checkins:
        calendar.add_component(_event(checkin, for_user, host))
    if feed and for_user is not None:
        for source in _feed_sources:
            for event in source(for_user, host):
                calendar.add_component(event)
        # Events in a local time carry their zone's rules (VTIMEZONE), as RFC 5545 asks.
        calendar.add_missing_timezones()
    return calendar.to_ical()
