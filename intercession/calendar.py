"""The weekly group meetings in each member's calendar feed: one weekly recurring event per
group, at the group's wall-clock time in the group's own time zone, so that a member elsewhere
sees it at their own time, across changes of the clocks on either side. Registered with the
feed in ``IntercessionConfig.ready()``. Like every calendar event it names no partner."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Event, vRecur

from accounts.models import User
from intercession.models import IntercessorGroup
from partnerships.models import PRAYING_ROLES

MEETING_LENGTH = timedelta(hours=1)
BYDAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def group_events(user: User, host: str) -> list[Event]:
    """The groups this person meets with: not paused, in a community where they still pray."""
    groups = (
        IntercessorGroup.objects.filter(
            members=user,
            paused=False,
            community__memberships__user=user,
            community__memberships__role__in=PRAYING_ROLES,
        )
        .select_related("community")
        .order_by("pk")
    )
    events = []
    for group in groups:
        zone = ZoneInfo(group.time_zone)
        today = timezone.localdate(timezone=zone)
        # The series starts at the latest meeting day on or before today.
        first = today - timedelta(days=(today.weekday() - group.weekday) % 7)
        start = datetime.combine(first, group.meeting_time, tzinfo=zone)
        event = Event()
        event.add("uid", f"group-{group.pk}@{host}")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", start)
        event.add("dtend", start + MEETING_LENGTH)
        event.add("rrule", vRecur(freq="WEEKLY", byday=BYDAY[group.weekday]))
        event.add("summary", f"{group.name} (prayer group)")
        if group.place:
            event.add("location", group.place)
        elif group.link:
            event.add("location", group.link)
        url = settings.SITE_URL + reverse(
            "intercession:group", kwargs={"slug": group.community.slug, "pk": group.pk}
        )
        event.add("url", url)
        event.add("description", "\n".join(filter(None, [group.link, f"Details: {url}"])))
        events.append(event)
    return events
