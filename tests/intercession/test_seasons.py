"""Seasons of prayer and fasting: declaring one, taking hours of its chain in one's own time,
the clock of what is held, the days' focus, and what was prayed and answered."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from intercession.models import PrayerLog, Season, SeasonHour
from intercession.seasons import selectors, services
from partnerships.models import Membership, Role
from tests.conftest import client_for
from tests.factories import (
    make_community,
    make_group,
    make_member,
    make_partner,
    make_request,
    make_season,
)

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def membership_of(user, community) -> Membership:
    membership = Membership.objects.get(user=user, community=community)
    membership.user = user
    return membership


def test_a_coordinator_declares_a_season_and_sets_a_days_focus(community, coordinator):
    client = client_for(coordinator)
    tomasz = make_partner(community, name="Tomasz Nowak")
    response = client.post(
        reverse("intercession:season_create", args=[community.slug]),
        {
            "title": "Twenty-one days for the visa",
            "purpose": "Until the answer comes",
            "starts_on": "2027-01-04",
            "ends_on": "2027-01-24",
            "time_zone": "Europe/London",
        },
    )
    season = Season.objects.get()
    assert response.status_code == 302 and season.length == 21
    assert season.created_by == coordinator
    url = reverse("intercession:season_day_edit", args=[community.slug, season.pk, 3])
    assert "Day 3 of 21" in client.get(url).content.decode()
    client.post(
        url, {"focus": "The visa office", "scripture": "Proverbs 21:1", "partners": [tomasz.pk]}
    )
    [focus] = season.focus_days.all()
    assert focus.day == date(2027, 1, 6) and list(focus.partners.all()) == [tomasz]
    page = client.get(reverse("intercession:season", args=[community.slug, season.pk]))
    assert "The visa office" in page.content.decode() or "The other days" in page.content.decode()


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "message"),
    [
        ("2027-01-10", "2027-01-09", "The last day comes on or after the first."),
        ("2027-01-01", "2027-03-01", "A season lasts at most 40 days."),
    ],
)
def test_a_season_with_impossible_days_is_refused_with_a_clear_message(
    community, coordinator, starts_on, ends_on, message
):
    response = client_for(coordinator).post(
        reverse("intercession:season_create", args=[community.slug]),
        {"title": "Days", "starts_on": starts_on, "ends_on": ends_on, "time_zone": "UTC"},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Season.objects.exists()


def test_shortening_a_season_drops_the_hours_and_focus_of_the_days_taken_out(
    community, coordinator, intercessor
):
    season, _ = make_season(community, starts_in_days=1, days=7)
    last = season.ends_on
    services.season_hour_take(
        season=season,
        membership=membership_of(intercessor, community),
        hour=9,
        day=last,
        fasting=False,
    )
    services.season_hour_take(
        season=season,
        membership=membership_of(intercessor, community),
        hour=10,
        day=None,
        fasting=False,
    )
    services.season_save(
        community=community,
        season=season,
        created_by=coordinator,
        fields={"ends_on": last - timedelta(days=1)},
    )
    assert list(season.hours.values_list("hour", flat=True)) == [10]
    assert season.focus_days.count() == 6


def test_taking_an_hour_twice_keeps_one_and_its_latest_answer_on_fasting(community, intercessor):
    season, _ = make_season(community)
    membership = membership_of(intercessor, community)
    first = services.season_hour_take(
        season=season, membership=membership, hour=2, day=None, fasting=False
    )
    again = services.season_hour_take(
        season=season, membership=membership, hour=2, day=None, fasting=True
    )
    assert first.pk == again.pk and SeasonHour.objects.get().fasting is True


def test_hours_that_cannot_be_taken_say_why(community, intercessor, partner):
    season, _ = make_season(community, starts_in_days=-2, days=5)
    membership = membership_of(intercessor, community)
    with pytest.raises(ValidationError, match="already passed"):
        services.season_hour_take(
            season=season, membership=membership, hour=0, day=season.starts_on, fasting=False
        )
    with pytest.raises(ValidationError, match="not in the season"):
        services.season_hour_take(
            season=season,
            membership=membership,
            hour=0,
            day=season.ends_on + timedelta(days=1),
            fasting=False,
        )
    over, _ = make_season(community, starts_in_days=-10, days=3)
    with pytest.raises(ValidationError, match="season is over"):
        services.season_hour_take(
            season=over, membership=membership, hour=5, day=None, fasting=False
        )
    assert not SeasonHour.objects.exists()


def test_a_bad_hour_posted_is_a_clear_message_and_nothing_is_taken(community, intercessor):
    season, _ = make_season(community)
    client = client_for(intercessor)
    url = reverse("intercession:season_hour_take", args=[community.slug, season.pk])
    for data in ({"hour": "25"}, {"hour": "x"}, {"hour": "3", "day": "2001-01-01"}, {}):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert "Select a valid choice" in response.content.decode() or "required" in (
            response.content.decode()
        )
    assert not SeasonHour.objects.exists()


def test_a_member_in_tokyo_sees_and_takes_the_london_night_hour_at_their_own_time(community):
    """03:00 in London in January is 12:00 in Tokyo: the page offers and confirms it so."""
    tokyo = make_member(community, Role.INTERCESSOR, time_zone="Asia/Tokyo")
    with time_machine.travel(datetime(2027, 1, 5, 9, 0, tzinfo=UTC), tick=False):
        season, _ = make_season(community, starts_in_days=1, days=7, time_zone="Europe/London")
        client = client_for(tokyo)
        page = client.get(reverse("intercession:season", args=[community.slug, season.pk]))
        html = page.content.decode()
        assert '<option value="3">12:00–13:00 · nobody yet</option>' in html
        assert "The season keeps Europe/London time." in html
        response = client.post(
            reverse("intercession:season_hour_take", args=[community.slug, season.pk]),
            {"hour": "3", "day": "", "fasting": "on"},
            follow=True,
        )
        assert (
            "The hour 12:00–13:00 is yours, every day of the season." in response.content.decode()
        )
        held = SeasonHour.objects.get(user=tokyo)
        # Reminded a quarter of an hour before 03:00 London on the first day: 02:45 UTC.
        assert held.remind_at == datetime(2027, 1, 6, 2, 45, tzinfo=UTC)


def test_the_clock_shows_held_every_day_some_days_and_open_hours(
    community, intercessor, coordinator
):
    season, _ = make_season(community, starts_in_days=1, days=3)
    services.season_hour_take(
        season=season,
        membership=membership_of(intercessor, community),
        hour=5,
        day=None,
        fasting=True,
    )
    for day in season.days()[1:]:
        services.season_hour_take(
            season=season,
            membership=membership_of(coordinator, community),
            hour=6,
            day=day,
            fasting=False,
        )
    for day in season.days():
        services.season_hour_take(
            season=season,
            membership=membership_of(coordinator, community),
            hour=7,
            day=day,
            fasting=False,
        )
    hours = selectors.coverage(season, ZoneInfo("Europe/London"), season.starts_on, intercessor.pk)
    states = {h.hour: h.state for h in hours}
    assert states[5] == "full" and states[6] == "partial" and states[7] == "full"
    assert states[8] == "open" and sum(1 for h in hours if h.state == "open") == 21
    assert [h.hour for h in hours if h.mine] == [5]
    assert hours[6].days_held == 2 and hours[5].fasting == 1


def test_giving_up_an_hour_is_for_its_holder_only(community, intercessor, coordinator):
    season, held = make_season(community, holder=intercessor)
    url = reverse("intercession:season_hour_release", args=[community.slug, season.pk, held.pk])
    assert client_for(coordinator).post(url).status_code == 404
    assert SeasonHour.objects.filter(pk=held.pk).exists()
    assert client_for(intercessor).post(url).status_code == 302
    assert not SeasonHour.objects.filter(pk=held.pk).exists()


def test_focus_partners_show_only_to_those_who_may_see_them(community, intercessor, coordinator):
    adopted = make_partner(community, name="Tomasz Nowak")
    make_request(adopted, text="Favour at the visa office")
    hidden = make_partner(community, name="Marcus Bell")
    make_request(hidden, text="Integrity in business")
    make_group(community, members=[intercessor], partners=[adopted])
    season, _ = make_season(community, partners=[adopted, hidden])
    url = reverse("intercession:season", args=[community.slug, season.pk])
    seen = client_for(intercessor).get(url).content.decode()
    assert "Tomasz Nowak" in seen and "Favour at the visa office" in seen
    assert "Marcus Bell" not in seen and "Integrity in business" not in seen
    everything = client_for(coordinator).get(url).content.decode()
    assert "Marcus Bell" in everything and "Integrity in business" in everything


def test_the_season_tells_what_was_prayed_and_answered_in_it(community, intercessor, coordinator):
    tomasz = make_partner(community, name="Tomasz Nowak")
    make_group(community, members=[intercessor], partners=[tomasz])
    season, _ = make_season(community, starts_in_days=-6, days=5)
    inside = season.begins_at + timedelta(days=1)
    PrayerLog.objects.create(user=intercessor, partner=tomasz, prayed_at=inside, fasted=True)
    PrayerLog.objects.create(user=coordinator, partner=tomasz, prayed_at=inside)
    PrayerLog.objects.create(user=coordinator, partner=tomasz, prayed_at=season.finishes_at)
    make_request(
        tomasz,
        text="The visa came",
        status="answered",
        answered_on=season.starts_on + timedelta(days=2),
    )
    make_request(
        tomasz, text="Too late", status="answered", answered_on=season.ends_on + timedelta(days=1)
    )
    page = selectors.season_page(season, membership_of(intercessor, community))
    assert page.state == "over" and page.days_near == []
    summary = page.summary
    assert (summary["prayers"], summary["people"], summary["fasted"]) == (2, 2, 1)
    assert [r.text for r in summary["answered"]] == ["The visa came"]
    html = (
        client_for(intercessor)
        .get(reverse("intercession:season", args=[community.slug, season.pk]))
        .content.decode()
    )
    assert "What was prayed" in html and "Take an hour" not in html


def test_partners_cannot_take_hours(community, partner):
    season, _ = make_season(community)
    with pytest.raises(PermissionDenied):
        services.season_hour_take(
            season=season,
            membership=membership_of(partner, community),
            hour=1,
            day=None,
            fasting=False,
        )
    assert not SeasonHour.objects.exists()


def test_seasons_list_running_then_coming_then_over(community, intercessor):
    over, _ = make_season(community, title="Over", starts_in_days=-20, days=3)
    coming, _ = make_season(community, title="Coming", starts_in_days=5)
    running, _ = make_season(community, title="Running", holder=intercessor)
    entries = selectors.season_list(membership_of(intercessor, community))
    assert [(e.season.title, e.state) for e in entries] == [
        ("Running", "running"),
        ("Coming", "coming"),
        ("Over", "over"),
    ]
    assert entries[0].hours_held == 1
    html = client_for(intercessor).get(reverse("intercession:season_list", args=[community.slug]))
    assert "1 of 24 hours held" in html.content.decode()


def test_the_coordinators_home_names_the_hours_nobody_holds(community, coordinator, intercessor):
    season, _ = make_season(community, title="Days for the visa", holder=intercessor)
    make_season(community, title="Long ago", starts_in_days=-30, days=3)
    make_season(community, title="Next month", starts_in_days=30, days=3)
    html = client_for(coordinator).get(reverse("partnerships:community", args=[community.slug]))
    text = html.content.decode()
    assert "23 hours of “Days for the visa” have nobody yet" in text
    assert reverse("intercession:season", args=[community.slug, season.pk]) in text
    assert "Long ago" not in text and "Next month" not in text


def test_a_days_chosen_requests_are_prayed_that_day_as_each_reader_may_see_them(
    community, intercessor, coordinator
):
    tomasz = make_partner(community, name="Tomasz Nowak")
    visa = make_request(tomasz, text="Favour at the visa office")
    make_request(tomasz, text="Rest for Anna")
    secret = make_request(tomasz, text="The hard conversation", visibility="coordinators")
    marcus = make_partner(community, name="Marcus Bell")
    shared = make_request(marcus, text="The sale of the business", visibility="community")
    make_request(marcus, text="His father's health")
    make_group(community, members=[intercessor], partners=[tomasz])
    season, _ = make_season(community, starts_in_days=1, days=2)
    first = season.starts_on
    client = client_for(coordinator)
    url = reverse("intercession:season_day_edit", args=[community.slug, season.pk, 1])
    form = client.get(url).content.decode()
    assert "Tomasz Nowak: Favour at the visa office" in form
    response = client.post(
        url,
        {"focus": "Decisions", "scripture": "", "requests": [visa.pk, secret.pk, shared.pk]},
    )
    assert response.status_code == 302
    days = selectors.focus_day_list(season, membership_of(intercessor, community))
    praying = {e["partner"].name: [r.text for r in e["requests"]] for e in days[0]["partners"]}
    # Tomasz's chosen request and not his others; Marcus comes with the request shared with
    # the whole community, though the intercessor's group has not adopted him.
    assert praying == {
        "Tomasz Nowak": ["Favour at the visa office"],
        "Marcus Bell": ["The sale of the business"],
    }
    assert days[0]["day"] == first
    coordinators = selectors.focus_day_list(season, membership_of(coordinator, community))
    assert {r.text for e in coordinators[0]["partners"] for r in e["requests"]} == {
        "Favour at the visa office",
        "The hard conversation",
        "The sale of the business",
    }


def test_someone_who_leaves_the_community_leaves_its_hours_open(community, intercessor):
    from partnerships.services.communities import membership_remove

    season, held = make_season(community, holder=intercessor)
    elsewhere = make_member(
        make_season(make_community(), holder=None)[0].community, Role.COORDINATOR
    )
    assert elsewhere.pk
    membership_remove(membership=Membership.objects.get(user=intercessor, community=community))
    assert not SeasonHour.objects.filter(pk=held.pk).exists()
    page = selectors.coverage(season, ZoneInfo("UTC"), season.starts_on)
    assert all(h.state == "open" for h in page)
