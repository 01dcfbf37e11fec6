from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import CheckInStatus, Child, Role
from tests.factories import make_checkin, make_member, make_partner, make_request

pytestmark = pytest.mark.django_db


def dashboard(client, community, **params):
    return client.get(reverse("overview:dashboard", args=[community.slug]), params)


def test_overdue_partners_come_first(coordinator_client, community):
    now = timezone.now()
    fresh = make_partner(community, name="Aaron Met-Recently")
    make_checkin(fresh, starts_in_days=-5, status=CheckInStatus.HELD)
    due = make_partner(community, name="Bea Due")
    make_checkin(due, starts_in_days=-35, status=CheckInStatus.HELD)
    overdue = make_partner(community, name="Cal Overdue")
    make_checkin(overdue, starts_in_days=-60, status=CheckInStatus.HELD)
    booked = make_partner(community, name="Dee Booked")
    make_checkin(booked, starts_in_days=-90, status=CheckInStatus.HELD)
    make_checkin(booked, starts_in_days=3)
    paused = make_partner(community, name="Eve Paused", status="paused")
    rows = dashboard(coordinator_client, community).context["rows"]
    assert [(p.name, p.checkin_state) for p in rows] == [
        ("Cal Overdue", "overdue"),
        ("Bea Due", "due"),
        ("Aaron Met-Recently", "ok"),
        ("Dee Booked", "scheduled"),
        ("Eve Paused", "inactive"),
    ]
    assert rows[0].last_checkin_at < now - timedelta(days=59)
    assert paused.pk == rows[-1].pk


def test_never_met_partner_is_due_at_once_and_overdue_after_the_grace(
    coordinator_client, community
):
    today = timezone.localdate()
    make_partner(community, name="New Friend", partnership_started=today)
    make_partner(community, name="Old Friend", partnership_started=today - timedelta(days=20))
    states = {
        p.name: p.checkin_state for p in dashboard(coordinator_client, community).context["rows"]
    }
    assert states == {"New Friend": "due", "Old Friend": "overdue"}


def test_counts_requests_and_answered_prayer(coordinator_client, community):
    partner = make_partner(community)
    today = timezone.localdate()
    make_request(partner)
    make_request(partner, review_on=today - timedelta(days=1))
    make_request(
        partner, status="answered", answered_on=today - timedelta(days=40), answer_note="yes"
    )
    make_request(
        partner, status="answered", answered_on=today - timedelta(days=400), answer_note="old"
    )
    make_request(partner, status="closed")
    response = dashboard(coordinator_client, community)
    [row] = response.context["rows"]
    assert (row.active_requests, row.stale_requests, row.answered_last_year) == (2, 1, 1)
    assert row.activity.last_7_days == 0 and row.activity.last_30_days == 0
    bars = response.context["chart"]["bars"]
    assert len(bars) == 12 and sum(b["count"] for b in bars) == 1
    assert 'role="img"' in response.content.decode()


def test_filters_by_kind_and_status_and_explains_a_bad_filter(coordinator_client, community):
    make_partner(community, name="Pastor Paul", kind="pastor")
    make_partner(community, name="Mia Missionary", kind="missionary", status="paused")
    names = lambda r: [p.name for p in r.context["rows"]]  # noqa: E731
    assert names(dashboard(coordinator_client, community, kind="pastor")) == ["Pastor Paul"]
    assert names(dashboard(coordinator_client, community, status="paused")) == ["Mia Missionary"]
    response = dashboard(coordinator_client, community, kind="astronaut")
    assert "That filter isn&#x27;t one we know" in response.content.decode()
    assert len(names(response)) == 2


def populate(community, n: int) -> None:
    coordinator = make_member(community, Role.COORDINATOR)
    today = timezone.localdate()
    for i in range(n):
        partner = make_partner(community, spouse_name="Anna")
        partner.stewards.add(coordinator)
        Child.objects.create(partner=partner, name="Micah", birth_year=2019)
        make_request(partner, review_on=today - timedelta(days=1))
        make_request(partner, status="answered", answered_on=today, answer_note="yes")
        make_checkin(partner, starts_in_days=-10, status="held").attendees.add(coordinator)
        make_checkin(partner, starts_in_days=10 + i).attendees.add(coordinator)


PAGES = [
    "overview:dashboard",
    "partnerships:partner_list",
    "partnerships:checkin_list",
    "partnerships:requests_review",
]


@pytest.mark.parametrize("page", PAGES)
def test_pages_run_the_same_number_of_queries_for_1_and_12_partners(
    coordinator_client, community, other_community, page
):
    def count() -> int:
        coordinator_client.get(reverse(page, args=[community.slug]))  # remembers the community
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(reverse(page, args=[community.slug]))
        assert response.status_code == 200
        return len(queries)

    populate(community, 1)
    one = count()
    populate(community, 11)
    twelve = count()
    assert one == twelve, f"{page}: {one} queries for 1 partner, {twelve} for 12"


def test_answered_by_month_counts_the_right_months(community):
    from partnerships.selectors import answered_by_month

    partner = make_partner(community)
    make_request(partner, status="answered", answered_on=date(2026, 3, 31), answer_note="a")
    make_request(partner, status="answered", answered_on=date(2026, 3, 1), answer_note="b")
    make_request(partner, status="answered", answered_on=date(2025, 3, 1), answer_note="too old")
    months = dict(answered_by_month(community, today=date(2026, 11, 22)))
    assert months[date(2026, 3, 1)] == 2
    assert sum(months.values()) == 2 and min(months) == date(2025, 12, 1)


def test_prayers_and_adopting_groups_light_up_the_dashboard(coordinator_client, community):
    from intercession.models import PrayerLog
    from tests.factories import make_group

    partner = make_partner(community, name="Tomasz Nowak")
    intercessor = make_member(community, Role.INTERCESSOR)
    make_group(community, name="Tuesday Evening", members=[intercessor], partners=[partner])
    now = timezone.now()
    for days_ago in (1, 2, 10, 40):
        PrayerLog.objects.create(
            user=intercessor, partner=partner, prayed_at=now - timedelta(days=days_ago)
        )
    [row] = dashboard(coordinator_client, community).context["rows"]
    assert (row.activity.last_7_days, row.activity.last_30_days) == (2, 3)
    assert row.activity.groups == ["Tuesday Evening"]
