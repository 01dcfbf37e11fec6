"""Sending: what the emails say, their headers, retries, bounces, and the links inside."""

import email
import re
from datetime import time, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intercession.models import PrayerLog
from intercession.seasons.services import season_day_save
from notifications.models import Delivery, DeliveryStatus, Preference
from notifications.send import send_batch
from notifications.sweep import stuck_deliveries
from notifications.tokens import action_token
from partnerships.models import Child, Role
from testimonies.services import testimony_create, testimony_publish
from tests.conftest import client_for
from tests.factories import (
    make_checkin,
    make_group,
    make_member,
    make_partner,
    make_request,
    make_season,
)
from tests.notifications.conftest import deliver
from tests.notifications.reminder_helpers import ScriptedBackend, hard_bounce, transient

pytestmark = pytest.mark.django_db

CANARIES = [
    "CANARY-NAME",
    "CANARY-LOCATION",
    "CANARY-REQUEST",
    "CANARY-FAMILY",
    "CANARY-PLACE",
    "CANARY-LINK",
    "CANARY-SUMMARY",
    "CANARY-UPDATE",
]


def test_daily_email_has_both_bodies_family_names_and_signed_links(world):
    delivery = deliver(world["intercessor"], "daily")
    assert delivery.status == DeliveryStatus.SENT
    [message] = mail.outbox
    assert message.subject == "Pray today for Tomasz"
    assert "Anna; Micah 7" in message.body and "Favour at the visa office" in message.body
    html = message.alternatives[0][0]
    assert "Anna; Micah 7" in html and "I prayed" in html
    assert message.extra_headers["Message-ID"] == delivery.message_id("127.0.0.1")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://127\.0\.0\.1:8000/r/unsubscribe/\S+/>", message.extra_headers["List-Unsubscribe"]
    )


def test_subjects_are_plain_text_not_html_escaped(world):
    world["tomasz"].name = "Ravi & Priya"
    world["tomasz"].save()
    deliver(world["intercessor"], "daily")
    [message] = mail.outbox
    assert message.subject == "Pray today for Ravi & Priya"


def test_the_prayed_link_acts_only_on_post(world, client):
    deliver(world["intercessor"], "daily")
    link = re.search(r"http://127\.0\.0\.1:8000(/r/prayed/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(link)  # what a mail scanner does
    assert page.status_code == 200 and "I prayed" in page.content.decode()
    assert not PrayerLog.objects.exists()
    client.post(link)
    client.post(link)  # a second press is the same prayer
    assert PrayerLog.objects.get().user == world["intercessor"]


def test_tampered_or_expired_prayed_links_record_nothing(world, client):
    token = action_token(
        action="prayed", user_id=world["intercessor"].pk, target_id=world["visa"].pk
    )
    bad = client.post(reverse("intercession:prayed_link", args=[token[:-3] + "abc"]))
    assert bad.status_code == 400 and "This link doesn't work" in bad.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        old = client.post(reverse("intercession:prayed_link", args=[token]))
    assert old.status_code == 400 and "This link has expired" in old.content.decode()
    assert not PrayerLog.objects.exists()


def test_prayed_link_for_a_request_no_longer_visible_records_nothing(world, client):
    token = action_token(
        action="prayed", user_id=world["intercessor"].pk, target_id=world["visa"].pk
    )
    world["visa"].visibility = "coordinators"
    world["visa"].save()
    assert client.post(reverse("intercession:prayed_link", args=[token])).status_code == 404
    assert not PrayerLog.objects.exists()


def test_one_click_unsubscribe_without_a_session(world):
    deliver(world["intercessor"], "daily")
    url = (
        mail.outbox[0]
        .extra_headers["List-Unsubscribe"]
        .strip("<>")
        .replace("http://127.0.0.1:8000", "")
    )
    client = client_for(None)
    client.handler.enforce_csrf_checks = True  # a mail provider posts with no CSRF token
    assert "Stop these emails?" in client.get(url).content.decode()
    assert not Preference.objects.filter(user=world["intercessor"], daily_enabled=False).exists()
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    pref = Preference.objects.get(user=world["intercessor"])
    assert not pref.daily_enabled and pref.weekly_enabled
    delivery = deliver(world["intercessor"], "daily", topic="again")
    assert delivery.status == DeliveryStatus.SKIPPED and len(mail.outbox) == 1


def test_tampered_unsubscribe_link_changes_nothing(world, client):
    response = client.post(reverse("notifications:unsubscribe", args=["garbage:token"]))
    assert response.status_code == 400
    assert Preference.objects.filter(daily_enabled=False).count() == 0


def test_weekly_email_has_meeting_and_news(world):
    from partnerships.models import RequestUpdate

    RequestUpdate.objects.create(request=world["visa"], text="Interview moved to Friday")
    deliver(world["intercessor"], "weekly", topic=f"group:{world['group'].pk}")
    [message] = mail.outbox
    assert message.subject.startswith("Tuesday Evening meets") and "19:30" in message.subject
    assert "The prayer room" in message.body and "Interview moved to Friday" in message.body


def test_checkin_eve_email_carries_the_calendar_file(world):
    checkin = make_checkin(world["tomasz"], starts_in_days=1, place="Café Nero")
    checkin.attendees.add(world["coordinator"])
    deliver(world["coordinator"], "checkin_eve", topic=f"checkin:{checkin.pk}")
    [message] = mail.outbox
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("check-in.ics", "text/calendar")
    assert "BEGIN:VEVENT" in content and "Café Nero" in message.body


def test_checkin_digest_lists_partners_due(world):
    deliver(world["coordinator"], "checkin_digest")
    [message] = mail.outbox
    assert "Due for a check-in:" in message.body and "Tomasz Nowak" in message.body


def test_nothing_to_say_is_skipped_not_sent(community):
    lonely = make_member(community, Role.INTERCESSOR)
    delivery = deliver(lonely, "daily")
    assert delivery.status == DeliveryStatus.SKIPPED and not mail.outbox
    assert delivery.last_error == "no partners on the list yet"


def test_yesterdays_list_is_never_sent_late(world):
    delivery = deliver(
        world["intercessor"], "daily", local_date=timezone.localdate() - timedelta(days=2)
    )
    assert delivery.status == DeliveryStatus.SKIPPED and not mail.outbox


def test_paused_groups_and_ended_partnerships_send_nothing(world):
    world["group"].paused = True
    world["group"].save()
    weekly = deliver(world["intercessor"], "weekly", topic=f"group:{world['group'].pk}")
    world["tomasz"].status = "ended"
    world["tomasz"].save()
    daily = deliver(world["intercessor"], "daily")
    assert (weekly.status, daily.status) == (DeliveryStatus.SKIPPED, DeliveryStatus.SKIPPED)
    assert not mail.outbox


@pytest.fixture
def scripted(settings):
    settings.EMAIL_BACKEND = "tests.notifications.reminder_helpers.ScriptedBackend"
    ScriptedBackend.script.clear()
    yield ScriptedBackend.script
    ScriptedBackend.script.clear()


def test_transient_failure_is_retried_and_sent_once(world, scripted):
    scripted.append(transient())
    delivery = Delivery.objects.create(
        user=world["intercessor"],
        kind="daily",
        local_date=timezone.localdate(),
        due_at=timezone.now(),
    )
    assert send_batch([delivery.pk]) == [delivery.pk]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and "451" in delivery.last_error
    assert send_batch([delivery.pk]) == []
    assert send_batch([delivery.pk]) == []  # already sent: nothing happens
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(mail.outbox)) == (DeliveryStatus.SENT, 2, 1)


def test_hard_bounce_fails_and_stops_mail_to_that_address(world, scripted):
    scripted.append(hard_bounce())
    delivery = Delivery.objects.create(
        user=world["intercessor"],
        kind="daily",
        local_date=timezone.localdate(),
        due_at=timezone.now(),
    )
    assert send_batch([delivery.pk]) == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "550" in delivery.last_error
    pref = Preference.objects.get(user=world["intercessor"])
    assert pref.bounced_at is not None and not pref.enabled("daily")


def test_sweeper_finds_deliveries_a_dead_worker_left(world):
    delivery = Delivery.objects.create(
        user=world["intercessor"],
        kind="daily",
        local_date=timezone.localdate(),
        due_at=timezone.now(),
        status=DeliveryStatus.SENDING,
        lease_until=timezone.now() + timedelta(minutes=5),
    )
    assert stuck_deliveries() == []
    assert send_batch([delivery.pk]) == [] and not mail.outbox  # another worker holds it
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert stuck_deliveries() == [delivery.pk]
        send_batch([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and len(mail.outbox) == 1


def test_canaries_of_a_sensitive_partner_never_leave(
    community, world, django_capture_on_commit_callbacks
):
    from partnerships.models import RequestUpdate

    # The partner's own account, for their weekly encouragement: it must not name the people
    # who pray for them, nor the community, nor what was prayed.
    zarina = make_member(community, Role.PARTNER, name="Zarina")
    secret = make_partner(
        community,
        user=zarina,
        name="CANARY-NAME Zarina",
        location="CANARY-LOCATION Khujand",
        spouse_name="CANARY-FAMILY spouse",
        sensitive=True,
        alias="Z. in Central Asia",
    )
    Child.objects.create(partner=secret, name="CANARY-FAMILY child", birth_year=2018)
    request = make_request(secret, text="CANARY-REQUEST visa", urgent=True)
    RequestUpdate.objects.create(request=request, text="CANARY-UPDATE news")
    answered = make_request(
        secret,
        text="CANARY-REQUEST answered",
        status="answered",
        answered_on=timezone.localdate(),
        answer_note="CANARY-REQUEST note",
    )
    answered.save()
    world["group"].partners.add(secret)
    checkin = make_checkin(
        secret,
        starts_in_days=1,
        place="CANARY-PLACE teahouse",
        link="https://meet.example.org/CANARY-LINK",
    )
    checkin.attendees.add(world["coordinator"])
    make_checkin(secret, starts_in_days=-1, status="held", group_summary="CANARY-SUMMARY")
    deliver(world["intercessor"], "daily")
    deliver(world["intercessor"], "weekly", topic=f"group:{world['group'].pk}")
    deliver(world["coordinator"], "checkin_digest")
    deliver(world["coordinator"], "checkin_eve", topic=f"checkin:{checkin.pk}")
    # The fifth kind: the notice that a request the intercessor carried was answered, with a
    # testimony whose title and story speak of the partner by name (the page may; mail not).
    PrayerLog.objects.create(user=world["intercessor"], partner=secret, request=answered)
    testimony = testimony_create(
        partner=secret,
        author=world["coordinator"],
        title="CANARY-NAME in CANARY-LOCATION",
        story="CANARY-REQUEST answered for CANARY-FAMILY spouse",
        scripture="Psalm 126:3",
        audience="groups",
        requests=[answered],
    )
    with django_capture_on_commit_callbacks(execute=True):
        testimony_publish(testimony=testimony)
    # The sixth kind: the partner's weekly encouragement, after a week in which an intercessor
    # prayed for them and shared a note.
    praying = make_member(community, Role.INTERCESSOR, name="CANARY-INTERCESSOR Bob")
    world["group"].members.add(praying)
    PrayerLog.objects.create(
        user=praying,
        partner=secret,
        request=request,
        note="CANARY-REQUEST shared note",
        shared_with_partner=True,
    )
    encouragement = deliver(zarina, "encouragement")
    assert encouragement.status == DeliveryStatus.SENT
    # The seventh: the reminder before an hour of a season of prayer whose title and day's
    # focus the coordinator wrote with the partner's name and place, the partner in focus.
    season, held = make_season(
        community, holder=world["intercessor"], partners=[secret], title="CANARY-NAME's visa"
    )
    tomorrow = season.days()[3]
    season_day_save(
        season=season,
        day=tomorrow,
        focus="Safety in CANARY-LOCATION",
        scripture="Psalm 91",
        partners=[secret, world["tomasz"]],
    )
    hour = deliver(
        world["intercessor"], "season_hour", topic=f"hour:{held.pk}", local_date=tomorrow
    )
    assert hour.status == DeliveryStatus.SENT
    kinds = {m.extra_headers["X-Epaphras-Kind"] for m in mail.outbox}
    assert kinds == {
        "daily",
        "weekly",
        "checkin_digest",
        "checkin_eve",
        "testimony",
        "encouragement",
        "season_hour",
    }
    for message in mail.outbox:
        raw = message.message().as_bytes()
        parsed = email.message_from_bytes(raw)
        decoded = (
            b"".join(
                part.get_payload(decode=True) or b""
                for part in parsed.walk()
                if not part.is_multipart()
            )
            .decode("utf-8", "replace")
            .replace("\r\n ", "")
        )
        headers = "".join(f"{k}: {v}\n" for k, v in parsed.items())
        for canary in CANARIES:
            assert canary not in decoded and canary not in headers, (message.subject, canary)
        if message.extra_headers["X-Epaphras-Kind"] == "encouragement":
            for secret_word in ("CANARY-INTERCESSOR", "Bob", community.name, community.slug):
                assert secret_word not in decoded and secret_word not in headers, secret_word
            assert "carried" in decoded
    assert any("Z. in Central Asia" in m.body for m in mail.outbox)
    [reminder] = [m for m in mail.outbox if m.extra_headers["X-Epaphras-Kind"] == "season_hour"]
    assert "Z. in Central Asia" in reminder.body and "Tomasz Nowak" in reminder.body
    assert "Psalm 91" in reminder.body and "Your hour of prayer" in reminder.body


def test_send_test_reminder_command(world):
    call_command(
        "send_test_reminder", email=world["intercessor"].email.upper(), kind="daily", stdout=None
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].subject == "Pray today for Tomasz"
    with pytest.raises(CommandError, match="No account has the address"):
        call_command("send_test_reminder", email="nobody@example.org", kind="daily")
    with pytest.raises(CommandError, match="goes to no upcoming check-in"):
        call_command("send_test_reminder", email=world["intercessor"].email, kind="checkin_eve")


def test_settings_page_changes_time_and_zone_and_explains_bad_input(world):
    client = client_for(world["intercessor"])
    url = reverse("notifications:reminder_settings")
    form = {
        "time_zone": "Asia/Tehran",
        "daily_enabled": "on",
        "daily_time": "06:15",
        "weekly_enabled": "on",
    }
    bad_zone = client.post(url, {**form, "time_zone": "Mars/Olympus"})
    assert "Select a valid choice" in bad_zone.content.decode()
    bad_time = client.post(url, {**form, "daily_time": "breakfast"})
    assert "Enter a time such as 07:00." in bad_time.content.decode()
    world["intercessor"].refresh_from_db()
    assert world["intercessor"].time_zone == "Europe/London"
    client.post(url, form)
    pref = Preference.objects.get(user=world["intercessor"])
    world["intercessor"].refresh_from_db()
    assert world["intercessor"].time_zone == "Asia/Tehran"
    assert pref.daily_time == time(6, 15) and not pref.checkin_eve_enabled
    from zoneinfo import ZoneInfo

    local = pref.daily_next_at.astimezone(ZoneInfo("Asia/Tehran"))
    assert (local.hour, local.minute) == (6, 15)


def test_deliveries_page_shows_what_failed_and_why(world, coordinator_client, community, scripted):
    scripted.append(hard_bounce())
    delivery = Delivery.objects.create(
        user=world["intercessor"],
        kind="daily",
        local_date=timezone.localdate(),
        due_at=timezone.now(),
    )
    send_batch([delivery.pk])
    page = (
        client_for(world["coordinator"])
        .get(reverse("partnerships:deliveries", args=[community.slug]), {"status": "failed"})
        .content.decode()
    )
    assert "Daniel Okafor" in page and "550" in page and "No such user" in page


def test_deliveries_page_counts_and_marks_the_late_ones(world, community):
    """Waiting or being sent more than five minutes after falling due is late; sent, failed or
    not yet five minutes overdue is not."""
    now = timezone.now()

    def delivery(topic, status, due_minutes_ago, **fields):
        return Delivery.objects.create(
            user=world["intercessor"],
            kind="group",
            topic=topic,
            local_date=timezone.localdate(),
            due_at=now - timedelta(minutes=due_minutes_ago),
            status=status,
            **fields,
        )

    waiting = delivery("group:1", DeliveryStatus.PENDING, 12)
    held = delivery("group:2", DeliveryStatus.SENDING, 6, lease_until=now)
    delivery("group:3", DeliveryStatus.PENDING, 4)
    delivery("group:4", DeliveryStatus.SENT, 30, sent_at=now)
    delivery("group:5", DeliveryStatus.FAILED, 30)
    coordinator = client_for(world["coordinator"])
    url = reverse("partnerships:deliveries", args=[community.slug])
    page = coordinator.get(url).content.decode()
    assert "2 reminders are more than 5 minutes late." in page
    assert page.count("delivery-late") == 2 and "late by 12" in page
    late = coordinator.get(url, {"status": "late"})
    assert {d.pk for d in late.context["page"].object_list} == {waiting.pk, held.pk}
    Delivery.objects.filter(pk__in=[waiting.pk, held.pk]).update(
        status=DeliveryStatus.SENT, sent_at=now
    )
    calm = coordinator.get(url, {"status": "late"}).content.decode()
    assert "minutes late" not in calm and "No reminder is late." in calm


def test_one_batch_keeps_each_persons_own_list(community, world):
    marcus = make_partner(community, name="Marcus Bell")
    make_request(marcus, text="Wisdom hiring bakers")
    other = make_member(community, Role.INTERCESSOR, time_zone="Europe/London")
    make_group(community, members=[other], partners=[marcus])
    mine, theirs, again = (
        Delivery.objects.create(
            user=user,
            kind="daily",
            topic=topic,
            local_date=timezone.localdate(),
            due_at=timezone.now(),
        )
        for user, topic in ((world["intercessor"], ""), (other, ""), (world["coordinator"], ""))
    )
    assert send_batch([mine.pk, theirs.pk, again.pk]) == []
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert (
        "Tomasz" in bodies[world["intercessor"].email]
        and "Marcus" not in bodies[world["intercessor"].email]
    )
    assert "Marcus" in bodies[other.email] and "Tomasz" not in bodies[other.email]
    # The coordinator's list (same partners as the intercessor) was built for the coordinator.
    assert "Tomasz" in bodies[world["coordinator"].email]


def test_a_forwarded_prayed_link_does_not_show_the_request_to_someone_else(world, outsider):
    token = action_token(
        action="prayed", user_id=world["intercessor"].pk, target_id=world["visa"].pk
    )
    url = reverse("intercession:prayed_link", args=[token])
    assert "Favour at the visa office" not in client_for(outsider).get(url).content.decode()
    assert "Favour at the visa office" not in client_for(None).get(url).content.decode()
    assert "Favour at the visa office" in client_for(world["intercessor"]).get(url).content.decode()


def test_a_paused_group_adds_nothing_to_a_batch_list(community, world):
    """The batch loads adopted partners for everyone at once; a paused group of the same
    person must not lend its partners to the list."""
    marcus = make_partner(community, name="Marcus Bell")
    make_request(marcus, text="Wisdom hiring bakers")
    make_group(community, members=[world["intercessor"]], partners=[marcus], paused=True)
    someone_else = make_member(community, Role.INTERCESSOR)
    make_group(community, members=[someone_else], partners=[marcus])  # meets, without them
    deliver(world["intercessor"], "daily")
    (message,) = mail.outbox
    assert "Tomasz" in message.body and "Marcus" not in message.body


def test_a_batch_costs_a_fixed_number_of_queries_plus_one_write_per_message(
    community, world, django_assert_max_num_queries
):
    """Claiming, loading memberships and lists happen once per batch; each message then
    costs only the write that records it (so a worker killed later cannot send it again)."""

    def batch_of(size):
        people = [
            make_member(community, Role.INTERCESSOR, time_zone="Europe/London") for _ in range(size)
        ]
        for person in people:
            world["group"].members.add(person)
        return [
            Delivery.objects.create(
                user=person, kind="daily", local_date=timezone.localdate(), due_at=timezone.now()
            ).pk
            for person in people
        ]

    small, large = batch_of(1), batch_of(20)
    with CaptureQueriesContext(connection) as one:
        send_batch(small)
    with django_assert_max_num_queries(len(one) + 19):
        send_batch(large)
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 21
