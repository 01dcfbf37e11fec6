"""From the daily email on a phone: “I prayed for all of these”, then “not today”, each a
tap on a link and a tap on the page it opens."""

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from intercession.models import PrayerLog, RequestSnooze
from notifications.models import Delivery, Preference
from notifications.send import send_batch
from partnerships.models import Role
from tests.factories import make_community, make_group, make_member, make_partner, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_praying_for_all_and_resting_tomorrow_from_the_email(new_page, screenshot):
    community = make_community(name="Riverside House of Prayer")
    daniel = make_member(community, Role.INTERCESSOR, name="Daniel Okafor")
    tomasz = make_partner(community, name="Tomasz Nowak", spouse_name="Anna")
    make_group(community, members=[daniel], partners=[tomasz], name="Tuesday Evening")
    make_request(tomasz, text="Favour at the visa office", urgent=True)
    make_request(tomasz, text="Rest for Anna this month")
    delivery = Delivery.objects.create(
        user=daniel,
        kind="daily",
        local_date=timezone.localdate(),
        due_at=timezone.now(),
    )
    assert send_batch([delivery.pk]) == []
    (message,) = mail.outbox

    inbox = new_page()
    inbox.set_content(message.alternatives[0][0])
    expect(inbox.get_by_role("link", name="Snooze for a week")).to_have_count(2)
    screenshot(inbox, "email-daily-actions-phone")

    inbox.get_by_role("link", name="I prayed for all of these").click()
    expect(inbox.get_by_role("heading", name="Did you pray for all of these?")).to_be_visible()
    assert not PrayerLog.objects.exists()  # opening the link records nothing
    screenshot(inbox, "link-prayed-all-phone")
    inbox.get_by_role("button", name="I prayed for all of these").click()
    expect(inbox.get_by_text("2 prayers recorded.")).to_be_visible()
    assert PrayerLog.objects.filter(user=daniel).count() == 2

    inbox.set_content(message.alternatives[0][0])
    inbox.get_by_role("link", name="Not today").click()
    expect(inbox.get_by_role("heading", name="Rest, and no list tomorrow?")).to_be_visible()
    inbox.get_by_role("button", name="No list tomorrow").click()
    expect(inbox.get_by_role("heading", name="Rest well")).to_be_visible()
    screenshot(inbox, "link-not-today-phone")
    assert Preference.objects.get(user=daniel).daily_skip_on is not None

    inbox.set_content(message.alternatives[0][0])
    inbox.get_by_role("link", name="Snooze for a week").first.click()
    expect(inbox.get_by_role("heading", name="Set this request aside for a week?")).to_be_visible()
    screenshot(inbox, "link-snooze-phone")
    inbox.get_by_role("button", name="Snooze for a week").click()
    expect(inbox.get_by_role("heading", name="Set aside for a week")).to_be_visible()
    screenshot(inbox, "link-snooze-done-phone")
    assert RequestSnooze.objects.filter(user=daniel).count() == 1
