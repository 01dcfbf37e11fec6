"""Pages that lead: the coordinator's home says what needs doing now, with one tap to each;
empty lists say what to do next; the prayer record is grouped by day under a summary."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from intercession.models import PrayerLog
from tests.conftest import client_for
from tests.factories import (
    make_checkin,
    make_group,
    make_partner,
    make_request,
    make_testimony,
)

pytestmark = pytest.mark.django_db


def test_the_coordinators_home_lists_what_needs_doing_now(community, coordinator):
    overdue = make_partner(community, name="Marcus Bell")
    overdue.created_at = timezone.now() - timedelta(days=90)
    overdue.save()
    make_checkin(make_partner(community, name="Planned Partner"), starts_in_days=5)
    stale = make_request(
        overdue, text="Old words", review_on=timezone.localdate() - timedelta(days=3)
    )
    answered = make_request(
        overdue, status="answered", answered_on=timezone.localdate(), answer_note="Yes"
    )
    make_testimony(answered, author=coordinator)
    page = client_for(coordinator).get(reverse("partnerships:community", args=[community.slug]))
    html = page.content.decode()
    assert "What needs doing now" in html
    assert "Plan a check-in with Marcus Bell" in html
    assert reverse("partnerships:partner", args=[community.slug, overdue.pk]) in html
    assert "Planned Partner" not in html  # a check-in is planned
    assert "1 request needs an update" in html and stale.text not in html
    assert "1 testimony waiting to be published" in html
    assert reverse("partnerships:requests_review", args=[community.slug]) in html


def test_with_nothing_waiting_the_home_says_so(community, coordinator):
    make_checkin(make_partner(community), starts_in_days=5)
    html = client_for(coordinator).get(reverse("partnerships:community", args=[community.slug]))
    assert "Nothing is waiting" in html.content.decode()


def test_sensitive_partners_appear_by_alias_to_a_coordinator_without_two_factor(
    community, coordinator
):
    community.two_factor_for_sensitive = True
    community.save()
    secret = make_partner(community, name="Zarina Karimova", sensitive=True, alias="Z. in Asia")
    secret.created_at = timezone.now() - timedelta(days=90)
    secret.save()
    html = client_for(coordinator).get(reverse("partnerships:community", args=[community.slug]))
    assert "Zarina" not in html.content.decode()


def test_an_intercessor_with_an_empty_list_is_shown_the_next_step(
    community, intercessor, coordinator
):
    html = client_for(intercessor).get(reverse("intercession:today", args=[community.slug]))
    text = html.content.decode()
    assert "Nobody on your list yet" in text
    assert "ask a coordinator to add you to a weekly group" in text
    assert "Your coordinator: Grace" in text


def test_a_coordinator_with_an_empty_list_is_offered_the_first_partner(community, coordinator):
    html = client_for(coordinator).get(reverse("intercession:today", args=[community.slug]))
    assert reverse("partnerships:partner_create", args=[community.slug]) in html.content.decode()


def test_the_prayer_record_is_by_day_under_a_summary(community, intercessor):
    tomasz = make_partner(community, name="Tomasz Nowak")
    marcus = make_partner(community, name="Marcus Bell")
    make_group(community, members=[intercessor], partners=[tomasz, marcus])
    hall = make_request(tomasz, text="A hall", status="answered", answered_on=timezone.localdate())
    visa = make_request(tomasz, text="A visa")
    now = timezone.now()
    for when, partner, request in [
        (now, tomasz, hall),
        (now, tomasz, visa),
        (now - timedelta(days=2), marcus, None),
    ]:
        log = PrayerLog.objects.create(user=intercessor, partner=partner, request=request)
        PrayerLog.objects.filter(pk=log.pk).update(prayed_at=when)
    html = client_for(intercessor).get(reverse("intercession:record", args=[community.slug]))
    text = html.content.decode()
    assert "3 prayers · 2 partners carried · 1 request you prayed for answered" in text
    today = timezone.localdate()
    headings = [f"{d:%A} {d.day} {d:%B %Y}" for d in (today, today - timedelta(days=2))]
    assert text.index(headings[0]) < text.index(headings[1])
    assert text.count('class="record-day"') == 2
