"""Weekly group meetings in each member's calendar feed: a weekly recurring event at the
group's wall-clock time in the group's zone, which a member in another zone sees at their own
time; paused groups and former members drop out."""

from datetime import time, timedelta

import pytest
from icalendar import Calendar

from partnerships.models import Membership, Role
from tests.conftest import client_for
from tests.factories import make_group, make_member, make_partner
from tests.partnerships.test_calendar import feed_url

pytestmark = pytest.mark.django_db


def feed_events(user):
    content = client_for(None).get(feed_url(client_for(user), user)).content
    return Calendar.from_ical(content)


@pytest.fixture
def tokyo(community):
    return make_member(community, Role.INTERCESSOR, name="Aiko Sato", time_zone="Asia/Tokyo")


@pytest.fixture
def tuesday(community, tokyo):
    secret = make_partner(community, name="CANARY-NAME", sensitive=True, alias="Z.")
    return make_group(
        community,
        members=[tokyo],
        partners=[secret],
        name="Tuesday Evening",
        weekday=1,
        meeting_time=time(19, 30),
        time_zone="Europe/London",
        place="The prayer room",
    )


def test_a_member_elsewhere_gets_the_meeting_weekly_in_the_groups_zone(tokyo, tuesday):
    calendar = feed_events(tokyo)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Tuesday Evening (prayer group)"
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["TU"]
    start = event["DTSTART"].dt
    assert start.tzinfo.key == "Europe/London" and start.time() == time(19, 30)
    assert start.weekday() == 1 and event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTEND"].dt - start == timedelta(hours=1)
    assert str(event["LOCATION"]) == "The prayer room"
    # The zone's rules travel with it, so a calendar in Tokyo puts each meeting at the right
    # hour on both sides of London's change of the clocks.
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    # Like every calendar event, it names no partner.
    assert b"CANARY" not in calendar.to_ical() and b"Z." not in calendar.to_ical()


def test_paused_groups_and_former_members_drop_out(community, tokyo, tuesday):
    tuesday.paused = True
    tuesday.save()
    assert feed_events(tokyo).walk("VEVENT") == []
    tuesday.paused = False
    tuesday.save()
    Membership.objects.filter(user=tokyo, community=community).delete()
    assert feed_events(tokyo).walk("VEVENT") == []


def test_people_outside_the_group_do_not_get_it(community, tuesday, intercessor):
    assert feed_events(intercessor).walk("VEVENT") == []
