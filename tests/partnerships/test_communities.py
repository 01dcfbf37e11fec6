import pytest
from django.urls import reverse

from partnerships.models import Community, Membership, Role
from tests.conftest import client_for
from tests.factories import give_two_factor, make_user

pytestmark = pytest.mark.django_db


def create(client, **data):
    form = {
        "name": "Riverside House of Prayer",
        "kind": "house_of_prayer",
        "time_zone": "America/Chicago",
    }
    form.update(data)
    return client.post(reverse("partnerships:community_create"), form)


def test_anyone_signed_in_can_start_a_community_and_becomes_its_coordinator():
    user = make_user()
    response = create(client_for(user))
    community = Community.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("partnerships:members", args=[community.slug])
    assert community.slug == "riverside-house-of-prayer"
    assert community.time_zone == "America/Chicago"
    assert Membership.objects.get(user=user, community=community).role == Role.COORDINATOR


def test_same_name_gets_its_own_address():
    Community.objects.create(name="Riverside", slug="riverside-house-of-prayer", time_zone="UTC")
    create(client_for(make_user()))
    assert Community.objects.filter(slug="riverside-house-of-prayer-2").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Give your community a name."),
        ({"name": "   "}, "Give your community a name."),
        ({"name": "x" * 101}, "Keep the name to 100 characters or fewer (it has 101)."),
        ({"time_zone": "Mars/Olympus_Mons"}, "Select a valid choice."),
        ({"kind": "cathedral"}, "Select a valid choice."),
    ],
)
def test_bad_community_input_is_explained_and_nothing_is_created(data, message):
    user = make_user()
    response = create(client_for(user), **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Community.objects.exists()
    assert not Membership.objects.exists()


def test_coordinator_edits_settings(coordinator, coordinator_client, community):
    give_two_factor(coordinator)  # else the two-factor rule cannot be switched off
    url = reverse("partnerships:community_settings", args=[community.slug])
    assert "two-factor sign-in before sensitive partners" in (
        coordinator_client.get(url).content.decode().lower()
    )
    response = coordinator_client.post(
        url, {"name": "Riverside HOP", "kind": "prayer_room", "time_zone": "Asia/Kolkata"}
    )
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.name, community.kind, community.time_zone) == (
        "Riverside HOP",
        "prayer_room",
        "Asia/Kolkata",
    )
    # The safeguard is a checkbox, on for a new community: left unticked, it is off.
    assert not community.two_factor_for_sensitive
    coordinator_client.post(
        url,
        {
            "name": "Riverside HOP",
            "kind": "prayer_room",
            "time_zone": "Asia/Kolkata",
            "two_factor_for_sensitive": "on",
        },
    )
    community.refresh_from_db()
    assert community.two_factor_for_sensitive


def test_invalid_settings_change_nothing(coordinator_client, community):
    url = reverse("partnerships:community_settings", args=[community.slug])
    response = coordinator_client.post(
        url, {"name": "Renamed", "kind": "prayer_room", "time_zone": "Nowhere/Land"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    community.refresh_from_db()
    assert community.name == "Riverside House of Prayer"


def test_home_sends_members_to_their_community(intercessor_client, community):
    response = intercessor_client.get(reverse("partnerships:home"))
    assert response["Location"] == reverse("partnerships:community", args=[community.slug])


def test_home_welcomes_people_without_a_community():
    response = client_for(make_user()).get(reverse("partnerships:home"))
    assert "You are not part of a prayer community yet" in response.content.decode()


def test_switching_communities_remembers_the_last_one(community, other_community):
    user = make_user()
    Membership.objects.create(user=user, community=community, role=Role.COORDINATOR)
    Membership.objects.create(user=user, community=other_community, role=Role.INTERCESSOR)
    client = client_for(user)
    page = client.get(reverse("partnerships:community", args=[other_community.slug]), follow=True)
    html = page.content.decode()
    # The menu offers the other community, with the role held there.
    assert reverse("partnerships:community", args=[community.slug]) in html
    assert "Switch community" in html
    home = client.get(reverse("partnerships:home"))
    assert home["Location"] == reverse("partnerships:community", args=[other_community.slug])
    client.get(reverse("partnerships:community", args=[community.slug]))
    home = client.get(reverse("partnerships:home"))
    assert home["Location"] == reverse("partnerships:community", args=[community.slug])


def test_navigation_fits_the_role(coordinator_client, intercessor_client, community):
    members_url = reverse("partnerships:members", args=[community.slug])
    home = reverse("partnerships:community", args=[community.slug])
    assert members_url in coordinator_client.get(home).content.decode()
    assert members_url not in intercessor_client.get(home).content.decode()


def test_coordinator_without_two_factor_is_nudged(
    coordinator_client, intercessor_client, community
):
    home = reverse("partnerships:community", args=[community.slug])
    assert reverse("mfa_activate_totp") in coordinator_client.get(home).content.decode()
    assert reverse("mfa_activate_totp") not in intercessor_client.get(home).content.decode()


def test_nudge_stops_once_two_factor_is_on(coordinator, coordinator_client, community):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=coordinator, type=Authenticator.Type.TOTP, data={})
    home = reverse("partnerships:community", args=[community.slug])
    assert reverse("mfa_activate_totp") not in coordinator_client.get(home).content.decode()


def test_opening_a_page_again_does_not_write_the_session(coordinator_client, community):
    """The community being worked in is remembered once, not rewritten by every page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("partnerships:partner_list", args=[community.slug])
    coordinator_client.get(url)
    assert coordinator_client.session["epaphras_community"] == community.pk
    with CaptureQueriesContext(connection) as queries:
        assert coordinator_client.get(url).status_code == 200
    writes = [
        q["sql"] for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]
    ]
    assert writes == []
