from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from partnerships.models import CheckIn, CheckInStatus, PrayerRequest
from partnerships.services import next_checkin_times
from tests.factories import make_checkin, make_partner

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def partner(community):
    return make_partner(community, name="Tomasz Nowak", time_zone="Asia/Kolkata")


@pytest.fixture(autouse=True)
def _coordinator_in_london(coordinator):
    coordinator.time_zone = "Europe/London"
    coordinator.save()


def url(name, community, obj):
    return reverse(f"partnerships:{name}", args=[community.slug, obj.pk])


def schedule(client, community, partner, **data):
    form = {
        "date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "start": "10:00",
        "end": "11:00",
        "mode": "coffee",
        "place": "Café Nero",
    }
    form.update(data)
    return client.post(url("checkin_create", community, partner), form)


def test_coordinator_schedules_in_their_own_time_zone_and_sees_both_zones(
    coordinator, coordinator_client, community, partner
):
    day = timezone.localdate() + timedelta(days=10)
    response = schedule(
        coordinator_client, community, partner, date=day.isoformat(), attendees=[coordinator.pk]
    )
    checkin = CheckIn.objects.get()
    assert response["Location"] == url("checkin", community, checkin)
    assert checkin.starts_at == datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON)
    assert list(checkin.attendees.all()) == [coordinator]
    html = coordinator_client.get(response["Location"]).content.decode()
    assert "10:00–11:00" in html and "Europe/London" in html and "Asia/Kolkata" in html
    local = checkin.starts_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert local.strftime("%H:%M") in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2020-01-01"}, "Choose a time that hasn&#x27;t passed yet."),
        ({"start": "11:00", "end": "10:00"}, "The end must come after the start."),
        ({"start": "25:00"}, "Enter a valid time."),
        ({"date": "2026-02-30"}, "Enter a valid date."),
        ({"mode": "carrier pigeon"}, "Select a valid choice."),
        ({"link": "javascript:alert(1)"}, "Enter a valid URL."),
    ],
)
def test_bad_check_ins_are_explained_and_nothing_is_saved(
    coordinator_client, community, partner, data, message
):
    response = schedule(coordinator_client, community, partner, **data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html or message.replace("&#x27;", "'") in html
    assert not CheckIn.objects.exists()


def test_reschedule_changes_the_time_and_the_calendar_sequence(
    coordinator_client, community, partner
):
    checkin = make_checkin(partner)
    day = timezone.localdate() + timedelta(days=20)
    coordinator_client.post(
        url("checkin_edit", community, checkin),
        {"date": day.isoformat(), "start": "14:30", "end": "15:30", "mode": "lunch"},
    )
    checkin.refresh_from_db()
    assert checkin.starts_at.astimezone(LONDON).strftime("%H:%M") == "14:30"
    assert checkin.sequence == 1 and checkin.mode == "lunch"


def test_cannot_mark_held_before_it_begins_but_can_cancel(coordinator_client, community, partner):
    checkin = make_checkin(partner)
    response = coordinator_client.post(
        url("checkin_status", community, checkin), {"status": "held"}, follow=True
    )
    assert "once it has begun" in response.content.decode()
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.SCHEDULED
    coordinator_client.post(url("checkin_status", community, checkin), {"status": "cancelled"})
    checkin.refresh_from_db()
    assert checkin.status == CheckInStatus.CANCELLED


def test_unknown_status_is_refused(coordinator_client, community, partner):
    checkin = make_checkin(partner, starts_in_days=-1)
    response = coordinator_client.post(
        url("checkin_status", community, checkin), {"status": "exploded"}, follow=True
    )
    assert "Mark the check-in held, missed or cancelled." in response.content.decode()


def test_notes_become_one_request_per_line(coordinator, coordinator_client, community, partner):
    checkin = make_checkin(partner, starts_in_days=-0.1)
    coordinator_client.post(url("checkin_status", community, checkin), {"status": "held"})
    response = coordinator_client.post(
        url("checkin_notes", community, checkin),
        {
            "notes": "Good coffee.",
            "family_update": "Ruth started school",
            "requests": "Wisdom for the visa interview\n\n- Rest for Anna after the move\n",
            "category": "family",
            "visibility": "groups",
        },
    )
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert (checkin.status, checkin.notes, checkin.family_update) == (
        "held",
        "Good coffee.",
        "Ruth started school",
    )
    requests = PrayerRequest.objects.filter(checkin=checkin).order_by("pk")
    assert [r.text for r in requests] == [
        "Wisdom for the visa interview",
        "Rest for Anna after the move",
    ]
    assert all(r.partner == partner and r.created_by == coordinator for r in requests)


def test_notes_with_an_overlong_request_save_nothing(coordinator_client, community, partner):
    checkin = make_checkin(partner, starts_in_days=-0.1)
    response = coordinator_client.post(
        url("checkin_notes", community, checkin),
        {
            "notes": "kept?",
            "requests": "fine\n" + "x" * 2001,
            "category": "family",
            "visibility": "groups",
        },
    )
    assert "Request 2 is over 2,000 characters." in response.content.decode()
    checkin.refresh_from_db()
    assert checkin.notes == "" and not PrayerRequest.objects.exists()


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Second Tuesday of March 2026 → second Tuesday of April, 10:00 London across DST.
        (datetime(2026, 3, 10, 10, 0, tzinfo=LONDON), datetime(2026, 4, 14, 10, 0, tzinfo=LONDON)),
        # Fifth Friday (30 Jan) → February has four: the last one.
        (datetime(2026, 1, 30, 9, 0, tzinfo=LONDON), datetime(2026, 2, 27, 9, 0, tzinfo=LONDON)),
        # December → January of the next year.
        (datetime(2026, 12, 3, 18, 0, tzinfo=LONDON), datetime(2027, 1, 7, 18, 0, tzinfo=LONDON)),
    ],
)
def test_next_one_is_same_week_and_weekday_next_month(partner, start, expected):
    checkin = CheckIn(partner=partner, starts_at=start, ends_at=start + timedelta(minutes=90))
    starts_at, ends_at = next_checkin_times(checkin, "Europe/London")
    assert starts_at == expected
    assert ends_at - starts_at == timedelta(minutes=90)


def test_next_one_at_a_time_that_does_not_exist_moves_forward(partner):
    new_york = ZoneInfo("America/New_York")
    start = datetime(2027, 2, 14, 2, 30, tzinfo=new_york)  # second Sunday of February
    checkin = CheckIn(partner=partner, starts_at=start, ends_at=start + timedelta(hours=1))
    starts_at, _ = next_checkin_times(checkin, "America/New_York")
    # 14 March 2027, 02:30 does not exist in New York: the clocks jump from 02:00 to 03:00.
    assert starts_at == datetime(2027, 3, 14, 3, 30, tzinfo=new_york)


def test_schedule_the_next_one_in_one_click(coordinator_client, community, partner):
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=LONDON)):
        checkin = make_checkin(partner, starts_in_days=-0.1)
        CheckIn.objects.filter(pk=checkin.pk).update(status="held")
        page = coordinator_client.get(url("checkin", community, checkin)).content.decode()
        assert "Schedule the next one" in page
        response = coordinator_client.post(url("checkin_next", community, checkin))
    following = CheckIn.objects.exclude(pk=checkin.pk).get()
    assert response["Location"] == url("checkin", community, following)
    assert following.starts_at.astimezone(LONDON).date().isoformat() == "2026-04-14"
    assert following.status == CheckInStatus.SCHEDULED and following.mode == checkin.mode


def test_checkin_of_another_community_is_not_found(coordinator_client, community, other_community):
    foreign = make_checkin(make_partner(other_community))
    for name in ("checkin", "checkin_edit", "checkin_notes", "checkin_ics"):
        assert coordinator_client.get(url(name, community, foreign)).status_code == 404, name


def test_ics_download_is_a_valid_calendar(coordinator_client, community, partner):
    checkin = make_checkin(partner, place="Café Nero")
    response = coordinator_client.get(url("checkin_ics", community, checkin))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Check-in with Tomasz Nowak"
    assert event.decoded("DTSTART") == checkin.starts_at.replace(microsecond=0)
    assert str(event["LOCATION"]) == "Café Nero"
    assert str(event["UID"]).startswith(f"checkin-{checkin.pk}@")


def test_a_date_years_away_is_explained_not_an_error(coordinator_client, community, partner):
    response = schedule(coordinator_client, community, partner, date="9999-12-31")
    assert response.status_code == 200
    assert "Choose a date within the next two years." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_twelve_hours_are_counted_in_real_time_on_a_dst_day(partner, coordinator):
    from django.core.exceptions import ValidationError

    from accounts.timezones import local_to_aware
    from partnerships.services import checkin_schedule

    # The next autumn change in London: 00:00 to 12:00 that day lasts thirteen hours.
    day = timezone.localdate() + timedelta(days=1)
    while (
        datetime(day.year, day.month, day.day, 12, tzinfo=LONDON).utcoffset()
        == datetime(day.year, day.month, day.day, tzinfo=LONDON).utcoffset()
        or day.month < 7
    ):
        day += timedelta(days=1)
    start = local_to_aware(datetime(day.year, day.month, day.day), LONDON)  # noqa: DTZ001
    end = local_to_aware(datetime(day.year, day.month, day.day, 12), LONDON)  # noqa: DTZ001
    with pytest.raises(ValidationError, match="twelve hours"):
        checkin_schedule(
            partner=partner, starts_at=start, ends_at=end, mode="coffee", created_by=coordinator
        )


def test_the_next_one_follows_a_held_check_in_while_none_is_booked(
    coordinator_client, community, partner
):
    scheduled = make_checkin(partner, starts_in_days=3)
    coordinator_client.post(url("checkin_next", community, scheduled))
    assert CheckIn.objects.count() == 1  # not held yet: nothing proposed, nothing added
    held = make_checkin(partner, starts_in_days=-2, status=CheckInStatus.HELD)
    page = coordinator_client.get(url("checkin", community, held)).content.decode()
    assert "Schedule the next one" not in page  # one is already booked
    response = coordinator_client.post(url("checkin_next", community, held), follow=True)
    assert "The next check-in is already scheduled." in response.content.decode()
    assert CheckIn.objects.count() == 2
