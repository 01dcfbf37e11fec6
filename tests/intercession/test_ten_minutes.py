"""Today is about ten minutes of prayer: urgent and new requests first, the others in turn, so
that every request comes round; everything is one tap away."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from intercession.selectors import NEW_FOR, TEN_MINUTES, ten_minutes
from tests.factories import make_group, make_partner, make_request

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=30)


def rows(n: int, urgent: int = 0, new: int = 0) -> list[tuple[int, bool, datetime]]:
    return [
        (pk, pk <= urgent, NOW - timedelta(hours=1) if urgent < pk <= urgent + new else OLD)
        for pk in range(1, n + 1)
    ]


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=n) for n in range(count)]


def test_a_short_list_is_shown_whole_every_day():
    for day in days(date(2026, 12, 1), 7):
        rotation = ten_minutes(rows(TEN_MINUTES), day, NOW)
        assert sorted(rotation.chosen) == list(range(1, TEN_MINUTES + 1))
        assert rotation.cycle_days == 1


@pytest.mark.parametrize("count", [13, 40, 84, 85, 163, 500])
def test_every_request_comes_round_within_the_cycle_and_no_day_runs_long(count):
    listed = rows(count)
    first = ten_minutes(listed, date(2026, 12, 1), NOW)
    assert first.cycle_days == -(-count // TEN_MINUTES)
    if count <= 7 * TEN_MINUTES:
        assert first.cycle_days <= 7  # within the week while a week's slots hold them all
    seen: set[int] = set()
    for day in days(date(2026, 12, 1), first.cycle_days):
        rotation = ten_minutes(listed, day, NOW)
        assert 0 < len(rotation.chosen) <= TEN_MINUTES
        assert len(set(rotation.chosen)) == len(rotation.chosen)
        seen |= set(rotation.chosen)
    assert seen == set(range(1, count + 1))


@pytest.mark.parametrize(
    ("count", "urgent"), [(24, 9), (100, 20), (60, 8), (163, 16), (30, 30), (200, 3)]
)
def test_no_request_waits_longer_than_the_page_says(count, urgent):
    """Whatever mix of urgent and other requests: on any run of ``cycle_days`` days in a row,
    every request comes at least once."""
    listed = rows(count, urgent=urgent)
    start = date(2026, 12, 1)
    shown = [set(ten_minutes(listed, day, NOW).chosen) for day in days(start, 60)]
    cycle = ten_minutes(listed, start, NOW).cycle_days
    assert all(ten_minutes(listed, d, NOW).cycle_days == cycle for d in days(start, 60))
    for first in range(60 - cycle):
        window = set().union(*shown[first : first + cycle])
        assert window == set(range(1, count + 1)), (first, cycle)


def test_urgent_and_new_requests_come_first_every_day():
    listed = rows(60, urgent=2, new=3)
    for day in days(date(2026, 12, 1), 10):
        chosen = ten_minutes(listed, day, NOW).chosen
        assert chosen[:2] == [1, 2]
        assert set(chosen[2:5]) == {3, 4, 5}
        assert TEN_MINUTES - 2 <= len(chosen) <= TEN_MINUTES


def test_a_request_is_new_for_three_days_only():
    listed = [(1, False, NOW - NEW_FOR + timedelta(minutes=1)), *rows(60)[1:]]
    assert ten_minutes(listed, date(2026, 12, 1), NOW).chosen[0] == 1
    later = NOW + timedelta(minutes=2)
    chosen = [ten_minutes(listed, d, later).chosen for d in days(date(2026, 12, 1), 5)]
    assert sum(1 in c for c in chosen) == 1  # now only in its turn


def test_many_urgent_requests_take_turns_and_still_leave_room_for_the_others():
    listed = rows(100, urgent=20)
    seen_urgent: set[int] = set()
    for day in days(date(2026, 12, 1), 3):
        chosen = ten_minutes(listed, day, NOW).chosen
        urgent = [pk for pk in chosen if pk <= 20]
        assert len(urgent) <= TEN_MINUTES * 2 // 3
        assert len(chosen) - len(urgent) >= TEN_MINUTES // 3
        seen_urgent |= set(urgent)
    assert seen_urgent == set(range(1, 21))


@pytest.mark.django_db
def test_today_shows_ten_minutes_and_everything_is_one_tap_away(
    intercessor_client, community, intercessor
):
    partners = [make_partner(community, name=f"Partner {n}") for n in range(3)]
    make_group(community, members=[intercessor], partners=partners)
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        requests = [make_request(partners[n % 3], text=f"Request number {n}.") for n in range(30)]
    url = reverse("intercession:today", args=[community.slug])
    html = intercessor_client.get(url).content.decode()
    shown = [r for r in requests if r.text in html]
    assert len(shown) == 10  # 30 in turn over 3 days: at most TEN_MINUTES a day
    assert "each coming round within 3 days" in html
    assert 'href="?all=1">Show all 30 requests' in html
    for partner in partners:  # the partners they carry stay, with or without a request today
        assert partner.name in html
    everything = intercessor_client.get(url, {"all": "1"}).content.decode()
    assert all(r.text in everything for r in requests)
    assert "Showing all 30 requests." in everything
    assert "Back to today’s ten minutes" in everything


@pytest.mark.django_db
def test_the_progress_line_after_a_tap_counts_the_same_list_as_the_page(
    intercessor_client, community, intercessor
):
    partners = [make_partner(community, name=f"Partner {n}") for n in range(2)]
    make_group(community, members=[intercessor], partners=partners[:1])
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        # Another partner's requests reach the list because they are shared with everyone.
        shared = [
            make_request(partners[1], text=f"Shared {n}.", visibility="community")
            for n in range(30)
        ]
    url = reverse("intercession:today", args=[community.slug])
    # The second tap is for the same partner: still one of the two.
    for query, before, after in (("", 0, 1), ("?all=1", 1, 1)):
        page = intercessor_client.get(url + query).content.decode().replace("&#x27;", "'")
        assert f"prayed for {before} of 2 partners today" in page
        on_page = next(r for r in shared if r.text in page)
        tap = (
            intercessor_client.post(
                reverse("intercession:pray", args=[community.slug]),
                {"request": on_page.pk, "key": f"k{query}", "next": url + query},
                HTTP_HX_REQUEST="true",
            )
            .content.decode()
            .replace("&#x27;", "'")
        )
        assert 'id="today-progress" data-hx-swap-oob="true"' in tap
        assert f"prayed for {after} of 2 partners today" in tap


@pytest.mark.django_db
def test_a_partner_whose_requests_come_on_other_days_says_so(
    intercessor_client, community, intercessor
):
    busy, quiet = make_partner(community, name="Busy Partner"), make_partner(community)
    make_group(community, members=[intercessor], partners=[busy, quiet])
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        for n in range(30):
            make_request(busy, text=f"Request number {n}.")
    html = intercessor_client.get(reverse("intercession:today", args=[community.slug])).content
    page = html.decode()
    assert "20 more requests come round on other days." in page
    # The partner with no request at all is still one to pray for by name.
    assert page.count("No requests right now") == 1


@pytest.mark.django_db
def test_answers_since_the_last_visit_are_told_however_many_requests_are_new(
    intercessor_client, community, intercessor
):
    from partnerships.models import PrayerRequest

    partner = make_partner(community)
    make_group(community, members=[intercessor], partners=[partner])
    url = reverse("intercession:today", args=[community.slug])
    with time_machine.travel(timezone.now() - timedelta(hours=5)):
        answered = make_request(partner, text="The visa came through.")
        intercessor_client.get(url)  # the last visit
    # Answered an hour ago; since then, many new requests, each changed later than the answer.
    PrayerRequest.objects.filter(pk=answered.pk).update(
        status="answered",
        answered_on=timezone.localdate(),
        updated_at=timezone.now() - timedelta(hours=1),
    )
    for n in range(45):
        make_request(partner, text=f"New request {n}.")
    page = intercessor_client.get(url).content.decode()
    assert "The visa came through." in page
