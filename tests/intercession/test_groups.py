import pytest
from django.urls import reverse

from intercession.models import GroupMeeting, IntercessorGroup, PrayerKind, PrayerLog
from partnerships.models import Role
from tests.conftest import client_for
from tests.factories import make_group, make_member, make_partner, make_request

pytestmark = pytest.mark.django_db


def group_form(**overrides):
    data = {
        "name": "Tuesday Evening",
        "weekday": "1",
        "meeting_time": "19:30",
        "time_zone": "Europe/London",
        "place": "The prayer room",
        "link": "",
    }
    data.update(overrides)
    return data


def test_coordinator_forms_a_group_that_adopts_partners(
    coordinator, coordinator_client, community, intercessor
):
    partners = [make_partner(community) for _ in range(3)]
    response = coordinator_client.post(
        reverse("intercession:group_create", args=[community.slug]),
        group_form(
            members=[intercessor.pk, coordinator.pk],
            leader=intercessor.pk,
            partners=[p.pk for p in partners],
        ),
    )
    group = IntercessorGroup.objects.get()
    assert response["Location"] == reverse("intercession:group", args=[community.slug, group.pk])
    assert set(group.members.all()) == {intercessor, coordinator} and group.leader == intercessor
    assert set(group.partners.all()) == set(partners)


def test_more_than_five_partners_is_allowed_with_a_warning(
    coordinator_client, community, intercessor
):
    partners = [make_partner(community) for _ in range(6)]
    response = coordinator_client.post(
        reverse("intercession:group_create", args=[community.slug]),
        group_form(members=[intercessor.pk], partners=[p.pk for p in partners]),
        follow=True,
    )
    assert "That is a lot to pray for each week" in response.content.decode()
    assert IntercessorGroup.objects.get().partners.count() == 6


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weekday": "7"}, "Select a valid choice."),
        ({"weekday": "funday"}, "Select a valid choice."),
        ({"meeting_time": "25:61"}, "Enter a valid time."),
        ({"time_zone": "Moon/Tranquility"}, "Select a valid choice."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_group_input_is_explained(
    coordinator_client, community, intercessor, overrides, message
):
    response = coordinator_client.post(
        reverse("intercession:group_create", args=[community.slug]),
        group_form(members=[intercessor.pk], **overrides),
    )
    assert message in response.content.decode()
    assert not IntercessorGroup.objects.exists()


def test_leader_must_be_a_member(coordinator, coordinator_client, community, intercessor):
    response = coordinator_client.post(
        reverse("intercession:group_create", args=[community.slug]),
        group_form(members=[intercessor.pk], leader=coordinator.pk),
    )
    assert "The leader must be one of the members." in response.content.decode()
    assert not IntercessorGroup.objects.exists()


def test_people_and_partners_of_another_community_cannot_join(
    coordinator_client, community, outsider, other_community
):
    foreign_partner = make_partner(other_community)
    response = coordinator_client.post(
        reverse("intercession:group_create", args=[community.slug]),
        group_form(members=[outsider.pk], partners=[foreign_partner.pk]),
    )
    assert response.content.decode().count("Select a valid choice.") == 2
    assert not IntercessorGroup.objects.exists()


def test_intercessors_see_only_their_own_groups(community, intercessor, intercessor_client):
    mine = make_group(community, members=[intercessor], name="Mine")
    theirs = make_group(
        community, members=[make_member(community, Role.INTERCESSOR)], name="Theirs"
    )
    html = intercessor_client.get(
        reverse("intercession:group_list", args=[community.slug])
    ).content.decode()
    assert "Mine" in html and "Theirs" not in html
    assert (
        intercessor_client.get(
            reverse("intercession:group", args=[community.slug, mine.pk])
        ).status_code
        == 200
    )
    assert (
        intercessor_client.get(
            reverse("intercession:group", args=[community.slug, theirs.pk])
        ).status_code
        == 404
    )


def test_recording_the_meeting_logs_a_group_prayer_for_each_request(
    community, intercessor, intercessor_client
):
    partner = make_partner(community, name="Tomasz Nowak")
    visa, hall = make_request(partner, text="Visa"), make_request(partner, text="Hall")
    hidden = make_request(partner, text="Private", visibility="coordinators")
    group = make_group(community, members=[intercessor], partners=[partner])
    url = reverse("intercession:meeting_create", args=[community.slug, group.pk])
    form = intercessor_client.get(url).context["form"]
    assert set(form.fields["requests"].queryset) == {visa, hall}  # never coordinators-only
    response = intercessor_client.post(
        url,
        {
            "met_on": "2026-11-17",
            "attendees": [intercessor.pk],
            "requests": [visa.pk, hall.pk],
            "notes": "Good time",
        },
    )
    assert response.status_code == 302
    meeting = GroupMeeting.objects.get()
    logs = PrayerLog.objects.filter(meeting=meeting)
    assert {log.request for log in logs} == {visa, hall}
    assert all(log.kind == PrayerKind.GROUP and log.group == group for log in logs)
    assert not PrayerLog.objects.filter(request=hidden).exists()


def test_meeting_in_the_future_or_with_strangers_is_refused(
    community, intercessor, intercessor_client
):
    group = make_group(community, members=[intercessor])
    url = reverse("intercession:meeting_create", args=[community.slug, group.pk])
    response = intercessor_client.post(url, {"met_on": "2099-01-01"})
    assert "A meeting can&#x27;t be recorded before it happens." in response.content.decode()
    stranger = make_member(community, Role.INTERCESSOR)
    response = intercessor_client.post(url, {"met_on": "2026-01-01", "attendees": [stranger.pk]})
    assert "Select a valid choice." in response.content.decode()
    assert not GroupMeeting.objects.exists()


def test_members_not_in_the_group_cannot_record_its_meeting(community):
    group = make_group(community, members=[make_member(community, Role.INTERCESSOR)])
    other = client_for(make_member(community, Role.INTERCESSOR))
    url = reverse("intercession:meeting_create", args=[community.slug, group.pk])
    assert other.post(url, {"met_on": "2026-01-01"}).status_code == 404
    assert not GroupMeeting.objects.exists()


def test_group_week_shows_what_changed_since_the_last_meeting(
    coordinator_client, community, intercessor
):
    from datetime import timedelta

    from django.utils import timezone

    from partnerships.models import CheckIn, RequestUpdate
    from tests.factories import make_checkin

    partner = make_partner(community, name="Tomasz Nowak")
    group = make_group(community, members=[intercessor], partners=[partner])
    GroupMeeting.objects.create(group=group, met_on=timezone.localdate() - timedelta(days=7))
    old = make_request(
        partner, text="Older request", created_at=timezone.now() - timedelta(days=20)
    )
    make_request(partner, text="Fresh request")
    RequestUpdate.objects.create(request=old, text="Surgery moved to Friday")
    checkin = make_checkin(
        partner, starts_in_days=-2, status="held", group_summary="They found a hall!"
    )
    CheckIn.objects.filter(pk=checkin.pk).update(notes="coordinators only notes")
    html = (
        client_for(intercessor)
        .get(reverse("intercession:group", args=[community.slug, group.pk]))
        .content.decode()
    )
    assert (
        "Fresh request" in html
        and "Surgery moved to Friday" in html
        and "They found a hall!" in html
    )
    assert "coordinators only notes" not in html
