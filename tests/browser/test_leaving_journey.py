"""A coordinator on a phone ends a partnership, then deletes the partner's data after reading
what goes; an intercessor reads what deleting their account would do, and leaves."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intercession.models import PrayerLog
from partnerships.models import Child, Membership, Partner, RequestUpdate, Role
from tests.browser.conftest import DESKTOP, signed_in
from tests.factories import (
    make_checkin,
    make_community,
    make_group,
    make_member,
    make_partner,
    make_request,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_ends_a_partnership_then_deletes_the_partners_data(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    intercessor = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    tomasz = make_partner(
        community, name="Tomasz Nowak", spouse_name="Anna", location="Pune, India"
    )
    make_partner(community, name="Ruth Mensah")
    Child.objects.create(partner=tomasz, name="Micah", birth_year=2019)
    visa = make_request(tomasz, text="Favour at the visa office")
    RequestUpdate.objects.create(request=visa, text="Interview on Friday", created_by=coordinator)
    make_checkin(tomasz, starts_in_days=-20, notes="Tired after the move", status="held")
    make_checkin(tomasz, starts_in_days=9)
    make_group(community, members=[intercessor], partners=[tomasz])
    for _ in range(3):
        PrayerLog.objects.create(user=intercessor, partner=tomasz, request=visa)

    page = new_page()
    signed_in(page, coordinator)
    page.goto(f"/c/{community.slug}/partners/{tomasz.pk}/")
    page.get_by_role("link", name="End the partnership…").click()
    expect(
        page.get_by_role("heading", name="End the partnership with Tomasz Nowak?")
    ).to_be_visible()
    expect(page.get_by_text("Their scheduled check-in is cancelled.")).to_be_visible()
    screenshot(page, "partner-end-phone")
    page.get_by_role("button", name="End the partnership").click()
    expect(page.get_by_text("The partnership with Tomasz Nowak has ended.")).to_be_visible()

    page.get_by_role("link", name="Delete their data…").click()
    expect(
        page.get_by_role("heading", name="Delete everything about Tomasz Nowak?")
    ).to_be_visible()
    for said in [
        "The family: their spouse's and child's names.",
        "1 prayer request with its update.",
        "2 check-ins (one with notes).",
        "3 prayers logged for them, with their notes.",
    ]:
        expect(page.get_by_text(said)).to_be_visible()
    screenshot(page, "partner-delete-phone")
    page.get_by_label("Type “Tomasz Nowak” to delete their data").fill("Tomasz")
    page.get_by_role("button", name="Delete their data").click()
    expect(page.get_by_text("That is not “Tomasz Nowak”.")).to_be_visible()
    assert Partner.objects.filter(pk=tomasz.pk).exists()
    screenshot(page, "partner-delete-refused-phone")

    page.get_by_label("Type “Tomasz Nowak” to delete their data").fill("Tomasz Nowak")
    page.get_by_role("button", name="Delete their data").click()
    expect(page.get_by_text("Everything about Tomasz Nowak is deleted.")).to_be_visible()
    expect(page.get_by_text("Ruth Mensah")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Tomasz"))).to_have_count(0)
    assert not Partner.objects.filter(pk=tomasz.pk).exists()
    assert not PrayerLog.objects.exists()

    wide = new_page(viewport=DESKTOP)
    signed_in(wide, coordinator)
    ruth = Partner.objects.get(name="Ruth Mensah")
    ruth.status = "ended"
    ruth.save()
    wide.goto(f"/c/{community.slug}/partners/{ruth.pk}/delete/")
    expect(wide.get_by_role("heading", name="Delete everything about Ruth Mensah?")).to_be_visible()
    screenshot(wide, "partner-delete-desktop")
    wide.goto(f"/c/{community.slug}/partners/{ruth.pk}/")
    screenshot(wide, "partner-ended-desktop")


def test_an_intercessor_reads_what_goes_and_leaves_a_community(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    intercessor = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    tomasz = make_partner(community, name="Tomasz Nowak")
    make_group(community, members=[intercessor], partners=[tomasz])
    PrayerLog.objects.create(
        user=intercessor, partner=tomasz, note="Psalm 121", prayed_at=timezone.now()
    )

    for viewport, suffix in [(None, "phone"), (DESKTOP, "desktop")]:
        page = new_page() if viewport is None else new_page(viewport=viewport)
        signed_in(page, intercessor)
        page.goto("/profile/")
        screenshot(page, f"profile-leaving-{suffix}")
        page.get_by_role("link", name="Delete my account…").click()
        expect(page.get_by_role("heading", name="Delete your account?")).to_be_visible()
        expect(page.get_by_text("Your prayer keeps counting")).to_be_visible()
        screenshot(page, f"account-delete-{suffix}")
        page.goto(f"/c/{community.slug}/leave/")
        screenshot(page, f"community-leave-{suffix}")

    page.get_by_role("button", name="Leave Riverside House of Prayer").click()
    expect(page.get_by_text("You have left Riverside House of Prayer.")).to_be_visible()
    assert not Membership.objects.filter(user=intercessor).exists()
