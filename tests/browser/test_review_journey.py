"""Review before it travels, on a phone: a partner's new request waits for review, a
coordinator rewords and approves it from the queue, and it appears on an intercessor's Today."""

import pytest
from playwright.sync_api import expect

from partnerships import services
from partnerships.models import Role
from tests.browser.conftest import DESKTOP, signed_in
from tests.factories import make_community, make_group, make_member, make_partner, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partners_request_waits_for_review_then_reaches_today(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    grace = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    daniel = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    tomasz_user = make_member(community, Role.PARTNER, name="Tomasz Nowak")
    tomasz = make_partner(community, name="Tomasz Nowak", user=tomasz_user)
    make_partner(community, name="Leyla", sensitive=True, alias="L. in Central Asia")
    make_group(community, members=[daniel], partners=[tomasz])
    # Something already flagged, so the queue shows both kinds.
    flagged = make_request(tomasz, text="For our friends in the old town of Bukhara")
    services.prayer_request_flag(prayer_request=flagged, by=daniel, reason="It names the town")

    partner = new_page()
    signed_in(partner, tomasz_user)
    partner.goto(f"/c/{community.slug}/partners/{tomasz.pk}/requests/new/")
    partner.get_by_label("Request").fill("Wisdom for the meeting with the mayor of Samarkand")
    partner.get_by_role("button", name="Save").click()
    expect(
        partner.get_by_text("A coordinator reads it before it goes on prayer lists")
    ).to_be_visible()
    expect(partner.get_by_text("Waiting for review").first).to_be_visible()

    today = new_page()
    signed_in(today, daniel)
    today.goto(f"/c/{community.slug}/today/")
    expect(today.get_by_text("Tomasz Nowak").first).to_be_visible()
    expect(today.get_by_text("mayor of Samarkand")).to_have_count(0)

    coordinator = new_page()
    signed_in(coordinator, grace)
    coordinator.goto(f"/c/{community.slug}/")
    coordinator.get_by_role("link", name="2 requests wait for your review").click()
    expect(coordinator.get_by_role("heading", name="Waiting for review")).to_be_visible()
    expect(coordinator.get_by_text("Flagged by Daniel Okafor")).to_be_visible()
    screenshot(coordinator, "review-queue-phone")
    desk = new_page(viewport=DESKTOP)
    signed_in(desk, grace)
    desk.goto(f"/c/{community.slug}/requests/held/")
    screenshot(desk, "review-queue-desktop")

    # The flagged request's own page says who flagged it and why.
    coordinator.get_by_role("link", name="Tomasz Nowak").first.click()
    expect(coordinator.get_by_text("Flagged by Daniel Okafor")).to_be_visible()
    expect(coordinator.get_by_text("Why: “It names the town”")).to_be_visible()
    screenshot(coordinator, "review-flagged-request-phone")
    coordinator.get_by_role("link", name="Review it").click()

    item = coordinator.locator(".review-item", has_text="mayor of Samarkand")
    item.get_by_label("Wording").fill("Wisdom for the meeting with the mayor")
    item.get_by_role("button", name="Approve").click()
    expect(coordinator.get_by_text("Approved. It is on prayer lists")).to_be_visible()
    expect(coordinator.locator(".review-item")).to_have_count(1)

    today.goto(f"/c/{community.slug}/today/?all=1")
    expect(today.get_by_text("Wisdom for the meeting with the mayor")).to_be_visible()
    expect(today.get_by_text("Samarkand")).to_have_count(0)
    expect(today.get_by_text("Bukhara")).to_have_count(0)
    screenshot(today, "review-approved-today-phone")
