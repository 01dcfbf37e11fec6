"""A member in Tokyo of a group that meets in London: the weekly email comes on her own
evening before, with the meeting at her time and at the group's, and the meeting is in her
calendar feed as a weekly event in London's time zone."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from icalendar import Calendar
from playwright.sync_api import expect

from notifications import dispatch
from notifications.models import Preference
from notifications.send import send_batch
from partnerships.models import Role
from tests.browser.conftest import signed_in
from tests.factories import make_community, make_group, make_member, make_partner, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UTC = ZoneInfo("UTC")


def test_a_member_in_another_zone_sees_the_meeting_at_her_own_time(
    new_page, screenshot, monkeypatch
):
    community = make_community(name="Riverside House of Prayer", time_zone="Europe/London")
    aiko = make_member(community, Role.INTERCESSOR, name="Aiko Sato", time_zone="Asia/Tokyo")
    Preference.objects.create(user=aiko, daily_enabled=False, checkin_digest_enabled=False)
    tomasz = make_partner(community, name="Tomasz Nowak")
    make_request(tomasz, text="Favour at the visa office")
    make_group(
        community,
        members=[aiko],
        partners=[tomasz],
        name="Tuesday Evening",
        weekday=1,
        meeting_time=time(19, 30),
        time_zone="Europe/London",
        place="The prayer room",
    )
    monkeypatch.setattr("notifications.tasks.enqueue_deliveries", lambda ids: None)
    # The Sunday before, then her Tuesday 19:00 in Tokyo (the meeting is 04:30 her Wednesday).
    for at in (
        datetime(2027, 1, 3, 12, 0, tzinfo=UTC),
        datetime(2027, 1, 5, 19, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
    ):
        with time_machine.travel(at, tick=False):
            assert send_batch(dispatch.dispatch_due(at)) == []
    (message,) = mail.outbox
    assert message.subject == "Tuesday Evening meets Wednesday at 04:30"

    inbox = new_page()
    inbox.set_content(message.alternatives[0][0])
    expect(inbox.get_by_text("Wednesday 6 January, 04:30")).to_be_visible()
    expect(inbox.get_by_text("Tuesday 19:30 in London, where the group meets")).to_be_visible()
    screenshot(inbox, "email-weekly-elsewhere-phone")

    # Her calendar: she makes the address and her calendar app reads it.
    page = new_page()
    signed_in(page, aiko)
    page.goto("/calendar/")
    page.get_by_role("button", name="Create my calendar address").click()
    feed_url = page.get_by_label("Your private calendar address").input_value()
    screenshot(page, "calendar-settings-phone")
    feed = page.context.request.get(feed_url)
    assert feed.ok
    calendar = Calendar.from_ical(feed.body())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Tuesday Evening (prayer group)"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].dt.time() == time(19, 30)
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["TU"]
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=1)
