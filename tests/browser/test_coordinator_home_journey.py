"""A coordinator opens the community's home on a phone, sees what needs doing now and taps
through to it; a newly invited intercessor is shown the next step; the prayer record reads by
day."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intercession.models import PrayerLog
from partnerships.models import Role
from tests.browser.conftest import DESKTOP, signed_in
from tests.factories import (
    make_checkin,
    make_community,
    make_group,
    make_member,
    make_partner,
    make_request,
    make_testimony,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_leads_to_what_needs_doing(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    grace = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    daniel = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    marcus = make_partner(community, name="Marcus Bell", spouse_name="Leah")
    amara = make_partner(community, name="Amara Osei")
    for partner in (marcus, amara):
        partner.created_at = timezone.now() - timedelta(days=75)
        partner.save()
    make_checkin(make_partner(community, name="Tomasz Nowak"), starts_in_days=4)
    make_group(community, members=[daniel], partners=[marcus])
    make_request(
        marcus, text="Wisdom for the board", review_on=timezone.localdate() - timedelta(days=2)
    )
    answered = make_request(
        marcus, text="A new warehouse lease", status="answered", answered_on=timezone.localdate()
    )
    make_testimony(answered, author=grace, title="A lease at last")
    PrayerLog.objects.create(user=daniel, partner=marcus, request=answered, note="Thank you!")

    page = new_page()
    signed_in(page, grace)
    page.goto(f"/c/{community.slug}/")
    expect(page.get_by_role("heading", name="What needs doing now")).to_be_visible()
    expect(page.get_by_role("link", name="Plan a check-in with Marcus Bell")).to_be_visible()
    expect(page.get_by_role("link", name="1 request needs an update")).to_be_visible()
    expect(page.get_by_role("link", name="1 testimony waiting to be published")).to_be_visible()
    screenshot(page, "coordinator-home-phone")
    desk = new_page(viewport=DESKTOP)
    signed_in(desk, grace)
    desk.goto(f"/c/{community.slug}/")
    screenshot(desk, "coordinator-home-desktop")

    page.get_by_role("link", name="Plan a check-in with Amara Osei").click()
    expect(page.get_by_role("heading", name="Amara Osei")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="1 testimony waiting to be published").click()
    expect(page.get_by_role("link", name="A lease at last")).to_be_visible()

    # Daniel's record reads by day, under what it adds up to.
    record = new_page()
    signed_in(record, daniel)
    record.goto(f"/c/{community.slug}/record/")
    expect(
        record.get_by_text("1 prayer · 1 partner carried · 1 request you prayed for answered")
    ).to_be_visible()
    screenshot(record, "record-phone")


def test_a_new_intercessor_is_shown_the_next_step(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    ruth = make_member(community, Role.INTERCESSOR, name="Ruth Lindqvist")
    page = new_page()
    signed_in(page, ruth)
    page.goto(f"/c/{community.slug}/today/")
    expect(page.get_by_role("heading", name="Nobody on your list yet")).to_be_visible()
    screenshot(page, "today-empty-phone")
    expect(page.get_by_text("Your coordinator: Grace Whitfield.")).to_be_visible()
    page.get_by_role("link", name="Choose when your list comes").click()
    expect(page.get_by_role("heading", name="Your reminders")).to_be_visible()
