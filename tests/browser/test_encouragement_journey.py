"""A partner hears that they are carried: the weekly encouragement arrives on their day, they
read it on the phone and open their corner from it; a sensitive partner's says only that."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from intercession.models import PrayerLog
from notifications import dispatch
from notifications.models import Preference
from notifications.send import send_batch
from partnerships.models import Role
from tests.browser.conftest import DESKTOP
from tests.factories import make_community, make_group, make_member, make_partner, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def send_encouragements(monkeypatch) -> None:
    """What beat and a worker do when the partners' day comes."""
    monkeypatch.setattr("notifications.tasks.enqueue_deliveries", lambda ids: None)
    now = timezone.now() + timedelta(minutes=2)
    with time_machine.travel(now, tick=False):
        ids = dispatch.dispatch_due(now)
        assert send_batch(ids) == []


def due(user) -> None:
    Preference.objects.create(
        user=user,
        daily_enabled=False,
        checkin_digest_enabled=False,
        encouragement_next_at=timezone.now() + timedelta(minutes=1),
    )


def test_a_partner_reads_who_carried_them_and_opens_their_corner(new_page, screenshot, monkeypatch):
    community = make_community(name="Riverside House of Prayer")
    daniel = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    ruth = make_member(community, Role.INTERCESSOR, name="Ruth Lindqvist")
    user = make_member(community, Role.PARTNER, name="Tomasz Nowak")
    tomasz = make_partner(community, name="Tomasz Nowak", user=user, spouse_name="Anna")
    make_group(community, members=[daniel, ruth], partners=[tomasz], name="Tuesday Evening")
    visa = make_request(tomasz, text="Favour at the visa office")
    make_request(
        tomasz,
        text="A hall for our Sunday gatherings",
        status="answered",
        answered_on=timezone.localdate(),
    )
    PrayerLog.objects.bulk_create(
        PrayerLog(user=daniel, partner=tomasz, request=visa) for _ in range(6)
    )
    PrayerLog.objects.create(
        user=ruth,
        partner=tomasz,
        request=visa,
        note="Isaiah 43:19 — a way in the wilderness.",
        shared_with_partner=True,
    )
    due(user)
    # A sensitive partner of the same community, carried the same week.
    hidden_user = make_member(community, Role.PARTNER, name="Zarina")
    hidden = make_partner(
        community, name="Zarina K.", user=hidden_user, sensitive=True, alias="Z. in Central Asia"
    )
    make_group(community, members=[daniel], partners=[hidden], name="Thursday Dawn")
    PrayerLog.objects.create(user=daniel, partner=hidden, note="For Z.", shared_with_partner=True)
    due(hidden_user)

    send_encouragements(monkeypatch)

    (letter,) = [m for m in mail.outbox if m.to == [user.email]]
    inbox = new_page()
    inbox.set_content(letter.alternatives[0][0])
    expect(
        inbox.get_by_role("heading", name="You were carried in prayer this week")
    ).to_be_visible()
    expect(inbox.get_by_text("7 prayers for you · 2 people")).to_be_visible()
    expect(inbox.get_by_text("Daniel, Ruth", exact=True)).to_be_visible()
    expect(inbox.get_by_text("Isaiah 43:19 — a way in the wilderness.")).to_be_visible()
    expect(inbox.get_by_text("A hall for our Sunday gatherings")).to_be_visible()
    screenshot(inbox, "email-encouragement-phone")

    # The sensitive partner's letter: that they were carried, and nothing that names anyone.
    (quiet,) = [m for m in mail.outbox if m.to == [hidden_user.email]]
    hidden_inbox = new_page(viewport=DESKTOP)
    hidden_inbox.set_content(quiet.alternatives[0][0])
    expect(hidden_inbox.get_by_text("carried you before God this week")).to_be_visible()
    for word in ("Daniel", "Thursday Dawn", "Riverside", "For Z.", "prayers for you"):
        assert word not in quiet.alternatives[0][0] and word not in quiet.body
    screenshot(hidden_inbox, "email-encouragement-sensitive-desktop")

    # From the email to the corner: signed out, the link asks for a code and then goes on.
    inbox.get_by_role("link", name="Open your corner").click()
    inbox.get_by_role("link", name=re.compile("sign-in code", re.I)).click()
    inbox.get_by_label("Email").fill(user.email)
    inbox.get_by_role("button", name=re.compile("code", re.I)).click()
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    inbox.get_by_label("Code").fill(code)
    inbox.get_by_role("button", name="Confirm").click()
    expect(inbox.get_by_role("heading", name="Hello, Tomasz")).to_be_visible()
    assert inbox.url.endswith(f"/c/{community.slug}/corner/")
    expect(inbox.get_by_text("Isaiah 43:19 — a way in the wilderness.")).to_be_visible()

    # From the corner to the day the letter comes: Thursdays, at 08:00 their time.
    inbox.goto("/reminders/")
    inbox.get_by_label("On", exact=True).select_option(label="Thursday")
    inbox.get_by_role("button", name="Save").click()
    expect(inbox.get_by_text("Your reminders are saved.")).to_be_visible()
    screenshot(inbox, "reminders-partner-phone")
    pref = Preference.objects.get(user=user)
    assert pref.encouragement_weekday == 3
    assert pref.encouragement_next_at.astimezone(ZoneInfo(user.time_zone)).weekday() == 3
