"""The weekly group reminder in each member's own time: at their morning of the meeting day,
showing the meeting at their time and, where the clocks differ, at the group's."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from accounts.models import User
from intercession.models import GroupReminder
from notifications import dispatch, schedule
from notifications.models import Delivery, Preference
from notifications.send import send_batch
from partnerships.models import Membership, Role
from tests.factories import make_community, make_group, make_member, make_partner, make_request
from tests.notifications.test_reminder_dispatch import ZONES, expected_instant, transitions

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _send_when_asked(monkeypatch):
    monkeypatch.setattr("notifications.tasks.enqueue_deliveries", lambda ids: None)


def tick(at: datetime) -> list[int]:
    with time_machine.travel(at, tick=False):
        ids = dispatch.dispatch_due(at)
        assert send_batch(ids) == []
    return ids


@pytest.fixture
def tuesday():
    """A group meeting on Tuesdays at 19:30 in London, with a member in London and one in
    Tokyo; nobody wants any other email."""
    community = make_community(time_zone="Europe/London")
    london = make_member(community, Role.INTERCESSOR, name="Lena Ward", time_zone="Europe/London")
    tokyo = make_member(community, Role.INTERCESSOR, name="Aiko Sato", time_zone="Asia/Tokyo")
    for user in (london, tokyo):
        Preference.objects.create(
            user=user, daily_enabled=False, checkin_digest_enabled=False, testimony_enabled=False
        )
    partner = make_partner(community, name="Tomasz Nowak")
    make_request(partner, text="Favour at the visa office")
    group = make_group(
        community,
        members=[london, tokyo],
        partners=[partner],
        name="Tuesday Evening",
        weekday=1,
        meeting_time=time(19, 30),
        time_zone="Europe/London",
    )
    return {"group": group, "london": london, "tokyo": tokyo}


def message_to(user):
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return message


def test_each_member_hears_at_their_own_morning_and_sees_their_own_time(tuesday):
    # Winter: London is on UTC, Tokyo nine hours ahead.
    sunday = datetime(2027, 1, 3, 12, 0, tzinfo=UTC)
    tick(sunday)
    # Tuesday 19:30 in London is Wednesday 04:30 in Tokyo: early there, so Tuesday 19:00 in
    # Tokyo; the London member hears at 07:00 on Tuesday.
    reminders = {r.user_id: r.next_at for r in GroupReminder.objects.all()}
    tokyo_at = datetime(2027, 1, 5, 19, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    london_at = datetime(2027, 1, 5, 7, 0, tzinfo=LONDON)
    assert reminders == {tuesday["tokyo"].pk: tokyo_at, tuesday["london"].pk: london_at}

    tick(london_at + timedelta(seconds=30))
    message = message_to(tuesday["london"])
    assert message.subject == "Tuesday Evening meets Tuesday at 19:30"
    assert "where the group meets" not in message.body
    # 07:00 in London is 16:00 in Tokyo: not yet the Tokyo member's time.
    assert len(mail.outbox) == 1

    tick(tokyo_at - timedelta(minutes=1))
    assert len(mail.outbox) == 1
    tick(tokyo_at + timedelta(seconds=30))
    message = message_to(tuesday["tokyo"])
    assert message.subject == "Tuesday Evening meets Wednesday at 04:30"
    for body in (message.body, message.alternatives[0][0]):
        assert "Wednesday 6 January, 04:30" in body and "Tokyo time" in body
        assert "Tuesday 19:30 in London, where the group meets" in body
    # One each, and the next one is next week's.
    assert Delivery.objects.filter(kind="weekly").count() == 2
    assert GroupReminder.objects.get(user=tuesday["tokyo"]).next_at == tokyo_at + timedelta(days=7)


def test_summer_moves_the_meeting_an_hour_for_the_member_in_tokyo(tuesday):
    # British Summer Time: 19:30 in London is 03:30 on Wednesday in Tokyo.
    tick(datetime(2027, 7, 4, 12, 0, tzinfo=UTC))
    tokyo_at = datetime(2027, 7, 6, 19, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert GroupReminder.objects.get(user=tuesday["tokyo"]).next_at == tokyo_at
    tick(tokyo_at + timedelta(seconds=30))
    assert message_to(tuesday["tokyo"]).subject == "Tuesday Evening meets Wednesday at 03:30"


def test_a_member_who_moves_hears_at_the_new_places_morning(tuesday):
    sunday = datetime(2027, 1, 3, 12, 0, tzinfo=UTC)
    tick(sunday)
    User.objects.filter(pk=tuesday["tokyo"].pk).update(time_zone="America/New_York")
    tick(sunday + timedelta(minutes=1))
    # Tuesday 19:30 in London is 14:30 in New York: 07:00 that Tuesday there.
    reminder = GroupReminder.objects.get(user=tuesday["tokyo"])
    assert reminder.next_at == datetime(2027, 1, 5, 7, 0, tzinfo=ZoneInfo("America/New_York"))
    assert reminder.time_zone == "America/New_York"


def test_paused_groups_and_members_who_left_hear_nothing(tuesday):
    sunday = datetime(2027, 1, 3, 12, 0, tzinfo=UTC)
    tick(sunday)
    tuesday["group"].members.remove(tuesday["tokyo"])
    Membership.objects.filter(user=tuesday["london"]).update(role=Role.PARTNER)
    tick(datetime(2027, 1, 5, 19, 30, tzinfo=UTC))
    assert not mail.outbox
    assert not GroupReminder.objects.filter(user=tuesday["tokyo"]).exists()
    Membership.objects.filter(user=tuesday["london"]).update(role=Role.INTERCESSOR)
    tuesday["group"].paused = True
    tuesday["group"].save()
    tick(datetime(2027, 1, 12, 19, 30, tzinfo=UTC))
    assert not mail.outbox


# In the DST matrix: a member in each zone, over both changes of their clocks in a year, with
# the group meeting on the day of the change in London: one a week, at 07:00 their time on the
# meeting's day there (or 19:00 the evening before), none skipped or doubled.
@pytest.mark.parametrize("zone_name", sorted(ZONES))
def test_one_a_week_at_the_members_morning_across_the_changes_of_the_clocks(zone_name):
    zone = ZoneInfo(zone_name)
    for transition in transitions(zone_name, 2026) or [date(2026, 3, 29)]:
        community = make_community(time_zone="Europe/London")
        user = make_member(community, Role.INTERCESSOR, time_zone=zone_name)
        Preference.objects.create(user=user, daily_enabled=False, checkin_digest_enabled=False)
        partner = make_partner(community)
        make_request(partner)
        group = make_group(
            community,
            members=[user],
            partners=[partner],
            weekday=transition.weekday(),
            meeting_time=time(12, 0),
            time_zone="Europe/London",
        )
        start = schedule.wall_clock(transition - timedelta(days=8), time(0, 0), zone)
        end = schedule.wall_clock(transition + timedelta(days=9), time(0, 0), zone)
        now = start.astimezone(UTC)
        while now < end:
            with time_machine.travel(now, tick=False):
                dispatch.dispatch_due(now)
            local = now.astimezone(zone)
            near = min(abs(local.hour * 60 + local.minute - h * 60) for h in (7, 19)) <= 60
            now += timedelta(minutes=10) if near else timedelta(hours=1)
        deliveries = list(Delivery.objects.filter(user=user, kind="weekly").order_by("due_at"))
        meetings = [
            schedule.wall_clock(transition + timedelta(days=d), time(12, 0), LONDON)
            for d in (-7, 0, 7)
        ]
        assert len(deliveries) == 3, [d.due_at for d in deliveries]
        for delivery, meeting in zip(deliveries, meetings, strict=True):
            local = meeting.astimezone(zone)
            if local.time() >= time(9, 0):
                day, at = local.date(), time(7, 0)
            else:
                day, at = local.date() - timedelta(days=1), time(19, 0)
            assert delivery.due_at.timestamp() == expected_instant(day, at, zone)
            assert delivery.local_date == day
            assert timedelta(0) <= delivery.created_at - delivery.due_at < timedelta(minutes=10)
        GroupReminder.objects.filter(group=group).delete()
