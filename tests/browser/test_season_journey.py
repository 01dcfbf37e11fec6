"""A season of prayer around the clock: an intercessor in Tokyo takes a night hour of a season
kept on London's clock, sees it at her own time on the season's clock, and is reminded of it
a quarter of an hour before, at her time, by email; the email leads back to the season."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from intercession.models import SeasonHour
from intercession.seasons.services import REMIND_BEFORE
from notifications import dispatch
from notifications.models import Preference
from notifications.send import send_batch
from partnerships.models import Role
from tests.browser.conftest import DESKTOP, signed_in
from tests.factories import (
    make_community,
    make_group,
    make_member,
    make_partner,
    make_request,
    make_season,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TOKYO = ZoneInfo("Asia/Tokyo")


def test_an_intercessor_takes_a_night_hour_in_her_own_zone_and_is_reminded_of_it(
    new_page, screenshot, monkeypatch
):
    community = make_community(name="Riverside House of Prayer", time_zone="Europe/London")
    aiko = make_member(community, Role.INTERCESSOR, name="Aiko Sato", time_zone="Asia/Tokyo")
    Preference.objects.create(user=aiko, daily_enabled=False, checkin_digest_enabled=False)
    ruth = make_member(community, Role.INTERCESSOR, name="Ruth Adeyemi")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    tomasz = make_partner(community, name="Tomasz Nowak", spouse_name="Anna")
    make_request(tomasz, text="Favour at the visa office")
    make_group(community, members=[aiko, ruth], partners=[tomasz])
    season, _ = make_season(
        community,
        title="Twenty-one days for the visa",
        starts_in_days=0,
        days=21,
        partners=[tomasz],
        holder=ruth,
        purpose="Tomasz and Anna wait on a visa. We pray around the clock until it comes.",
    )
    page = new_page()
    signed_in(page, aiko)
    page.goto("/")
    page.get_by_role("link", name="Seasons").click()
    page.get_by_role("link", name="Twenty-one days for the visa").click()
    expect(page.get_by_role("heading", name="Around the clock")).to_be_visible()
    expect(page.get_by_text("23 hours still open")).to_be_visible()
    # Ruth's 03:00 in London is noon in Tokyo: Aiko sees it at her own time.
    page.get_by_text("Every hour, in your time").click()
    expect(page.locator(".hour-row", has_text="12:00–13:00")).to_contain_text("held every day")

    # 03:00–04:00 in Tokyo, the middle of her night, is 18:00 on the season's clock.
    page.get_by_label("Hour (your time)").select_option(label="03:00–04:00 · nobody yet")
    page.get_by_label("I will fast").check()
    page.get_by_role("button", name="Take this hour").click()
    expect(
        page.get_by_text("The hour 03:00–04:00 is yours, every day of the season.")
    ).to_be_visible()
    expect(page.get_by_text("22 hours still open")).to_be_visible()
    mine = page.get_by_role("region", name="Your hours")
    expect(mine.get_by_text("Every day, 03:00–04:00")).to_be_visible()
    expect(mine.get_by_text("fasting")).to_be_visible()
    screenshot(page, "season-clock-phone")
    held = SeasonHour.objects.get(user=aiko)
    assert held.hour == 18 and held.fasting
    assert held.remind_at.astimezone(TOKYO).time().isoformat() == "02:45:00"

    # Beat at the minute her reminder falls due.
    monkeypatch.setattr("notifications.tasks.enqueue_deliveries", lambda ids: None)
    with time_machine.travel(held.remind_at + timedelta(seconds=20), tick=False):
        assert send_batch(dispatch.dispatch_due()) == []
    (message,) = [m for m in mail.outbox if m.to == [aiko.email]]
    assert message.subject == "Your hour of prayer begins at 03:00"
    inbox = new_page()
    inbox.set_content(message.alternatives[0][0])
    expect(inbox.get_by_text("03:00–04:00")).to_be_visible()
    expect(inbox.get_by_text("18:00 on the season's clock, in London")).to_be_visible()
    expect(inbox.get_by_text("You said you would fast.")).to_be_visible()
    expect(inbox.get_by_text("Tomasz Nowak")).to_be_visible()
    screenshot(inbox, "email-season-hour-phone")
    link = inbox.get_by_role("link", name="Open the season").get_attribute("href")
    assert link is not None
    page.goto(link)
    expect(page.get_by_role("heading", name="Twenty-one days for the visa")).to_be_visible()
    # The hour the email names begins a quarter of an hour after it was sent.
    assert (held.remind_at + REMIND_BEFORE).astimezone(TOKYO).hour == 3

    # The coordinator sees the same clock, with each day's focus to set, on a desktop.
    desk = new_page(DESKTOP)
    signed_in(desk, coordinator)
    desk.goto(link)
    expect(desk.get_by_text("22 hours still open")).to_be_visible()
    expect(desk.get_by_role("link", name="Edit the season")).to_be_visible()
    screenshot(desk, "season-clock-desktop")
    desk.get_by_role("link", name="Change the focus of day 1").click()
    desk.get_by_label("Focus").fill("The visa office's decision")
    desk.get_by_role("button", name="Save the day's focus").click()
    expect(desk.get_by_text("The focus of day 1 is saved.")).to_be_visible()
    expect(desk.get_by_text("The visa office's decision")).to_be_visible()
