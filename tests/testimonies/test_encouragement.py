"""The partner's weekly encouragement: who carried them, how often, what they shared and what
was answered, on the day the partner chose, at eight in the morning their time."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intercession.models import PrayerLog
from notifications import dispatch, schedule
from notifications.models import Delivery, DeliveryStatus, Preference
from notifications.send import send_batch
from notifications.tokens import unsubscribe_token
from partnerships.models import Role
from tests.conftest import client_for
from tests.factories import make_community, make_member, make_partner, make_request
from tests.notifications.test_reminder_dispatch import ZONES, expected_instant, transitions

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _send_when_asked(monkeypatch):
    """The dispatcher writes the rows; each test sends them itself."""
    monkeypatch.setattr("notifications.tasks.enqueue_deliveries", lambda ids: None)


def dispatch_and_send(at: datetime) -> list[Delivery]:
    with time_machine.travel(at, tick=False):
        ids = dispatch.dispatch_due(at)
        assert send_batch(ids) == []
    return list(Delivery.objects.filter(pk__in=ids, kind="encouragement"))


def due_now(user, weekday_offset: int = 0) -> datetime:
    """Make the person's encouragement due a minute from now; returns the instant just after."""
    pref = Preference.objects.get_or_create(user=user)[0]
    due = timezone.now() + timedelta(minutes=1)
    pref.encouragement_next_at = due
    pref.save()
    return due + timedelta(seconds=30)


def encouragement_to(user):
    (message,) = [
        m
        for m in mail.outbox
        if m.to == [user.email] and m.extra_headers["X-Epaphras-Kind"] == "encouragement"
    ]
    return message


def test_a_partner_hears_who_carried_them_how_often_and_what_was_answered(
    story, partner, intercessor, coordinator
):
    hall = story["hall"]
    PrayerLog.objects.create(
        user=story["ruth"],
        partner=story["tomasz"],
        request=hall,
        note="Praying Psalm 121 over your family this week.",
        shared_with_partner=True,
    )
    PrayerLog.objects.create(
        user=intercessor,
        partner=story["tomasz"],
        note="A private note, not shared.",
    )
    # A prayer from before the week is not counted.
    old = PrayerLog.objects.create(user=coordinator, partner=story["tomasz"])
    PrayerLog.objects.filter(pk=old.pk).update(prayed_at=timezone.now() - timedelta(days=8))

    (delivery,) = dispatch_and_send(due_now(partner))

    assert delivery.status == DeliveryStatus.SENT
    message = encouragement_to(partner)
    assert message.subject == "You were carried in prayer this week"
    html = message.alternatives[0][0]
    for body in (message.body, html):
        # 12 + 3 from the story, the shared note and the private one: 17 by 2 people.
        assert "17 prayers for you" in body
        assert "2 people" in body
        assert "Daniel" in body and "Ruth" in body
        assert "Grace" not in body  # prayed, but eight days ago
        assert "Praying Psalm 121 over your family this week." in body
        assert "A private note" not in body
        assert "A hall for Sunday gatherings" in body  # answered today
        assert reverse("testimonies:my_corner") in body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Only the partner gets one: intercessors and coordinators are not its audience.
    assert Delivery.objects.filter(kind="encouragement").count() == 1


def test_a_week_without_prayer_sends_nothing(community, partner):
    make_partner(community, name="Quiet Partner", user=partner)
    (delivery,) = dispatch_and_send(due_now(partner))
    assert delivery.status == DeliveryStatus.SKIPPED
    assert not mail.outbox


def test_an_ended_partnership_gets_no_encouragement(story, partner):
    story["tomasz"].status = "ended"
    story["tomasz"].save()
    assert dispatch_and_send(due_now(partner)) == []
    assert not mail.outbox


def test_the_link_opens_the_partners_own_corner(story, partner, intercessor):
    response = client_for(partner).get(reverse("testimonies:my_corner"))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "testimonies:corner", args=[story["tomasz"].community.slug]
    )
    # Someone who is nobody's partner goes home.
    response = client_for(intercessor).get(reverse("testimonies:my_corner"))
    assert response["Location"] == reverse("partnerships:home")


def test_one_click_unsubscribe_stops_only_the_encouragement(partner):
    token = unsubscribe_token(user_id=partner.pk, kind="encouragement")
    response = client_for(None).post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 200
    pref = Preference.objects.get(user=partner)
    assert not pref.encouragement_enabled and pref.testimony_enabled


def test_the_partner_chooses_the_day_and_it_comes_at_eight_their_time(story, partner):
    url = reverse("notifications:reminder_settings")
    client = client_for(partner)
    page = client.get(url).content.decode()
    assert "Tell me each week who carried me in prayer" in page
    response = client.post(
        url,
        {
            "time_zone": "Asia/Tokyo",
            "testimony_enabled": "on",
            "encouragement_enabled": "on",
            "encouragement_weekday": "3",
        },
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=partner)
    next_at = pref.encouragement_next_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert (next_at.weekday(), next_at.time()) == (3, time(8, 0))
    assert timedelta(0) < next_at - timezone.now() <= timedelta(days=7)


def test_a_day_that_is_not_a_day_is_refused_and_nothing_changes(story, partner):
    before = Preference.objects.get_or_create(user=partner)[0].encouragement_next_at
    response = client_for(partner).post(
        reverse("notifications:reminder_settings"),
        {"time_zone": "Asia/Tokyo", "encouragement_enabled": "on", "encouragement_weekday": "9"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Preference.objects.get(user=partner).encouragement_next_at == before


def test_intercessors_are_not_offered_it(intercessor):
    page = client_for(intercessor).get(reverse("notifications:reminder_settings"))
    assert "encouragement_weekday" not in page.content.decode()


# In the DST matrix: every zone, over both changes of the clocks of a year, with the partner's
# day the day the clocks change: one a week, at 08:00 local, none skipped or doubled.
@pytest.mark.parametrize("zone_name", sorted(ZONES))
def test_one_a_week_at_eight_across_the_changes_of_the_clocks(zone_name):
    zone = ZoneInfo(zone_name)
    days = transitions(zone_name, 2026) or [date(2026, 3, 29)]
    for transition in days:
        community = make_community(time_zone=zone_name)
        user = make_member(community, Role.PARTNER, time_zone=zone_name)
        tomasz = make_partner(community, user=user, time_zone=zone_name)
        request = make_request(tomasz)
        start = schedule.wall_clock(transition - timedelta(days=7), time(0, 0), zone)
        Preference.objects.create(
            user=user,
            daily_enabled=False,
            checkin_digest_enabled=False,
            encouragement_weekday=transition.weekday(),
            encouragement_next_at=schedule.next_weekly(
                transition.weekday(), schedule.ENCOURAGEMENT_TIME, zone, start
            ),
        )
        now = start.astimezone(UTC)
        end = schedule.wall_clock(transition + timedelta(days=8), time(0, 0), zone)
        while now < end:
            # Someone prays every day, so every week has something to tell.
            with time_machine.travel(now, tick=False):
                if now.astimezone(zone).hour == 0:
                    PrayerLog.objects.create(user=user, partner=tomasz, request=request)
                dispatch.dispatch_due(now)
            # Every ten minutes within an hour of 08:00 local, hourly elsewhere.
            local = now.astimezone(zone)
            near = abs(local.hour * 60 + local.minute - 8 * 60) <= 60
            now += timedelta(minutes=10) if near else timedelta(hours=1)
        deliveries = list(
            Delivery.objects.filter(user=user, kind="encouragement").order_by("due_at")
        )
        expected = [transition - timedelta(days=7), transition, transition + timedelta(days=7)]
        assert [d.local_date for d in deliveries] == expected
        for delivery in deliveries:
            assert delivery.due_at.timestamp() == expected_instant(
                delivery.local_date, schedule.ENCOURAGEMENT_TIME, zone
            )
            assert timedelta(0) <= delivery.created_at - delivery.due_at < timedelta(minutes=10)
