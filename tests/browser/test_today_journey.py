"""An intercessor on a phone: Today, one tap on “I prayed”, a note, then the prayer record —
with JavaScript (in place, no reload) and without (a full page load)."""

import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from intercession.models import PrayerLog
from partnerships.models import Child, Role
from tests.browser.conftest import SCREENSHOTS, signed_in
from tests.factories import make_community, make_group, make_member, make_partner, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def setup_world():
    community = make_community(name="Riverside House of Prayer")
    intercessor = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    partner = make_partner(
        community,
        name="Tomasz Nowak",
        kind="church_planter",
        spouse_name="Anna",
        location="Kraków, Poland",
    )
    year = timezone.localdate().year
    Child.objects.create(partner=partner, name="Micah", birth_year=year - 7)
    Child.objects.create(partner=partner, name="Ruth", birth_year=year - 4)
    visa = make_request(partner, text="Favour at the visa office on Thursday", urgent=True)
    make_request(partner, text="A hall for Sunday gatherings")
    other = make_partner(community, name="Marcus Bell", kind="marketplace", spouse_name="Claire")
    make_request(other, text="Wisdom hiring two new bakers")
    make_group(community, members=[intercessor], partners=[partner, other])
    return community, intercessor, visa


def test_i_prayed_in_place_then_a_note_then_the_record(new_page, screenshot):
    community, intercessor, visa = setup_world()
    page = new_page()
    signed_in(page, intercessor)
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.get_by_text("Spouse: Anna · Children: Micah (7), Ruth (4)")).to_be_visible()
    screenshot(page, "today-phone")
    page.evaluate("window.__noReload = true")

    card = page.locator(f"#request-{visa.pk}")
    expect(card).to_contain_text("Not prayed for yet")
    started = time.perf_counter()
    card.get_by_role("button", name="I prayed").click()
    expect(card).to_contain_text("Prayed once")
    round_trip = time.perf_counter() - started
    expect(card).to_contain_text("Amen")
    progress = page.locator("#today-progress")
    expect(progress).to_contain_text("You've prayed for 1 of 2 partners today.")
    assert page.evaluate("window.__noReload") is True  # the page was not reloaded
    assert PrayerLog.objects.filter(request=visa).count() == 1

    card.get_by_label("Add a note").fill("Prayed Psalm 121 over the visa office.")
    card.get_by_label("Share this with the partner as encouragement").check()
    card.get_by_role("button", name="Save note").click()
    expect(card.get_by_text("Note saved. The partner will see it.")).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    screenshot(page, "today-prayed-phone")

    page.goto(f"/c/{community.slug}/record/")
    expect(page.get_by_text("Prayed Psalm 121 over the visa office.")).to_be_visible()
    screenshot(page, "record-phone")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "i-prayed-round-trip.txt").write_text(f"{round_trip * 1000:.0f} ms\n")


def test_the_same_without_javascript(new_page):
    community, intercessor, visa = setup_world()
    page = new_page(java_script_enabled=False)
    signed_in(page, intercessor)
    card = page.locator(f"#request-{visa.pk}")
    card.get_by_role("button", name="I prayed").click()
    expect(page.get_by_text("Amen. Your prayer is recorded.")).to_be_visible()
    card = page.locator(f"#request-{visa.pk}")
    expect(card).to_contain_text("Prayed once")
    card.get_by_label("Add a note").fill("Isaiah 43:19")
    card.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Your note is kept with your prayer.")).to_be_visible()
    page.goto(f"/c/{community.slug}/record/")
    expect(page.get_by_text("Isaiah 43:19")).to_be_visible()
    assert PrayerLog.objects.get().note == "Isaiah 43:19"


def test_pray_through_one_partner_at_a_time(new_page, screenshot):
    community, intercessor, visa = setup_world()
    page = new_page()
    signed_in(page, intercessor)
    page.get_by_role("link", name="Pray through, one at a time").click()
    expect(page.get_by_text("Partner 1 of 2")).to_be_visible()
    expect(page.locator("[data-timer-display]")).to_have_text("10:00")
    screenshot(page, "pray-through-phone")
    page.locator(".prayable").first.get_by_role("button", name="I prayed").click()
    expect(page.locator(".prayable").first).to_contain_text("Amen")
    page.get_by_role("link", name="Next partner").click()
    expect(page.get_by_text("Partner 2 of 2")).to_be_visible()
    page.get_by_role("button", name="I prayed for Tomasz").click()
    expect(page.get_by_text("You prayed for Tomasz.")).to_be_visible()
    page.get_by_role("link", name="Finish").click()
    expect(page.get_by_text("You prayed 2 times, for 2 partners.")).to_be_visible()
    screenshot(page, "pray-through-done-phone")


def test_ten_minutes_then_everything_one_tap_away(new_page, screenshot):
    """A long list: today's ten minutes first, the page saying how the rest come round; one tap
    shows everything and one tap comes back."""
    from datetime import timedelta

    import time_machine

    from tests.browser.conftest import DESKTOP

    community, intercessor, visa = setup_world()
    partner = visa.partner
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        for n in range(27):
            make_request(partner, text=f"Steady request number {n + 1}")
    for viewport, name in ((None, "phone"), (DESKTOP, "desktop")):
        page = new_page() if viewport is None else new_page(viewport=viewport)
        signed_in(page, intercessor)
        page.goto(f"/c/{community.slug}/today/")
        scope = page.locator(".list-scope")
        expect(scope).to_contain_text("About ten minutes")
        expect(page.locator(".prayable")).to_have_count(12)
        expect(page.locator(f"#request-{visa.pk}")).to_be_visible()  # urgent: every day
        screenshot(page, f"today-ten-minutes-{name}")
        scope.get_by_role("link", name="Show all 30 requests").click()
        expect(page.locator(".prayable")).to_have_count(30)
        expect(page.locator(".list-scope")).to_contain_text("Showing all 30 requests.")
        page.get_by_role("link", name="Back to today’s ten minutes").click()
        expect(page.locator(".prayable")).to_have_count(12)
