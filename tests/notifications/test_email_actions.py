"""The daily email's actions: “I prayed for all of these”, “not today” and “snooze this request
for a week”. Each link is signed, opening it only shows a button (mail scanners open links),
and it acts once, on POST."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intercession.models import PrayerLog, RequestSnooze
from intercession.selectors import daily_list
from notifications.models import Delivery, DeliveryStatus, Preference
from notifications.tokens import action_token, list_action_token
from partnerships.models import Membership, Role
from tests.factories import make_member, make_request
from tests.notifications.conftest import deliver

pytestmark = pytest.mark.django_db

LINK = r"http://127\.0\.0\.1:8000(/r/{}/\S+/)"


def link_in(message, kind: str) -> str:
    found = re.search(LINK.format(kind), message.body)
    assert found, f"no {kind} link in the email"
    return found.group(1)


@pytest.fixture
def mailed(world):
    """The intercessor's daily email, with two requests for Tomasz."""
    make_request(world["tomasz"], text="Rest for Anna this month")
    deliver(world["intercessor"], "daily")
    (message,) = mail.outbox
    return message


def test_prayed_for_all_records_one_prayer_each_and_only_on_post(world, mailed, client):
    link = link_in(mailed, "prayed-all")
    page = client.get(link)  # what a mail scanner does
    assert page.status_code == 200 and "I prayed for all of these" in page.content.decode()
    assert not PrayerLog.objects.exists()
    done = client.post(link)
    assert "2 prayers recorded" in done.content.decode()
    client.post(link)  # pressed again: the same prayers
    logs = PrayerLog.objects.all()
    assert sorted(log.request.text for log in logs) == [
        "Favour at the visa office",
        "Rest for Anna this month",
    ]
    assert {log.user for log in logs} == {world["intercessor"]}


def test_prayed_for_all_leaves_out_what_the_person_may_no_longer_see(world, client):
    hidden = make_request(world["tomasz"], text="For coordinators", visibility="coordinators")
    token = list_action_token(
        action="prayed_all",
        user_id=world["intercessor"].pk,
        target_ids=[world["visa"].pk, hidden.pk, 999_999],
    )
    page = client.post(reverse("intercession:prayed_all_link", args=[token]))
    assert "1 prayer recorded" in page.content.decode()
    assert "For coordinators" not in page.content.decode()
    assert list(PrayerLog.objects.values_list("request_id", flat=True)) == [world["visa"].pk]


def test_a_forwarded_prayed_for_all_link_names_partners_but_not_requests(world, mailed, client):
    # Opened by someone else (not signed in as the intercessor): the partner's name only.
    page = client.get(link_in(mailed, "prayed-all")).content.decode()
    assert "Tomasz Nowak, 2 requests" in page and "Favour at the visa office" not in page


@pytest.mark.parametrize("kind", ["prayed-all", "snooze", "not-today"])
def test_tampered_or_expired_action_links_do_nothing(world, mailed, client, kind):
    link = link_in(mailed, kind)
    bad = client.post(link[:-4] + "abc/")
    assert bad.status_code == 400 and "This link doesn't work" in bad.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        old = client.post(link)
    assert old.status_code == 400 and "This link has expired" in old.content.decode()
    assert not PrayerLog.objects.exists() and not RequestSnooze.objects.exists()
    assert not Preference.objects.filter(daily_skip_on__isnull=False).exists()


def test_not_today_means_no_list_tomorrow_and_one_the_day_after(world, mailed, client):
    link = link_in(mailed, "not-today")
    client.get(link)
    assert not Preference.objects.filter(daily_skip_on__isnull=False).exists()
    done = client.post(link).content.decode()
    assert "Rest well" in done
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert Preference.objects.get(user=world["intercessor"]).daily_skip_on == tomorrow
    mail.outbox.clear()
    skipped = deliver(world["intercessor"], "daily", local_date=tomorrow)
    assert skipped.status == DeliveryStatus.SKIPPED and not mail.outbox
    assert "asked for no list" in skipped.last_error
    after = deliver(world["intercessor"], "daily", local_date=tomorrow + timedelta(days=1))
    assert after.status == DeliveryStatus.SENT


def test_a_not_today_link_with_a_day_that_is_no_day_is_refused(world, client):
    token = action_token(action="not_today", user_id=world["intercessor"].pk, target_id=10**9)
    page = client.post(reverse("notifications:not_today", args=[token]))
    assert page.status_code == 400
    assert Preference.objects.filter(daily_skip_on__isnull=False).count() == 0


def test_snooze_takes_a_request_off_ones_own_list_for_a_week(world, mailed, client):
    intercessor = world["intercessor"]
    membership = Membership.objects.get(user=intercessor)

    def listed(member) -> set[str]:
        return {r.text for card in daily_list(member).cards for r in card.requests}

    assert "Favour at the visa office" in listed(membership)
    link = link_in(mailed, "snooze")
    client.get(link)
    assert not RequestSnooze.objects.exists()
    done = client.post(link).content.decode()
    assert "It comes back to your list on" in done
    assert "Favour at the visa office" not in listed(membership)
    # Still on everyone else's list, and on the intercessor's own “show everything”.
    other = make_member(world["visa"].partner.community, Role.COORDINATOR)
    assert "Favour at the visa office" in listed(Membership.objects.get(user=other))
    everything = daily_list(membership, everything=True)
    assert "Favour at the visa office" in {r.text for c in everything.cards for r in c.requests}
    # Not in tomorrow's email either …
    mail.outbox.clear()
    deliver(intercessor, "daily", local_date=timezone.localdate() + timedelta(days=1))
    assert "Favour at the visa office" not in mail.outbox[0].body
    # … and back after a week.
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert "Favour at the visa office" in listed(membership)


def test_the_daily_email_offers_all_three_in_both_bodies(mailed):
    html = mailed.alternatives[0][0]
    for text in ("I prayed for all of these", "Not today", "Snooze for a week"):
        assert text in html and text in mailed.body
    assert Delivery.objects.get().status == DeliveryStatus.SENT
