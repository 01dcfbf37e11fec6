"""Calendar files and feeds: valid, private, and silent about sensitive partners."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from partnerships.models import CalendarFeed, Role
from tests.conftest import client_for
from tests.factories import give_two_factor, make_checkin, make_member, make_partner, make_request

pytestmark = pytest.mark.django_db

CANARIES = [
    "CANARY-NAME-Zarina",
    "CANARY-LOCATION-Khujand",
    "CANARY-REQUEST-visa-denied",
    "CANARY-PLACE-teahouse",
    "CANARY-NOTES-house-church",
    "CANARY-LINK",
]


@pytest.fixture
def sensitive(community):
    partner = make_partner(
        community,
        name="CANARY-NAME-Zarina Karimova",
        location="CANARY-LOCATION-Khujand",
        sensitive=True,
        alias="Z. in Central Asia",
        spouse_name="CANARY-NAME-spouse",
        life_notes="CANARY-NAME notes",
    )
    make_request(partner, text="CANARY-REQUEST-visa-denied, pray")
    return partner


def feed_url(client, user) -> str:
    client.post(reverse("partnerships:calendar_feed_create"))
    return reverse("partnerships:calendar_feed", args=[CalendarFeed.objects.get(user=user).token])


def test_feed_lists_my_check_ins_for_calendar_apps(coordinator, coordinator_client, community):
    mine = make_checkin(make_partner(community, name="Marcus Bell"), place="Bakery")
    mine.attendees.add(coordinator)
    make_checkin(make_partner(community, name="Not Mine"))
    url = feed_url(coordinator_client, coordinator)
    response = client_for(None).get(url)  # calendar apps are not signed in
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Check-in with Marcus Bell"]


def test_partner_feed_shows_their_own_check_ins(community):
    user = make_member(community, Role.PARTNER)
    partner = make_partner(community, user=user)
    make_checkin(partner)
    client = client_for(user)
    events = Calendar.from_ical(client_for(None).get(feed_url(client, user)).content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [f"Check-in with {community.name}"]


def test_replaced_or_revoked_feed_address_stops_working(coordinator, coordinator_client):
    old = feed_url(coordinator_client, coordinator)
    new = feed_url(coordinator_client, coordinator)
    assert old != new
    assert client_for(None).get(old).status_code == 404
    assert client_for(None).get(new).status_code == 200
    coordinator_client.post(reverse("partnerships:calendar_feed_revoke"))
    assert client_for(None).get(new).status_code == 404


def test_wrong_feed_token_is_not_found(client):
    assert client.get(reverse("partnerships:calendar_feed", args=["nope"])).status_code == 404


def test_feed_stops_when_the_member_leaves_the_community(coordinator, community, other_community):
    partner = make_partner(community)
    make_checkin(partner).attendees.add(coordinator)
    url = feed_url(client_for(coordinator), coordinator)
    coordinator.memberships.filter(community=community).delete()
    events = Calendar.from_ical(client_for(None).get(url).content).walk("VEVENT")
    assert events == []


def test_sensitive_partner_canaries_never_reach_calendar_data(
    coordinator, coordinator_client, community, sensitive
):
    give_two_factor(coordinator)
    checkin = make_checkin(
        sensitive,
        place="CANARY-PLACE-teahouse",
        link="https://meet.example.org/CANARY-LINK",
        notes="CANARY-NOTES-house-church",
    )
    checkin.attendees.add(coordinator)
    held = make_checkin(
        sensitive, starts_in_days=-30, status="held", notes="CANARY-NOTES-house-church"
    )
    held.attendees.add(coordinator)
    partner_user = make_member(community, Role.PARTNER)
    sensitive.user = partner_user
    sensitive.save()
    outputs = [
        coordinator_client.get(
            reverse("partnerships:checkin_ics", args=[community.slug, checkin.pk])
        ).content,
        coordinator_client.get(
            reverse("partnerships:checkin_ics", args=[community.slug, held.pk])
        ).content,
        client_for(None).get(feed_url(coordinator_client, coordinator)).content,
        client_for(None).get(feed_url(client_for(partner_user), partner_user)).content,
    ]
    for output in outputs:
        text = output.decode()
        # Unfold long lines the way calendar apps read them before looking for canaries.
        text = text.replace("\r\n ", "")
        assert "BEGIN:VEVENT" in text
        for canary in CANARIES:
            assert canary not in text, canary
    assert "Z. in Central Asia" in outputs[0].decode().replace("\r\n ", "")


def test_a_sensitive_partners_own_calendar_names_nobody(community):
    user = make_member(community, Role.PARTNER)
    partner = make_partner(community, user=user, sensitive=True, alias="Z. away")
    make_checkin(partner)
    client = client_for(user)
    feed = client_for(None).get(feed_url(client, user)).content
    (event,) = Calendar.from_ical(feed).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Check-in"
    assert community.name.encode() not in feed and community.slug.encode() not in feed
