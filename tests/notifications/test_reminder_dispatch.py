"""The dispatcher: each reminder at its local time, once, across DST changes and downtime."""

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from intercession.models import GroupReminder, PrayerLog, Season, SeasonHour
from intercession.notices import member_next_reminder
from notifications import dispatch, schedule
from notifications.models import Delivery, Preference
from partnerships.models import Role
from tests.factories import make_checkin, make_community, make_group, make_member, make_partner

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _no_sending(monkeypatch):
    """The dispatcher's job ends at the delivery row; sending is tested elsewhere."""
    monkeypatch.setattr("notifications.tasks.enqueue_deliveries", lambda ids: None)


def person(zone: str, at: time = time(7, 0), role=Role.INTERCESSOR, community=None):
    community = community or make_community(time_zone=zone)
    user = make_member(community, role, time_zone=zone)
    return user


def transitions(zone_name: str, year: int) -> list[date]:
    """The days on which ``zone_name`` changes its UTC offset in ``year``."""
    zone = ZoneInfo(zone_name)
    days, day = [], date(year, 1, 1)
    previous = datetime.combine(day, time(12), zone).utcoffset()
    while day.year == year:
        day += timedelta(days=1)
        offset = datetime.combine(day, time(12), zone).utcoffset()
        if offset != previous:
            days.append(day)
        previous = offset
    return days


ZONES = {
    # zone: a wall-clock time that falls in a gap or a fold on some transition there
    "America/New_York": time(2, 30),
    "Europe/London": time(1, 30),
    "Australia/Sydney": time(2, 30),
    "Asia/Kolkata": time(0, 0),
    "Asia/Tehran": time(0, 0),
}


def run_days(user, at: time, first_day: date, days: int, step=timedelta(minutes=10)):
    zone = ZoneInfo(user.time_zone)
    start = schedule.wall_clock(first_day, time(0, 0), zone) - timedelta(hours=1)
    Preference.objects.update_or_create(
        user=user,
        defaults={
            "daily_time": at,
            "daily_next_at": schedule.next_daily(at, zone, start),
            "checkin_digest_enabled": False,
        },
    )
    now = start.astimezone(UTC)  # step in real time, not wall-clock time
    end = schedule.wall_clock(first_day + timedelta(days=days), time(0, 0), zone)
    while now < end:
        with time_machine.travel(now, tick=False):
            dispatch.dispatch_due(now)
        # Every ``step`` within an hour of the reminder's wall-clock time, hourly elsewhere
        # (an hour is never more than the half-width, so no tick skips the window): a reminder
        # sent early, late or twice still shows; the pure walk covers every tick.
        near = _minutes_apart(now.astimezone(zone).time(), at) <= 60
        now += step if near else timedelta(hours=1)
    return list(Delivery.objects.filter(user=user, kind="daily").order_by("local_date"))


def _minutes_apart(a: time, b: time) -> int:
    apart = abs((a.hour * 60 + a.minute) - (b.hour * 60 + b.minute))
    return min(apart, 24 * 60 - apart)


def walk(at: time, zone: ZoneInfo, first_day: date, days: int, step: timedelta):
    """The dispatcher's rule for one daily schedule, without the database: at each tick a due
    schedule gives its occurrence (``late_occurrence``) and moves on (``next_daily``).
    Returns (occurrence, tick) pairs."""
    start = schedule.wall_clock(first_day, time(0, 0), zone) - timedelta(hours=1)
    next_at = schedule.next_daily(at, zone, start)
    now = start.astimezone(UTC)  # step in real time, not wall-clock time
    end = schedule.wall_clock(first_day + timedelta(days=days), time(0, 0), zone)
    sent = []
    while now < end:
        if next_at.astimezone(UTC) <= now:
            occurrence = schedule.late_occurrence(next_at, at, zone, now, timedelta(days=1))
            next_at = schedule.next_daily(at, zone, now)
            if occurrence is not None:
                sent.append((occurrence, now))
        now += step
    return sent


def expected_instant(day: date, at: time, zone: ZoneInfo) -> float:
    """The rule, worked out apart from the code under test: a time that happens twice is its
    earlier occurrence; a time that does not happen is read with the offset from before the
    gap, which moves it forward by the gap (02:30 becomes 03:30)."""
    naive = datetime.combine(day, at)
    real = [
        aware.timestamp()
        for fold in (0, 1)
        if (aware := naive.replace(tzinfo=zone, fold=fold))
        .astimezone(UTC)
        .astimezone(zone)
        .replace(tzinfo=None)
        == naive
    ]
    if real:
        return min(real)
    before = (naive - timedelta(hours=3)).replace(tzinfo=zone).utcoffset()
    assert before is not None
    return (naive - before).replace(tzinfo=UTC).timestamp()


def assert_one_a_day_at_the_local_time(sent, at, zone, first_day, days, step):
    # One a day, none skipped, none doubled …
    local_dates = [occurrence.astimezone(zone).date() for occurrence, _tick in sent]
    assert local_dates == [first_day + timedelta(days=i) for i in range(days)]
    for (occurrence, tick), day in zip(sent, local_dates, strict=True):
        # … each due at the wall-clock time (moved forward if that time did not exist, the
        # first one if it happened twice); compared as instants, since Python calls an
        # ambiguous local time unequal to everything in another zone …
        assert occurrence.timestamp() == expected_instant(day, at, zone)
        # … and written within one tick of it.
        assert timedelta(0) <= tick - occurrence < step


CASES = [(zone, which) for zone in sorted(ZONES) for which in ("07:00", "edge")]


@pytest.mark.parametrize(("zone_name", "which"), CASES)
def test_the_daily_rule_across_both_transitions_of_the_year(zone_name, which):
    at = time(7, 0) if which == "07:00" else ZONES[zone_name]
    days = transitions(zone_name, 2026) or [date(2026, 3, 21), date(2026, 9, 22)]
    assert len(days) == 2 or zone_name in {"Asia/Kolkata", "Asia/Tehran"}
    zone = ZoneInfo(zone_name)
    step = timedelta(minutes=10)
    for transition in days:
        first = transition - timedelta(days=1)
        sent = walk(at, zone, first, 3, step)
        assert_one_a_day_at_the_local_time(sent, at, zone, first, 3, step)


@pytest.mark.parametrize(("zone_name", "which"), CASES)
def test_the_daily_rule_on_every_day_of_a_year(zone_name, which):
    at = time(7, 0) if which == "07:00" else ZONES[zone_name]
    zone = ZoneInfo(zone_name)
    step = timedelta(minutes=30)
    sent = walk(at, zone, date(2026, 1, 1), 365, step)
    assert_one_a_day_at_the_local_time(sent, at, zone, date(2026, 1, 1), 365, step)


# The same rule end to end, through the database and the dispatcher, on the zone whose edge
# time falls in both a gap and a fold, and on one that changes its clocks at 01:00.
@pytest.mark.parametrize("zone_name", ["America/New_York", "Europe/London"])
def test_daily_reminders_across_both_transitions_of_the_year(zone_name):
    at = ZONES[zone_name]
    days = transitions(zone_name, 2026)
    assert len(days) == 2
    zone = ZoneInfo(zone_name)
    for transition in days:
        user = person(zone_name)
        # The day the clocks change and the day after, from the hour before midnight.
        deliveries = run_days(user, at, transition, days=2)
        # One a day, none skipped, none doubled …
        assert [d.local_date for d in deliveries] == [transition, transition + timedelta(days=1)]
        for delivery in deliveries:
            due_local = delivery.due_at.astimezone(zone)
            # … each due at the wall-clock time, compared as instants …
            assert delivery.due_at.timestamp() == expected_instant(delivery.local_date, at, zone)
            assert due_local.date() == delivery.local_date
            # … and written within one tick of it.
            assert timedelta(0) <= delivery.created_at - delivery.due_at < timedelta(minutes=10)


def test_a_late_reminder_after_an_outage_across_a_change_of_the_clocks():
    """Down from Saturday to Monday 07:30 over the spring change: Monday's 07:00 still goes."""
    zone = ZoneInfo("Europe/London")
    due = schedule.wall_clock(date(2026, 3, 28), time(7, 0), zone)
    back = schedule.wall_clock(date(2026, 3, 30), time(7, 30), zone).astimezone(UTC)
    late = schedule.late_occurrence(due, time(7, 0), zone, back, timedelta(days=1))
    assert late == schedule.wall_clock(date(2026, 3, 30), time(7, 0), zone)
    weekly_due = schedule.wall_clock(date(2026, 3, 23), time(7, 0), zone)
    assert schedule.late_occurrence(weekly_due, time(7, 0), zone, back, timedelta(days=7)) == late


def test_ambiguous_time_takes_the_first_occurrence():
    zone = ZoneInfo("America/New_York")
    due = schedule.wall_clock(date(2026, 11, 1), time(1, 30), zone)
    assert due.utcoffset() == timedelta(hours=-4)  # EDT, before the clocks go back


def test_missing_time_moves_forward():
    zone = ZoneInfo("America/New_York")
    due = schedule.wall_clock(date(2026, 3, 8), time(2, 30), zone)
    assert (due.hour, due.minute, due.utcoffset()) == (3, 30, timedelta(hours=-4))


def test_after_downtime_one_late_reminder_today_and_no_backlog():
    user = person("Europe/London")
    zone = ZoneInfo("Europe/London")
    due = schedule.wall_clock(date(2026, 6, 1), time(7, 0), zone)
    Preference.objects.create(user=user, daily_next_at=due, checkin_digest_enabled=False)
    # Down from before 07:00 on 1 June until 10:00 on 4 June.
    back = schedule.wall_clock(date(2026, 6, 4), time(10, 0), zone)
    with time_machine.travel(back, tick=False):
        dispatch.dispatch_due(back)
        dispatch.dispatch_due(back + timedelta(minutes=1))
    deliveries = list(Delivery.objects.filter(user=user))
    assert [(d.local_date, d.due_at.astimezone(zone).time()) for d in deliveries] == [
        (date(2026, 6, 4), time(7, 0))
    ]
    pref = Preference.objects.get(user=user)
    assert pref.daily_next_at == schedule.wall_clock(date(2026, 6, 5), time(7, 0), zone)


def test_after_downtime_ending_before_todays_time_nothing_late_is_sent():
    user = person("Europe/London")
    zone = ZoneInfo("Europe/London")
    due = schedule.wall_clock(date(2026, 6, 1), time(7, 0), zone)
    Preference.objects.create(user=user, daily_next_at=due, checkin_digest_enabled=False)
    back = schedule.wall_clock(date(2026, 6, 3), time(6, 0), zone)
    with time_machine.travel(back, tick=False):
        dispatch.dispatch_due(back)
    assert not Delivery.objects.exists()
    at_seven = schedule.wall_clock(date(2026, 6, 3), time(7, 0), zone)
    with time_machine.travel(at_seven, tick=False):
        dispatch.dispatch_due(at_seven)
    assert list(Delivery.objects.values_list("local_date", flat=True)) == [date(2026, 6, 3)]


def test_turned_off_or_bounced_people_get_nothing():
    zone = "Europe/London"
    off, bounced = person(zone), person(zone)
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    Preference.objects.create(user=off, daily_enabled=False, daily_next_at=now)
    Preference.objects.create(user=bounced, bounced_at=now, daily_next_at=now)
    with time_machine.travel(now, tick=False):
        dispatch.dispatch_due(now)
    assert not Delivery.objects.filter(kind="daily").exists()


def test_new_members_get_a_schedule_at_seven_their_time():
    user = person("Asia/Kolkata")
    now = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # 05:30 in Kolkata
    dispatch.ensure_schedules(now)
    pref = Preference.objects.get(user=user)
    assert pref.daily_next_at == datetime(2026, 6, 1, 7, 0, tzinfo=ZoneInfo("Asia/Kolkata"))


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_each_reminder_once(postgresql):
    community = make_community(time_zone="Europe/London")
    due = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
    users = [make_member(community, Role.INTERCESSOR, time_zone="Europe/London") for _ in range(40)]
    for user in users:
        Preference.objects.create(user=user, daily_next_at=due, checkin_digest_enabled=False)
    # And 20 partners whose weekly encouragement falls due at the same minute.
    partners = [make_member(community, Role.PARTNER, time_zone="Europe/London") for _ in range(20)]
    for user in partners:
        profile = make_partner(community, user=user)
        PrayerLog.objects.create(user=users[0], partner=profile)
        Preference.objects.create(
            user=user, daily_enabled=False, checkin_digest_enabled=False, encouragement_next_at=due
        )
    # And the 40 in a group meeting that evening, each reminded at 07:00 London time.
    group = make_group(
        community,
        members=users,
        partners=[make_partner(community)],
        weekday=0,
        meeting_time=time(19, 30),
    )
    GroupReminder.objects.bulk_create(
        GroupReminder(group=group, user=u, next_at=due, time_zone="Europe/London") for u in users
    )
    # And 20 of them whose hour of a season of prayer begins in a quarter of an hour.
    season = Season.objects.create(
        community=community,
        title="Around the clock",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 3),
        time_zone="Europe/London",
    )
    SeasonHour.objects.bulk_create(
        SeasonHour(season=season, user=u, hour=7, remind_at=due) for u in users[:20]
    )
    barrier = threading.Barrier(3)
    errors = []

    def beat():
        barrier.wait()
        try:
            with time_machine.travel(due + timedelta(seconds=30), tick=False):
                dispatch.dispatch_due(due + timedelta(seconds=30))
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Delivery.objects.filter(kind="daily").count() == 40
    assert Delivery.objects.filter(kind="encouragement").count() == 20
    assert Delivery.objects.filter(kind="weekly").count() == 40
    assert Delivery.objects.filter(kind="season_hour").count() == 20
    assert not SeasonHour.objects.filter(remind_at__lte=due).exists()
    assert set(Delivery.objects.values_list("user_id", flat=True)) == {
        u.pk for u in users + partners
    }


@pytest.mark.parametrize(
    ("weekday", "at", "member_zone", "expected"),
    [
        # Tuesday 19:30 in London: 07:00 that Tuesday for a member in London …
        (1, time(19, 30), "Europe/London", (2026, 6, 2, 7, 0)),
        # … for one in Tokyo it is Wednesday 03:30 there, early: Tuesday 19:00 in Tokyo.
        (1, time(19, 30), "Asia/Tokyo", (2026, 6, 2, 19, 0)),
        # … in New York, Tuesday 14:30 there: 07:00 that Tuesday in New York.
        (1, time(19, 30), "America/New_York", (2026, 6, 2, 7, 0)),
        # Friday 06:30 in London is early there: Thursday 19:00.
        (4, time(6, 30), "Europe/London", (2026, 6, 4, 19, 0)),
        # Monday 06:30 in London, from a Monday noon: next week's Sunday 19:00.
        (0, time(6, 30), "Europe/London", (2026, 6, 7, 19, 0)),
    ],
)
def test_weekly_reminder_at_the_members_morning_of_the_meeting_or_the_evening_before(
    weekday, at, member_zone, expected
):
    community = make_community(time_zone="Europe/London")
    group = make_group(
        community,
        members=[],
        partners=[],
        weekday=weekday,
        meeting_time=at,
        time_zone="Europe/London",
    )
    monday_noon = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    zone = ZoneInfo(member_zone)
    assert member_next_reminder(group, zone, monday_noon) == datetime(*expected, tzinfo=zone)


def test_weekly_reminder_goes_to_members_of_active_groups_only():
    community = make_community(time_zone="Europe/London")
    a, b, quiet = (
        make_member(community, Role.INTERCESSOR, time_zone="Europe/London") for _ in range(3)
    )
    Preference.objects.create(user=quiet, weekly_enabled=False)
    partner = make_partner(community)
    tuesday = make_group(
        community, members=[a, b, quiet], partners=[partner], weekday=1, meeting_time=time(19, 30)
    )
    make_group(
        community, members=[a], partners=[partner], weekday=1, meeting_time=time(20, 0), paused=True
    )
    monday = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)  # a Monday
    with time_machine.travel(monday, tick=False):
        dispatch.dispatch_due(monday)
    due = {r.next_at for r in GroupReminder.objects.filter(group=tuesday)}
    assert due == {datetime(2026, 6, 2, 7, 0, tzinfo=ZoneInfo("Europe/London"))}
    at = due.pop() + timedelta(minutes=1)
    with time_machine.travel(at, tick=False):
        dispatch.dispatch_due(at)
    weekly = Delivery.objects.filter(kind="weekly")
    assert set(weekly.values_list("user_id", "topic")) == {
        (a.pk, f"group:{tuesday.pk}"),
        (b.pk, f"group:{tuesday.pk}"),
    }


def test_checkin_digest_on_monday_mornings_for_coordinators_only():
    community = make_community(time_zone="Europe/London")
    coordinator = make_member(community, Role.COORDINATOR, time_zone="Europe/London")
    make_member(community, Role.INTERCESSOR, time_zone="Europe/London")
    sunday = datetime(2026, 5, 31, 12, 0, tzinfo=UTC)
    dispatch.ensure_schedules(sunday)
    monday_eight = datetime(2026, 6, 1, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(monday_eight + timedelta(seconds=5), tick=False):
        dispatch.dispatch_due(monday_eight + timedelta(seconds=5))
    digests = Delivery.objects.filter(kind="checkin_digest")
    assert list(digests.values_list("user_id", flat=True)) == [coordinator.pk]


def test_day_before_a_checkin_attendees_hear_at_six_in_the_evening():
    community = make_community(time_zone="Europe/London")
    coordinator = make_member(community, Role.COORDINATOR, time_zone="America/Chicago")
    partner = make_partner(community)
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False):
        checkin = make_checkin(partner, starts_in_days=2)
        checkin.attendees.add(coordinator)
    chicago = ZoneInfo("America/Chicago")
    day_before = checkin.starts_at.astimezone(chicago).date() - timedelta(days=1)
    before = schedule.wall_clock(day_before, time(17, 50), chicago)
    after = schedule.wall_clock(day_before, time(18, 1), chicago)
    for moment in (before, after, after + timedelta(minutes=5)):
        with time_machine.travel(moment, tick=False):
            dispatch.dispatch_due(moment)
    [eve] = Delivery.objects.filter(kind="checkin_eve")
    assert (eve.user, eve.topic, eve.local_date) == (
        coordinator,
        f"checkin:{checkin.pk}",
        day_before,
    )
