"""A coordinator with many partners finds “the request about the visa” from the header in
one tap; an intercessor prints the week's guide for the group's meeting, where a sensitive
partner is on paper by alias only."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnerships.models import Child, Role
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


def community_with_partners():
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    daniel = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    tomasz = make_partner(
        community,
        name="Tomasz Nowak",
        kind="church_planter",
        spouse_name="Anna",
        location="Kraków",
        organisation="New Life Kraków",
    )
    Child.objects.create(partner=tomasz, name="Micah", birth_year=2017)
    Child.objects.create(partner=tomasz, name="Ruth", birth_year=2020)
    visa = make_request(tomasz, text="Anna's visa renewal: the consulate asks for new papers")
    visa.updates.create(text="The visa interview moved to Friday 10:00", created_by=coordinator)
    make_request(tomasz, text="A hall for the Sunday gatherings", urgent=True)
    samuel = make_partner(
        community, name="Pastor Samuel Mensah", kind="pastor", location="Accra", spouse_name="Ama"
    )
    make_request(samuel, text="Wisdom for the leadership elections")
    make_request(
        samuel,
        text="Visa for the youth team's trip",
        status="answered",
        answered_on=timezone.localdate(),
        answer_note="All six visas granted",
    )
    make_checkin(
        samuel,
        starts_in_days=-3,
        status="held",
        notes="Long talk over lunch; the visa office lost their passports once already.",
    )
    for n in range(12):
        make_partner(community, name=f"Partner {n} Example", location="Leeds")
    yusuf = make_partner(
        community,
        name="Yusuf Karimov",
        location="Samarkand",
        spouse_name="Dilnoza",
        sensitive=True,
        alias="A. in Central Asia",
    )
    make_request(yusuf, text="Favour at the registration office")
    make_group(
        community, members=[daniel], partners=[tomasz, samuel, yusuf], name="Tuesday Evening"
    )
    return community, coordinator, daniel


def test_search_from_the_header_and_the_printed_guide(new_page, screenshot):
    community, coordinator, daniel = community_with_partners()

    page = new_page()
    signed_in(page, coordinator)
    page.goto(f"/c/{community.slug}/partners/")
    page.get_by_role("link", name="Search").click()
    search_box = page.get_by_role("searchbox")
    expect(search_box).to_be_focused()
    search_box.fill("visa")
    search_box.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Prayer requests"))).to_be_visible()
    expect(page.locator("mark", has_text="visa").first).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Check-in notes"))).to_be_visible()
    # Without two-factor sign-in the sensitive partner's request is not among them.
    expect(page.get_by_text("registration office")).to_have_count(0)
    screenshot(page, "search-phone")

    desk = new_page(DESKTOP)
    signed_in(desk, coordinator)
    desk.goto(f"/c/{community.slug}/search/?q=Krak%C3%B3w")
    expect(desk.locator("mark", has_text="Kraków").first).to_be_visible()
    desk.goto(f"/c/{community.slug}/search/?q=visa")
    screenshot(desk, "search-desktop")
    desk.goto(f"/c/{community.slug}/search/?q=zebra")
    expect(desk.get_by_text("Nothing found for “zebra”.")).to_be_visible()

    # The intercessor prints the week's guide from the group's page.
    phone = new_page()
    signed_in(phone, daniel)
    phone.goto(f"/c/{community.slug}/groups/")
    phone.get_by_role("link", name="Tuesday Evening").click()
    phone.get_by_role("link", name="Print this week's guide").click()
    expect(phone.get_by_role("heading", name="Prayer guide")).to_be_visible()
    expect(phone.get_by_role("heading", name="A. in Central Asia")).to_be_visible()
    expect(phone.get_by_text("Yusuf")).to_have_count(0)
    expect(phone.get_by_text("Samarkand")).to_have_count(0)
    phone.emulate_media(media="print")
    expect(phone.get_by_text("Back to the group")).to_be_hidden()
    screenshot(phone, "guide-phone-print")

    paper = new_page(DESKTOP)
    signed_in(paper, daniel)
    paper.goto(phone.url)
    paper.emulate_media(media="print")
    screenshot(paper, "guide-desktop-print")
