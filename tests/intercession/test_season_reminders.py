"""The reminder before one's hour in a season of prayer: a quarter of an hour before, once per
hour held and day, DST-correct in the season's clock, never a backlog after downtime."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from intercession.models import Season, SeasonHour
from intercession.seasons.notices import season_hours_due
from intercession.seasons.services import REMIND_BEFORE, next_reminder, season_hour_take
from notifications import dispatch, ledger
from notifications.models import Delivery, DeliveryStatus, Preference
from notifications.send import send_batch
from partnerships.models import Membership, Role
from tests.factories import make_community, make_member, make_partner, make_request, make_season

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def take(season, user, hour, day=None, fasting=False) -> SeasonHour:
    membership = Membership.objects.get(user=user, community=season.community)
    membership.user = user
    return season_hour_take(
        season=season, membership=membership, hour=hour, day=day, fasting=fasting
    )


def run(now: datetime) -> list[int]:
    with time_machine.travel(now, tick=False), transaction.atomic():
        return ledger.write(season_hours_due(now))


def test_reminded_a_quarter_of_an_hour_before_once_then_moved_to_the_next_day():
    community = make_community(time_zone="Europe/London")
    user = make_member(community, Role.INTERCESSOR, time_zone="Europe/London")
    with time_machine.travel(datetime(2027, 1, 4, 12, 0, tzinfo=UTC), tick=False):
        season, _ = make_season(community, starts_in_days=1, days=3)
        held = take(season, user, 3, fasting=True)
    assert held.remind_at == datetime(2027, 1, 5, 2, 45, tzinfo=UTC)
    assert run(datetime(2027, 1, 5, 2, 44, tzinfo=UTC)) == []
    [first] = run(datetime(2027, 1, 5, 2, 45, 30, tzinfo=UTC))
    assert run(datetime(2027, 1, 5, 2, 46, tzinfo=UTC)) == []  # claimed: not again
    held.refresh_from_db()
    assert held.remind_at == datetime(2027, 1, 6, 2, 45, tzinfo=UTC)
    delivery = Delivery.objects.get(pk=first)
    assert (delivery.kind, delivery.topic, delivery.local_date) == (
        "season_hour",
        f"hour:{held.pk}",
        date(2027, 1, 5),
    )
    # The last day's reminder is the last: then nothing is left to remind of.
    run(datetime(2027, 1, 6, 2, 50, tzinfo=UTC))
    run(datetime(2027, 1, 7, 2, 50, tzinfo=UTC))
    held.refresh_from_db()
    assert held.remind_at is None
    assert Delivery.objects.filter(kind="season_hour").count() == 3


def test_after_downtime_only_the_hour_under_way_is_reminded_of_never_a_backlog():
    community = make_community(time_zone="Europe/London")
    user = make_member(community, Role.INTERCESSOR)
    with time_machine.travel(datetime(2027, 1, 4, 12, 0, tzinfo=UTC), tick=False):
        season, _ = make_season(community, starts_in_days=1, days=7)
        held = take(season, user, 3)
    # Down from before the first hour until the fourth day's hour is under way.
    written = run(datetime(2027, 1, 8, 3, 20, tzinfo=UTC))
    [delivery] = Delivery.objects.filter(pk__in=written)
    assert delivery.local_date == date(2027, 1, 8)
    held.refresh_from_db()
    assert held.remind_at == datetime(2027, 1, 9, 2, 45, tzinfo=UTC)
    # Down past the end of an hour: nothing late, the next day's is kept.
    assert run(datetime(2027, 1, 10, 4, 30, tzinfo=UTC)) == []
    held.refresh_from_db()
    assert held.remind_at == datetime(2027, 1, 11, 2, 45, tzinfo=UTC)


def test_one_day_hours_and_people_who_left_are_not_reminded():
    community = make_community(time_zone="Europe/London")
    user = make_member(community, Role.INTERCESSOR)
    leaver = make_member(community, Role.INTERCESSOR)
    with time_machine.travel(datetime(2027, 1, 4, 12, 0, tzinfo=UTC), tick=False):
        season, _ = make_season(community, starts_in_days=1, days=5)
        one_day = take(season, user, 8, day=date(2027, 1, 7))
        take(season, leaver, 8)
    Membership.objects.filter(user=leaver).delete()
    assert one_day.remind_at == datetime(2027, 1, 7, 7, 45, tzinfo=UTC)
    for day in range(5, 10):
        run(datetime(2027, 1, day, 7, 50, tzinfo=UTC))
    assert list(Delivery.objects.values_list("user_id", "local_date")) == [
        (user.pk, date(2027, 1, 7))
    ]


# Both changes of the clocks of a year, north and south, and a zone without them; and whether
# the clocks go forward that day (an hour of the season's clock is skipped).
DST_CASES = [
    ("Europe/London", date(2027, 3, 28), True),
    ("Europe/London", date(2027, 10, 31), False),
    ("America/New_York", date(2027, 3, 14), True),
    ("America/New_York", date(2027, 11, 7), False),
    ("Australia/Sydney", date(2027, 4, 4), False),
    ("Australia/Sydney", date(2027, 10, 3), True),
    ("Asia/Kolkata", date(2027, 3, 28), False),
]


@pytest.mark.parametrize(("zone_name", "change", "forward"), DST_CASES)
def test_every_hour_of_three_days_around_a_change_of_the_clocks(zone_name, change, forward):
    """One person holds all 24 hours of a season from the day before a change of the clocks
    to the day after; beat runs every five minutes. Each hour that exists on the season's
    clock is reminded of once, 15 minutes before it begins there; the hour the clocks skip
    is not; a repeated hour is its first occurrence."""
    zone = ZoneInfo(zone_name)
    community = make_community(time_zone=zone_name)
    # The holder lives elsewhere: the season's clock decides, not theirs.
    user = make_member(community, Role.INTERCESSOR, time_zone="America/Los_Angeles")
    season = Season.objects.create(
        community=community,
        title="Around the change",
        starts_on=change - timedelta(days=1),
        ends_on=change + timedelta(days=1),
        time_zone=zone_name,
    )
    with time_machine.travel(season.begins_at - timedelta(hours=2), tick=False):
        for hour in range(24):
            take(season, user, hour)
    now = season.begins_at - timedelta(hours=1)
    while now < season.finishes_at + timedelta(hours=1):
        run(now)
        now += timedelta(minutes=5)
    expected = set()
    for day in season.days():
        for hour in range(24):
            start, end = season.hour_start(day, hour), season.hour_end(day, hour)
            if start < end:
                expected.add((day, start - REMIND_BEFORE))
                # On the season's clock the hour begins at its own wall-clock time, except
                # the one the clocks skip (which begins when they resume).
                assert start.astimezone(zone).time() in (time(hour), time((hour + 1) % 24))
    written = list(Delivery.objects.values_list("local_date", "due_at"))
    assert len(written) == len(set(written)) == len(expected)
    assert {(d, at.astimezone(UTC)) for d, at in written} == {
        (d, at.astimezone(UTC)) for d, at in expected
    }
    assert len(expected) == 72 - (1 if forward else 0)


def test_the_repeated_hour_is_reminded_of_at_its_first_occurrence():
    community = make_community(time_zone="Europe/London")
    user = make_member(community, Role.INTERCESSOR)
    season = Season.objects.create(
        community=community,
        title="Autumn",
        starts_on=date(2027, 10, 31),
        ends_on=date(2027, 10, 31),
        time_zone="Europe/London",
    )
    with time_machine.travel(datetime(2027, 10, 30, 12, 0, tzinfo=UTC), tick=False):
        held = take(season, user, 1)
    # 01:00 BST (00:00 UTC) comes first; 01:00 GMT an hour later is not a second reminder.
    assert held.remind_at == datetime(2027, 10, 30, 23, 45, tzinfo=UTC)
    assert season.hour_end(date(2027, 10, 31), 1) - season.hour_start(date(2027, 10, 31), 1) == (
        timedelta(hours=2)
    )
    assert next_reminder(held, held.remind_at) is None


def test_the_email_shows_the_hour_at_the_readers_time_and_on_the_seasons_clock(settings):
    community = make_community(time_zone="Europe/London")
    tomasz = make_partner(community, name="Tomasz Nowak")
    make_request(tomasz, text="Favour at the visa office")
    make_request(tomasz, text="Only for coordinators", visibility="coordinators")
    user = make_member(community, Role.COORDINATOR, time_zone="Asia/Tokyo")
    Preference.objects.create(user=user)
    with time_machine.travel(datetime(2027, 1, 4, 12, 0, tzinfo=UTC), tick=False):
        season, _ = make_season(
            community, starts_in_days=1, days=3, partners=[tomasz], title="Days for the visa"
        )
        take(season, user, 3, fasting=True)
    with time_machine.travel(datetime(2027, 1, 5, 2, 46, tzinfo=UTC), tick=False):
        ids = dispatch.dispatch_due()
        hour_ids = list(
            Delivery.objects.filter(pk__in=ids, kind="season_hour").values_list("pk", flat=True)
        )
        assert len(hour_ids) == 1
        assert send_batch(hour_ids) == []
    [message] = [m for m in mail.outbox if m.extra_headers["X-Epaphras-Kind"] == "season_hour"]
    assert message.subject == "Your hour of prayer begins at 12:00"
    body = message.body
    assert (
        "Your hour of prayer: 12:00–13:00 (Tokyo time); 03:00 on the season's clock, in London."
        in body
    )
    assert "Days for the visa · day 1 of 3" in body
    assert "You said you would fast." in body
    assert "Today's focus: Open doors" in body and "Tomasz Nowak" in body
    # Mail carries what any member may read, not what is kept for coordinators.
    assert "Favour at the visa office" in body and "Only for coordinators" not in body
    assert Delivery.objects.get(pk=hour_ids[0]).status == DeliveryStatus.SENT


def test_an_hour_given_up_or_over_sends_nothing():
    community = make_community(time_zone="Europe/London")
    user = make_member(community, Role.INTERCESSOR)
    with time_machine.travel(datetime(2027, 1, 4, 12, 0, tzinfo=UTC), tick=False):
        season, _ = make_season(community, starts_in_days=1, days=3)
        held = take(season, user, 3)
        other = take(season, user, 4)
    ids = run(datetime(2027, 1, 5, 2, 46, tzinfo=UTC)) + run(
        datetime(2027, 1, 5, 3, 46, tzinfo=UTC)
    )
    held.delete()
    with time_machine.travel(datetime(2027, 1, 5, 5, 1, tzinfo=UTC), tick=False):
        # The first was given up; the second's hour (04:00–05:00) is over.
        assert send_batch(ids) == []
    assert not mail.outbox
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SKIPPED}
    assert other.pk
