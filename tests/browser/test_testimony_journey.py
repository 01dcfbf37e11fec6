"""The loop closes: a partner signs in with an emailed code, marks a request answered and
tells what God did; the intercessor who carried it hears, and the coordinator sees it."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from intercession.models import PrayerLog
from partnerships.models import Role
from testimonies.models import Testimony
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


def test_answered_prayer_reaches_everyone_who_prayed(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    coordinator = make_member(community, Role.COORDINATOR, name="Grace Whitfield")
    daniel = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    ruth = make_member(community, Role.INTERCESSOR, name="Ruth Lindqvist")
    user = make_member(community, Role.PARTNER, name="Tomasz Nowak")
    tomasz = make_partner(
        community, name="Tomasz Nowak", user=user, spouse_name="Anna", location="Kraków"
    )
    make_group(community, members=[daniel, ruth], partners=[tomasz], name="Tuesday Evening")
    make_checkin(tomasz, starts_in_days=9)
    hall = make_request(tomasz, text="A hall for our Sunday gatherings")
    make_request(tomasz, text="Rest for Anna this month", urgent=True)
    PrayerLog.objects.bulk_create(
        PrayerLog(user=daniel, partner=tomasz, request=hall, prayed_at=timezone.now())
        for _ in range(12)
    )
    PrayerLog.objects.create(
        user=ruth,
        partner=tomasz,
        request=hall,
        note="Isaiah 43:19 — a way in the wilderness.",
        shared_with_partner=True,
    )

    # The partner signs in with a code from the email: no password to remember.
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_role("link", name=re.compile("sign-in code", re.I)).click()
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Confirm").click()

    # They land in their corner.
    expect(page.get_by_role("heading", name="Hello, Tomasz")).to_be_visible()
    expect(page.get_by_text("Daniel and Ruth")).to_be_visible()
    expect(page.get_by_text("Isaiah 43:19 — a way in the wilderness.")).to_be_visible()
    screenshot(page, "corner-phone")

    # The hall came: they mark the request answered, and are invited to tell the story.
    page.get_by_role("link", name=re.compile("A hall for our Sunday gatherings")).click()
    expect(page.get_by_text("Isaiah 43:19 — a way in the wilderness.")).to_be_visible()
    screenshot(page, "request-phone")
    page.get_by_text("It was answered").click()
    page.get_by_label("What happened").fill("The school lent us its hall for Sundays.")
    page.get_by_role("button", name="Mark answered").click()
    expect(page.get_by_text("Marked answered. Thank God together!")).to_be_visible()
    page.get_by_role("link", name="Share a testimony").click()
    expect(page.get_by_label("Title")).to_have_value("Answered: A hall for our Sunday gatherings")
    expect(page.get_by_label("What God did")).to_have_value(
        "The school lent us its hall for Sundays."
    )
    page.get_by_label("Title").fill("A hall at last")
    page.get_by_label("What God did").fill(
        "For a year we met in our kitchen. In March the school next door offered its hall, "
        "free, every Sunday. Forty people came on the first morning."
    )
    page.get_by_label("Scripture").fill("Psalm 126:3")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved as a draft.")).to_be_visible()
    page.get_by_role("button", name="Publish and tell those who prayed").click()
    expect(
        page.get_by_text("Published. 2 people who prayed for it are being told.")
    ).to_be_visible()

    testimony = Testimony.objects.get()
    assert testimony.is_published and testimony.author == user
    told = sorted(
        m.to[0] for m in mail.outbox if m.extra_headers.get("X-Epaphras-Kind") == "testimony"
    )
    assert told == sorted([daniel.email, ruth.email])
    # The email, as a phone's mail app would show it.
    (notice_mail,) = [m for m in mail.outbox if m.to == [daniel.email]]
    inbox = new_page()
    inbox.set_content(notice_mail.alternatives[0][0])
    expect(inbox.get_by_text("you carried 12 times was answered")).to_be_visible()
    expect(inbox.get_by_role("link", name="Read it and give thanks")).to_be_visible()
    screenshot(inbox, "email-testimony-phone")

    # Daniel sees that the request he carried 12 times was answered, and gives thanks.
    intercessor = new_page()
    signed_in(intercessor, daniel)
    intercessor.locator("summary").first.click()
    expect(intercessor.locator(".menu-count")).to_have_text("1")
    intercessor.get_by_role("link", name="Notifications").click()
    notice = intercessor.get_by_role("link", name=re.compile("you carried 12 times was answered"))
    expect(notice).to_be_visible()
    notice.click()
    expect(intercessor.get_by_role("heading", name="A hall at last")).to_be_visible()
    intercessor.get_by_role("button", name="Give thanks").click()
    expect(intercessor.get_by_text("You gave thanks")).to_be_visible()
    expect(intercessor.get_by_text("1 gave thanks")).to_be_visible()
    intercessor.get_by_role("link", name="Testimonies").first.click()
    expect(intercessor.get_by_role("link", name="A hall at last")).to_be_visible()
    screenshot(intercessor, "testimonies-phone")

    # The coordinator sees it on the dashboard.
    desk = new_page(viewport=DESKTOP)
    signed_in(desk, coordinator)
    desk.goto(f"/c/{community.slug}/dashboard/")
    expect(desk.get_by_role("link", name="A hall at last")).to_be_visible()
    desk.goto(f"/c/{community.slug}/testimonies/")
    screenshot(desk, "testimonies-desktop")
