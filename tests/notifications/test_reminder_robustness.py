"""Reminders that must not stall, repeat or say too much: a delivery that cannot be built,
retries and the sweeper, schedules created from the settings page, groups that move."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intercession.models import GroupReminder
from intercession.services import group_save
from notifications import dispatch
from notifications.models import Delivery, DeliveryStatus, Preference
from notifications.send import MAX_ATTEMPTS, next_try_in, send_batch
from notifications.sweep import STALE_PENDING, stuck_deliveries
from partnerships.models import Role
from partnerships.selectors import delivery_list
from tests.conftest import client_for
from tests.factories import (
    make_checkin,
    make_community,
    make_group,
    make_member,
    make_partner,
    make_request,
)
from tests.notifications.reminder_helpers import ScriptedBackend, transient

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


def delivery(user, kind="daily", topic="", **fields):
    return Delivery.objects.create(
        user=user,
        kind=kind,
        topic=topic,
        local_date=timezone.localdate(),
        due_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def listed(community, intercessor):
    tomasz = make_partner(community, name="Tomasz Nowak")
    make_request(tomasz, text="Favour at the visa office")
    make_group(community, members=[intercessor], partners=[tomasz])
    return tomasz


def test_a_delivery_that_cannot_be_built_fails_alone(listed, intercessor, community):
    other = make_member(community, Role.INTERCESSOR)
    make_group(community, members=[other], partners=[listed])
    broken = delivery(intercessor, kind="weekly", topic="group:not-a-number")
    fine = delivery(other)
    assert send_batch([broken.pk, fine.pk]) == []
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert broken.status == DeliveryStatus.FAILED and "Could not build it" in broken.last_error
    assert fine.status == DeliveryStatus.SENT and len(mail.outbox) == 1


def test_a_delivery_waiting_for_its_retry_is_left_to_it(listed, intercessor, settings):
    settings.EMAIL_BACKEND = "tests.notifications.reminder_helpers.ScriptedBackend"
    ScriptedBackend.script.clear()
    ScriptedBackend.script.append(transient())
    waiting = delivery(intercessor)
    assert send_batch([waiting.pk]) == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.PENDING and waiting.lease_until > timezone.now()
    # The sweeper leaves it to the task's own retry, and takes it only if that never came.
    assert waiting.pk not in stuck_deliveries(waiting.lease_until)
    assert waiting.pk not in stuck_deliveries(waiting.lease_until + STALE_PENDING)
    later = waiting.lease_until + STALE_PENDING + timedelta(seconds=1)
    assert waiting.pk in stuck_deliveries(later)
    # Queued again once, it is not queued again at every sweep, only after as long again.
    assert waiting.pk not in stuck_deliveries(later + timedelta(seconds=30))
    assert waiting.pk in stuck_deliveries(later + STALE_PENDING + timedelta(seconds=1))


def test_an_unreachable_server_costs_no_attempt_and_is_tried_at_a_steady_pace(
    listed, intercessor, settings
):
    settings.EMAIL_BACKEND = "tests.notifications.reminder_helpers.ScriptedBackend"
    ScriptedBackend.script.clear()
    outage = MAX_ATTEMPTS + 2  # longer than the attempts a refused message has
    ScriptedBackend.script.extend(ConnectionRefusedError(111, "refused") for _ in range(outage))
    waiting = delivery(intercessor)
    for _ in range(outage):
        assert send_batch([waiting.pk]) == [waiting.pk]
        waiting.refresh_from_db()
        assert waiting.status == DeliveryStatus.PENDING and waiting.attempts == 0
        # The same pace every time, not a doubling back-off.
        assert 55 <= next_try_in([waiting.pk]) <= settings.REMINDER_SERVER_RETRY_SECONDS
    assert send_batch([waiting.pk]) == []
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.SENT and waiting.attempts == 1
    assert len(mail.outbox) == 1


def test_a_message_the_server_refuses_backs_off(listed, intercessor, settings):
    settings.EMAIL_BACKEND = "tests.notifications.reminder_helpers.ScriptedBackend"
    ScriptedBackend.script.clear()
    ScriptedBackend.script.extend([transient(), transient()])
    refused = delivery(intercessor)
    waits = []
    for _ in range(2):
        send_batch([refused.pk])
        waits.append(next_try_in([refused.pk]))
    base = settings.REMINDER_RETRY_BASE_SECONDS
    assert base - 5 <= waits[0] <= base and 2 * base - 5 <= waits[1] <= 2 * base
    # Before anything could be claimed (nothing has a "not before"): the steady pace.
    assert next_try_in([refused.pk + 1000]) == settings.REMINDER_SERVER_RETRY_SECONDS


def test_a_delivery_whose_worker_keeps_dying_is_given_up(intercessor):
    dying = delivery(
        intercessor,
        status=DeliveryStatus.SENDING,
        attempts=MAX_ATTEMPTS,
        lease_until=timezone.now() - timedelta(minutes=1),
    )
    assert dying.pk not in stuck_deliveries()
    dying.refresh_from_db()
    assert dying.status == DeliveryStatus.FAILED and "Gave up" in dying.last_error


def test_settings_opened_before_joining_a_group_still_bring_the_daily_list(community):
    person = make_member(community, Role.PARTNER, time_zone="Europe/London")
    client_for(person).get(reverse("notifications:reminder_settings"))
    pref = Preference.objects.get(user=person)
    assert pref.daily_next_at is not None and pref.checkin_digest_next_at is not None
    # A row written without due times (by an earlier version) is given them by the dispatcher.
    Preference.objects.filter(pk=pref.pk).update(daily_next_at=None)
    dispatch.ensure_schedules(timezone.now())
    pref.refresh_from_db()
    assert pref.daily_next_at is not None


def test_a_group_that_moves_gets_its_reminder_at_the_new_time(community, intercessor):
    partner = make_partner(community)
    group = make_group(
        community,
        members=[intercessor],
        partners=[partner],
        weekday=2,
        meeting_time=time(19, 30),
        time_zone="Europe/London",
    )
    monday = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    dispatch.ensure_schedules(monday)
    group_save(
        community=community,
        group=group,
        fields={"weekday": 5, "meeting_time": time(8, 0), "time_zone": "Asia/Tokyo"},
        members=[intercessor],
        partners=[partner],
    )
    dispatch.ensure_schedules(monday)
    # Saturday 08:00 in Tokyo is Friday 23:00 for the member, on UTC: 07:00 that Friday.
    assert intercessor.time_zone == "UTC"
    (reminder,) = GroupReminder.objects.filter(group=group)
    assert reminder.next_at == datetime(2026, 6, 5, 7, 0, tzinfo=UTC)


def test_editing_a_group_keeps_a_partner_whose_partnership_is_paused(
    community, coordinator_client, intercessor
):
    resting = make_partner(community, name="Hannah Fischer", status="paused")
    group = make_group(community, members=[intercessor], partners=[resting])
    page = coordinator_client.get(
        reverse("intercession:group_edit", args=[community.slug, group.pk])
    )
    assert "Hannah Fischer" in page.content.decode()


def test_a_coordinators_list_leaves_out_ended_partnerships(community, coordinator):
    ended = make_partner(community, name="Ended Partner", status="ended")
    make_request(ended, text="Old request")
    make_partner(community, name="Tomasz Nowak")
    page = client_for(coordinator).get(reverse("intercession:today", args=[community.slug]))
    assert "Tomasz Nowak" in page.content.decode()
    assert "Ended Partner" not in page.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?prayed=²",
        "?prayed=99999999999999999999",
        "?step=99&since=0001-01-01T00:00:00%2B14:00",
        "?step=99&since=9999-12-31T23:59:59-12:00",
        "?step=99&since=yesterday",
    ],
)
def test_odd_query_values_are_ignored(listed, intercessor, community, query):
    client = client_for(intercessor)
    for name in ("today", "pray_through"):
        path = reverse(f"intercession:{name}", args=[community.slug]) + query
        assert client.get(path).status_code == 200, path


def test_coordinators_only_words_stay_out_of_email(community, coordinator):
    tomasz = make_partner(community, name="Tomasz Nowak")
    make_request(tomasz, text="For the groups")
    make_request(tomasz, text="COORDINATORS-ONLY words", visibility="coordinators")
    delivery(coordinator)
    send_batch(list(Delivery.objects.values_list("pk", flat=True)))
    (message,) = mail.outbox
    assert "For the groups" in message.body
    assert "COORDINATORS-ONLY" not in message.body + message.alternatives[0][0]
    assert "1 request: read it in the app." in message.body


def test_the_week_begins_at_midnight_where_the_group_meets(community, intercessor):
    from intercession.models import GroupMeeting
    from intercession.selectors import group_week

    partner = make_partner(community)
    group = make_group(
        community, members=[intercessor], partners=[partner], time_zone="Pacific/Auckland"
    )
    GroupMeeting.objects.create(group=group, met_on=datetime(2026, 6, 2).date())  # noqa: DTZ001
    make_request(partner, text="Added on the meeting day there")
    from partnerships.models import Membership, PrayerRequest

    membership = Membership.objects.get(user=intercessor, community=community)
    PrayerRequest.objects.update(
        created_at=datetime(2026, 6, 1, 13, 0, tzinfo=UTC)  # 2 June 01:00 in Auckland
    )
    for zone in ("America/Los_Angeles", "Pacific/Auckland"):
        timezone.activate(ZoneInfo(zone))
        with time_machine.travel(datetime(2026, 6, 5, tzinfo=UTC), tick=False):
            week = group_week(group, membership)
        timezone.deactivate()
        assert [r.text for r in week["new_requests"]] == ["Added on the meeting day there"], zone


def test_the_meeting_form_offers_only_what_groups_pray_for(
    community, coordinator_client, intercessor
):
    partner = make_partner(community)
    make_request(partner, text="For the group")
    make_request(partner, text="Coordinators only", visibility="coordinators")
    group = make_group(community, members=[intercessor], partners=[partner])
    page = coordinator_client.get(
        reverse("intercession:meeting_create", args=[community.slug, group.pk])
    ).content.decode()
    assert "For the group" in page and "Coordinators only" not in page


def test_the_eve_reminder_is_written_once_not_tried_every_minute(monkeypatch):
    community = make_community(time_zone="Europe/London")
    coordinator = make_member(community, Role.COORDINATOR, time_zone="Europe/London")
    partner = make_partner(community)
    with time_machine.travel(datetime(2026, 6, 1, 12, 0, tzinfo=UTC), tick=False):
        checkin = make_checkin(partner, starts_in_days=2)
        checkin.attendees.add(coordinator)
    monkeypatch.setattr("notifications.tasks.enqueue_deliveries", lambda ids: None)
    calls = []
    real = Delivery.objects.bulk_create
    monkeypatch.setattr(
        Delivery.objects, "bulk_create", lambda rows, **kw: calls.append(rows) or real(rows, **kw)
    )
    london = ZoneInfo("Europe/London")
    eve = checkin.starts_at.astimezone(london).date() - timedelta(days=1)
    for minute in range(5):
        moment = datetime.combine(eve, time(18, minute), london)
        with time_machine.travel(moment, tick=False):
            dispatch.dispatch_due(moment)
    assert len(calls) == 1
    assert Delivery.objects.filter(kind="checkin_eve").count() == 1


def test_a_partner_is_offered_only_the_reminders_that_can_reach_them(community, partner):
    client = client_for(partner)
    page = client.get(reverse("notifications:reminder_settings")).content.decode()
    assert "Send me my prayer list every day" not in page
    assert "which partners are due a check-in" not in page
    assert "or one of my own, is answered" in page
    response = client.post(
        reverse("notifications:reminder_settings"), {"time_zone": "Europe/Warsaw"}
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=partner)
    assert pref.daily_enabled and not pref.testimony_enabled


def test_coordinators_see_only_deliveries_about_their_own_community(
    community, coordinator_client, intercessor, other_community
):
    from intercession.models import IntercessorGroup

    partner = make_partner(community)
    here = make_group(community, members=[intercessor], partners=[partner], name="Here")
    make_member(other_community, Role.INTERCESSOR)
    intercessor.memberships.create(community=other_community, role=Role.INTERCESSOR)
    there = IntercessorGroup.objects.create(
        community=other_community, name="There", weekday=1, meeting_time=time(9), time_zone="UTC"
    )
    delivery(intercessor, kind="weekly", topic=f"group:{here.pk}", community=community)
    delivery(
        intercessor,
        kind="weekly",
        topic=f"group:{there.pk}",
        community=other_community,
        last_error="ELSEWHERE-ERROR",
    )
    delivery(intercessor, kind="daily")
    page = coordinator_client.get(
        reverse("partnerships:deliveries", args=[community.slug])
    ).content.decode()
    assert "ELSEWHERE-ERROR" not in page
    rows = delivery_list(community)
    assert sorted(rows.values_list("kind", flat=True)) == ["daily", "weekly"]


def test_a_reminder_that_is_off_is_not_given_a_due_time(community, intercessor):
    Preference.objects.create(
        user=intercessor, daily_next_at=timezone.now(), checkin_digest_enabled=False
    )
    dispatch.ensure_schedules(timezone.now())
    assert Preference.objects.get(user=intercessor).checkin_digest_next_at is None


def test_the_dispatcher_ticks_on_the_minute_when_reminders_fall_due():
    """Due times are whole minutes: a tick at second 0 finds them as they fall due, where an
    interval counted from beat's start could find them up to a minute late."""
    from celery.schedules import crontab

    from config.celery import app

    entry = app.conf.beat_schedule["dispatch-reminders"]["schedule"]
    # A crontab fires at second 0 of each minute it names: here every minute of every hour.
    assert isinstance(entry, crontab)
    assert entry.minute == set(range(60)) and entry.hour == set(range(24))
