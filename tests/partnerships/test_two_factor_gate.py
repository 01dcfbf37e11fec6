"""A coordinator without two-factor sign-in sees no sensitive partner's real data: every page
of the access matrix is fetched as that coordinator, with the matrix's partners made
sensitive and their names, families, places, requests and notes carrying canaries."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.models import User
from partnerships.models import Child, Partner
from tests.conftest import client_for
from tests.test_url_matrix import COORDINATOR, MATRIX, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:
    return build_world()


CANARY = "Qzcanary"


def make_sensitive(world: World) -> None:
    for n, partner in enumerate((world.partner, world.other_partner)):
        Partner.objects.filter(pk=partner.pk).update(
            sensitive=True,
            alias=f"A. in Central Asia {n}",
            name=f"Yusuf {CANARY}name{n}",
            spouse_name=f"{CANARY}spouse",
            location=f"{CANARY}place",
            life_notes=f"{CANARY}life",
            organisation=f"{CANARY}org",
        )
        Child.objects.create(partner=partner, name=f"{CANARY}child", birth_year=2016)
        partner.requests.update(text=f"Favour at the {CANARY}request office")
    # The sensitive partner's own account carries their real name and address too.
    User.objects.filter(partner_profiles=world.partner).update(
        name=f"Yusuf {CANARY}account", email=f"{CANARY.lower()}@example.org"
    )
    world.testimony.__class__.objects.filter(
        partner__in=[world.partner, world.other_partner]
    ).update(title=f"{CANARY}title", story=f"{CANARY}story")


def pages_showing_the_canary(world: World) -> list[str]:
    client = client_for(world.users[COORDINATOR])
    shown = []
    for name, case in sorted(MATRIX.items()):
        if case.method != "GET":
            continue
        url = reverse(name, kwargs=case.kwargs(world))
        response = client.get(url, case.data(world))
        assert response.status_code < 500, f"{url}: {response.status_code}"
        body = b"".join(response) if response.streaming else response.content
        if CANARY.encode() in body:
            shown.append(url)
    return shown


def test_without_two_factor_a_coordinator_sees_no_sensitive_partners_real_data(world):
    make_sensitive(world)
    shown = pages_showing_the_canary(world)
    assert not shown, "\n".join(shown)


def test_with_two_factor_on_the_coordinator_sees_them(world):
    make_sensitive(world)
    Authenticator.objects.create(
        user=world.coordinator, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    shown = pages_showing_the_canary(world)
    partner_page = reverse(
        "partnerships:partner", kwargs={"slug": world.slug, "pk": world.partner.pk}
    )
    assert partner_page in shown and len(shown) >= 5


def test_a_community_may_leave_it_to_its_coordinators(world):
    make_sensitive(world)
    world.community.two_factor_for_sensitive = False
    world.community.save()
    assert len(pages_showing_the_canary(world)) >= 5


def test_the_coordinator_is_told_how_to_see_them(world):
    make_sensitive(world)
    client = client_for(world.users[COORDINATOR])
    for name, kwargs in [
        ("partnerships:partner", {"slug": world.slug, "pk": world.partner.pk}),
        ("overview:request", {"slug": world.slug, "pk": world.request.pk}),
        ("partnerships:checkin", {"slug": world.slug, "pk": world.checkin.pk}),
        ("testimonies:testimony", {"slug": world.slug, "pk": world.testimony.pk}),
    ]:
        response = client.get(reverse(name, kwargs=kwargs))
        page = response.content.decode()
        assert response.status_code == 403, name
        assert "Turn on two-factor sign-in to see A. in Central Asia 0" in page, name
        assert reverse("mfa_activate_totp") in page
    listing = client.get(reverse("partnerships:partner_list", kwargs={"slug": world.slug}))
    page = listing.content.decode()
    assert "2 security-sensitive partners (A. in Central Asia 0, A. in Central Asia 1)" in page
    assert page.count("Turn on two-factor sign-in to see this partner.") == 2
    # A partner of another community is still simply not found.
    other = Partner.objects.create(
        community=world.other_member.community.__class__.objects.exclude(
            pk=world.community.pk
        ).first(),
        name=f"{CANARY}elsewhere",
        kind="missionary",
        time_zone="UTC",
        sensitive=True,
        alias="B. elsewhere",
    )
    assert (
        client.get(
            reverse("partnerships:partner", kwargs={"slug": world.slug, "pk": other.pk})
        ).status_code
        == 404
    )


def test_the_coordinator_it_holds_back_cannot_switch_it_off_or_step_around_it(world):
    """Nor can a stolen password: switching the rule off takes two-factor; so do editing a
    group that prays for a sensitive partner and stepping down to intercessor."""
    from partnerships.models import AuditEvent, Membership

    make_sensitive(world)
    client = client_for(world.users[COORDINATOR])
    settings_url = reverse("partnerships:community_settings", kwargs={"slug": world.slug})
    form = {"name": world.community.name, "kind": world.community.kind, "time_zone": "UTC"}
    page = client.post(settings_url, form).content.decode()
    assert "Only a coordinator who signs in with two-factor can switch this off." in page
    world.community.refresh_from_db()
    assert world.community.two_factor_for_sensitive
    group_edit = reverse(
        "intercession:group_edit", kwargs={"slug": world.slug, "pk": world.group.pk}
    )
    assert client.get(group_edit).status_code == 403
    own = Membership.objects.get(user=world.coordinator, community=world.community)
    step_down = reverse("partnerships:member_edit", kwargs={"slug": world.slug, "pk": own.pk})
    assert client.post(step_down, {"role": "intercessor"}).status_code == 403
    own.refresh_from_db()
    assert own.role == "coordinator"
    new_group = client.get(reverse("intercession:group_create", kwargs={"slug": world.slug}))
    offered = new_group.context["form"].fields["partners"].queryset
    assert not offered.filter(sensitive=True).exists()  # not offered to adopt
    # With two-factor on, the rule can be switched off, and that is in the audit trail.
    Authenticator.objects.create(
        user=world.coordinator, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert client.post(settings_url, form).status_code == 302
    world.community.refresh_from_db()
    assert not world.community.two_factor_for_sensitive
    event = AuditEvent.objects.get(partner=None)
    assert (event.user, event.action) == (world.coordinator, "changed")
    assert event.what.endswith(": off")


def test_testimony_notices_leave_out_sensitive_partners_until_two_factor(world):
    from testimonies.models import TestimonyNotice

    make_sensitive(world)
    TestimonyNotice.objects.create(testimony=world.testimony, user=world.coordinator)
    client = client_for(world.users[COORDINATOR])
    url = reverse("testimonies:notifications")
    assert CANARY not in client.get(url).content.decode()
    Authenticator.objects.create(
        user=world.coordinator, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert CANARY in client_for(world.users[COORDINATOR]).get(url).content.decode()
