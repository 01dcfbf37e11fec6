"""A coordinator on a phone: schedule a check-in, hold it, turn notes into requests, book the
next one; the requests then show on the partner's page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from partnerships.models import CheckIn, Child, PrayerRequest, Role
from tests.browser.conftest import DESKTOP, signed_in
from tests.factories import make_checkin, make_community, make_member, make_partner, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONDON = ZoneInfo("Europe/London")


def test_check_in_from_schedule_to_requests(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(
        community, Role.COORDINATOR, name="Grace Whitfield", time_zone="Europe/London"
    )
    partner = make_partner(
        community,
        name="Tomasz Nowak",
        kind="church_planter",
        time_zone="Asia/Kolkata",
        spouse_name="Anna",
        location="Pune, India",
    )
    Child.objects.create(partner=partner, name="Micah", birth_year=2019)
    tomorrow = timezone.localdate() + timedelta(days=1)

    page = new_page()
    signed_in(page, coordinator)
    page.goto(f"/c/{community.slug}/partners/{partner.pk}/")
    page.get_by_role("link", name="Schedule a check-in").click()
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("From").fill("10:00")
    page.get_by_label("Until").fill("11:00")
    page.get_by_label("How").select_option("coffee")
    page.get_by_label("Place").fill("Café Nero")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Check-in scheduled.")).to_be_visible()
    expect(page.get_by_text("10:00–11:00")).to_be_visible()
    start = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, tzinfo=LONDON)
    pune = start.astimezone(ZoneInfo("Asia/Kolkata"))
    pune_hours = f"{pune:%H:%M}–{pune + timedelta(hours=1):%H:%M}"
    expect(page.get_by_text(pune_hours)).to_be_visible()  # the same hour for Tomasz in Pune
    screenshot(page, "checkin-scheduled-phone")

    meeting = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, 40, tzinfo=LONDON)
    with time_machine.travel(meeting, tick=True):
        page.reload()
        page.get_by_role("button", name="We met").click()
        expect(page.get_by_role("heading", name="After the check-in")).to_be_visible()
        page.get_by_label("Notes (optional)").fill(
            "Talked about Anna's new job and the church hall."
        )
        page.get_by_label("Prayer requests").fill(
            "Favour with the landlord of the hall\nPeace for Anna in her new job"
        )
        page.get_by_label("Category for these requests").select_option("ministry")
        screenshot(page, "checkin-notes-phone")
        page.get_by_role("button", name="Save notes and requests").click()
        expect(page.get_by_text("Notes saved with 2 new prayer requests.")).to_be_visible()
        expect(page.get_by_role("heading", name="Schedule the next one")).to_be_visible()
        screenshot(page, "checkin-held-phone")
        page.get_by_role("button", name="Schedule it").click()
        expect(page.get_by_text("The next check-in is scheduled.")).to_be_visible()

    following = CheckIn.objects.filter(status="scheduled").get()
    local = following.starts_at.astimezone(LONDON)
    assert (local.weekday(), (local.day - 1) // 7, local.hour) == (
        tomorrow.weekday(),
        (tomorrow.day - 1) // 7,
        10,
    ) or local.day > 28  # the fifth weekday of a month falls back to the last one
    assert PrayerRequest.objects.filter(partner=partner, checkin__isnull=False).count() == 2

    page.goto(f"/c/{community.slug}/partners/{partner.pk}/")
    expect(page.get_by_text("Favour with the landlord of the hall")).to_be_visible()
    expect(page.get_by_text("Peace for Anna in her new job")).to_be_visible()
    screenshot(page, "partner-phone")


def test_dashboard_and_partner_page_on_desktop(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    for name, kind, days_ago in [
        ("Marcus Bell", "marketplace", 70),
        ("Leila Haddad", "missionary", 12),
        ("Pastor Samuel Mensah", "pastor", 40),
    ]:
        partner = make_partner(community, name=name, kind=kind, spouse_name="Claire")
        make_checkin(partner, starts_in_days=-days_ago, status="held")
        make_request(partner, text=f"Wisdom for {name.split()[0]}", urgent=days_ago > 50)
        make_request(
            partner, status="answered", answered_on=timezone.localdate(), answer_note="Yes"
        )
    page = new_page(viewport=DESKTOP)
    signed_in(page, coordinator)
    page.goto(f"/c/{community.slug}/dashboard/")
    expect(page.get_by_role("heading", name="Partnership health")).to_be_visible()
    first_row = page.locator("table.health tbody tr").first
    expect(first_row).to_contain_text("Marcus Bell")
    expect(first_row).to_contain_text("Check-in overdue")
    screenshot(page, "dashboard-desktop")
    page.get_by_role("link", name="Marcus Bell").click()
    expect(page.get_by_text("Wisdom for Marcus")).to_be_visible()
    screenshot(page, "partner-desktop")
    page.get_by_role("link", name="Wisdom for Marcus").click()
    expect(page.get_by_role("button", name="Post update")).to_be_visible()
    screenshot(page, "request-desktop")

    phone = new_page()
    signed_in(phone, coordinator)
    phone.goto(f"/c/{community.slug}/dashboard/")
    expect(phone.get_by_role("heading", name="Partnership health")).to_be_visible()
    screenshot(phone, "dashboard-phone")


def test_late_reminders_stand_out_on_the_deliveries_page(new_page, screenshot):
    from notifications.models import Delivery, DeliveryStatus

    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    now = timezone.now()
    for number, (status, minutes_ago) in enumerate(
        [("pending", 17), ("sending", 9), ("pending", 2), ("sent", 60), ("failed", 90)]
    ):
        person = make_member(community, Role.INTERCESSOR, name=f"Intercessor {number + 1}")
        Delivery.objects.create(
            user=person,
            kind="daily",
            local_date=timezone.localdate(),
            due_at=now - timedelta(minutes=minutes_ago),
            status=status,
            sent_at=now if status == DeliveryStatus.SENT else None,
            last_error="550 5.1.1 No such user" if status == DeliveryStatus.FAILED else "",
        )
    for viewport, name in ((DESKTOP, "deliveries-late-desktop"), (None, "deliveries-late-phone")):
        page = new_page(viewport=viewport) if viewport else new_page()
        signed_in(page, coordinator)
        page.goto(f"/c/{community.slug}/deliveries/")
        expect(page.get_by_role("alert")).to_contain_text("2 reminders are more than 5 minutes")
        expect(page.locator("tr.delivery-late")).to_have_count(2)
        screenshot(page, name)
    page.get_by_role("link", name="Show them").click()
    expect(page.locator("tbody tr")).to_have_count(2)
