"""Reminders through a real Redis broker and real Celery worker processes, to an SMTP server
started here, against PostgreSQL: counted and checked by Message-ID on the receiving side."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from kombu import Connection

from intercession.models import PrayerLog, Season, SeasonHour
from notifications.emails import site_host
from notifications.models import Delivery, DeliveryStatus, Preference
from notifications.sweep import stuck_deliveries
from notifications.tasks import dispatch_reminders, send_reminders
from partnerships.models import Role
from tests.factories import make_community, make_group, make_member, make_partner, make_request

pytestmark = pytest.mark.integration

PEOPLE = 60
PARTNERS = 10
HOLDERS = 12


def due_people(count: int, partners: int = 0) -> list:
    """``count`` intercessors whose daily list is due, then ``partners`` partners whose weekly
    encouragement is due (each prayed for this week by the first intercessor)."""
    community = make_community(time_zone="Europe/London")
    partner = make_partner(community, name="Tomasz Nowak", spouse_name="Anna")
    make_request(partner, text="Favour at the visa office")
    people = [
        make_member(community, Role.INTERCESSOR, time_zone="Europe/London") for _ in range(count)
    ]
    make_group(community, members=people, partners=[partner])
    now = timezone.now()
    for user in people:
        Preference.objects.create(
            user=user, daily_next_at=now - timedelta(seconds=5), checkin_digest_enabled=False
        )
    for _ in range(partners):
        user = make_member(community, Role.PARTNER, time_zone="Europe/London")
        profile = make_partner(community, user=user)
        PrayerLog.objects.create(
            user=people[0], partner=profile, prayed_at=now - timedelta(hours=1)
        )
        Preference.objects.create(
            user=user,
            daily_enabled=False,
            checkin_digest_enabled=False,
            encouragement_next_at=now - timedelta(seconds=5),
        )
    return people


def due_hours(count: int) -> list:
    """``count`` intercessors holding the hour of a season of prayer under way, with at least
    twenty minutes of it left (in London, or else on a clock half an hour off), so each is
    reminded of it now, late but while it lasts."""
    now = timezone.now()
    zone = "Europe/London" if now.minute < 40 else "Asia/Kolkata"
    community = make_community(time_zone=zone)
    people = [make_member(community, Role.INTERCESSOR, time_zone=zone) for _ in range(count)]
    season = Season.objects.create(
        community=community,
        title="Around the clock",
        starts_on=timezone.localdate() - timedelta(days=1),
        ends_on=timezone.localdate() + timedelta(days=1),
        time_zone=zone,
    )
    hour = now.astimezone(ZoneInfo(zone)).hour
    for user in people:
        Preference.objects.create(user=user, daily_enabled=False, checkin_digest_enabled=False)
        SeasonHour.objects.create(
            season=season, user=user, hour=hour, remind_at=now - timedelta(seconds=5)
        )
    return people


def dispatch_and_publish(broker_url: str, monkeypatch) -> list[int]:
    """What beat's tick does: the dispatcher writes deliveries and queues them by id."""
    queued: list[int] = []
    monkeypatch.setattr("notifications.tasks.enqueue_deliveries", queued.extend)
    written = dispatch_reminders()
    assert written == len(queued) == len(set(queued))
    ids = sorted(queued)
    publish(broker_url, ids)
    return ids


def publish(broker_url: str, ids: list[int], size: int = 10) -> None:
    with Connection(broker_url) as connection:
        producer = connection.Producer()
        for start in range(0, len(ids), size):
            send_reminders.apply_async(args=(ids[start : start + size],), producer=producer)


def expected_message_ids(ids: list[int]) -> set[str]:
    host = site_host()
    return {d.message_id(host) for d in Delivery.objects.filter(pk__in=ids)}


def wait_until_sent(ids, sink, broker_url, timeout=90):
    """Wait for every delivery to be accepted, running the sweeper as beat would."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENT).count() == len(ids):
            return
        stuck = stuck_deliveries()
        if stuck:
            publish(broker_url, stuck)
        time.sleep(1)
    counts = Counter(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True))
    raise AssertionError(f"not all sent in time: {dict(counts)}, {len(sink.accepted)} accepted")


def assert_exactly_once(ids, sink):
    received = Counter(sink.accepted)
    duplicates = {mid: n for mid, n in received.items() if n > 1}
    assert not duplicates, f"received twice: {duplicates}"
    assert set(received) == expected_message_ids(ids), "lost or unexpected messages"
    assert Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENT).count() == len(ids)


def kill_while_the_server_holds(worker, sink, number: int):
    """Arm the server to SIGKILL the worker while it waits for the answer to message
    ``number`` (left unaccepted). Returns a function that waits until it is dead."""
    killed: list[int] = []

    def kill(count: int):
        if count == number and not killed:
            worker.kill()
            killed.append(count)
            return False
        return True

    sink.on_message = kill

    def wait_until_killed() -> None:
        deadline = time.monotonic() + 60
        while not killed and time.monotonic() < deadline:
            time.sleep(0.2)
        assert killed, "the worker was never killed"

    return wait_until_killed


def test_a_batch_is_delivered_once_each(worker, smtp_sink, redis_broker, monkeypatch):
    due_people(PEOPLE)
    worker.start(concurrency=2)
    ids = dispatch_and_publish(redis_broker, monkeypatch)
    assert len(ids) == PEOPLE
    smtp_sink.wait_for(PEOPLE, timeout=90)
    wait_until_sent(ids, smtp_sink, redis_broker)
    assert_exactly_once(ids, smtp_sink)


def test_worker_killed_mid_batch_then_restarted(worker, smtp_sink, redis_broker, monkeypatch):
    due_people(PEOPLE, partners=PARTNERS)
    worker.start(concurrency=1)
    # Killed in the middle of the partners' encouragements, which come after the daily lists.
    wait_until_killed = kill_while_the_server_holds(worker, smtp_sink, PEOPLE + 5)
    ids = dispatch_and_publish(redis_broker, monkeypatch)
    assert Delivery.objects.filter(pk__in=ids, kind="encouragement").count() == PARTNERS
    wait_until_killed()
    assert len(smtp_sink.accepted) == PEOPLE + 4
    worker.start(concurrency=1)
    wait_until_sent(ids, smtp_sink, redis_broker)
    assert_exactly_once(ids, smtp_sink)
    # The delivery that was in flight was claimed twice and sent once.
    assert Delivery.objects.filter(pk__in=ids, attempts__gte=2).exists()


def test_worker_killed_mid_season_hour_reminders_then_restarted(
    worker, smtp_sink, redis_broker, monkeypatch
):
    due_people(20)
    due_hours(HOLDERS)
    worker.start(concurrency=1)
    # Killed in the middle of the season's hour reminders, which come after the daily lists.
    wait_until_killed = kill_while_the_server_holds(worker, smtp_sink, 20 + 5)
    ids = dispatch_and_publish(redis_broker, monkeypatch)
    assert Delivery.objects.filter(pk__in=ids, kind="season_hour").count() == HOLDERS
    wait_until_killed()
    assert len(smtp_sink.accepted) == 20 + 4
    worker.start(concurrency=1)
    wait_until_sent(ids, smtp_sink, redis_broker)
    assert_exactly_once(ids, smtp_sink)
    assert Delivery.objects.filter(pk__in=ids, kind="season_hour", attempts__gte=2).exists()
    # Beat again: every hour was claimed and moved on; nothing is written twice.
    assert dispatch_reminders() == 0


def test_server_rejecting_thirty_percent_for_a_while(worker, smtp_sink, redis_broker, monkeypatch):
    smtp_sink.reject_ratio = 0.3
    due_people(PEOPLE)
    worker.start(concurrency=2)
    ids = dispatch_and_publish(redis_broker, monkeypatch)
    wait_until_sent(ids, smtp_sink, redis_broker, timeout=150)
    assert smtp_sink.rejected >= 10  # the server really did push back
    assert_exactly_once(ids, smtp_sink)
    retried = Delivery.objects.filter(pk__in=ids, attempts__gte=2).count()
    assert retried >= 10


def test_worker_database_connections_cut_mid_batch(worker, smtp_sink, redis_broker, monkeypatch):
    """While the server holds messages 5, 25 and 45, every database connection but the test's
    own is terminated (``pg_terminate_backend``): the worker writes each outcome again on a new
    connection and goes on with its batch. Nothing is lost, nothing sent twice, and nothing
    waits for the sweeper."""
    import psycopg
    from django.db import connection

    due_people(PEOPLE)
    worker.start(concurrency=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (own_pid,) = cursor.fetchone()
    db = connection.settings_dict
    dsn = (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432}"
        f" user={db['USER']} dbname={db['NAME']}"
    )
    cut: list[int] = []

    def terminate_the_workers_connections(number: int):
        if number in (5, 25, 45):
            with psycopg.connect(dsn, autocommit=True) as admin:
                rows = admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                    [own_pid],
                ).fetchall()
            cut.append(len(rows))
        return True

    smtp_sink.on_message = terminate_the_workers_connections
    ids = dispatch_and_publish(redis_broker, monkeypatch)
    smtp_sink.wait_for(PEOPLE, timeout=90)
    # Every outcome is written by the worker itself: no delivery is left for the sweeper.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENT).count() == PEOPLE:
            break
        time.sleep(0.5)
    assert cut and all(cut), f"connections terminated at each cut: {cut}"
    assert stuck_deliveries(timezone.now() + timedelta(hours=1)) == []
    assert_exactly_once(ids, smtp_sink)


def test_worker_killed_with_the_default_lease_is_back_within_two_minutes(
    worker, worker_env, smtp_sink, redis_broker, monkeypatch
):
    """The production lease (60 s) and sweep (every 30 s, as beat runs it): the worker is
    SIGKILLed while the server holds message 20 and started again at once. What it held goes
    out once each, after its lease and not before."""
    from notifications.send import lease

    worker_env["EPAPHRAS_REMINDER_LEASE_SECONDS"] = str(int(lease().total_seconds()))
    worker_env["EPAPHRAS_BROKER_VISIBILITY_TIMEOUT"] = "3600"  # only the sweeper brings it back
    due_people(PEOPLE)
    worker.start(concurrency=1)
    wait_until_killed = kill_while_the_server_holds(worker, smtp_sink, 20)
    ids = dispatch_and_publish(redis_broker, monkeypatch)
    wait_until_killed()
    held = list(
        Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).values_list(
            "pk", "lease_until"
        )
    )
    assert held, "the killed worker held nothing"
    worker.start(concurrency=1)
    back, back_at = time.monotonic(), timezone.now()
    next_sweep = back
    while time.monotonic() < back + 180:
        if Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENT).count() == PEOPLE:
            break
        if time.monotonic() >= next_sweep:  # beat's sweep, every 30 seconds
            publish(redis_broker, stuck_deliveries())
            next_sweep += 30
        time.sleep(0.5)
    last = max(Delivery.objects.filter(pk__in=ids).values_list("sent_at", flat=True))
    recovery = (last - back_at).total_seconds()
    print(
        f"\nworker SIGKILL, default lease: the last of {PEOPLE} sent {recovery:.0f} s after restart"
    )
    assert_exactly_once(ids, smtp_sink)
    # Nothing was taken from the dead worker before its lease ended.
    for pk, lease_until in held:
        delivery = Delivery.objects.get(pk=pk)
        assert delivery.attempts == 2 and delivery.sent_at >= lease_until


def test_mail_server_down_then_back(worker, smtp_sink, redis_broker, monkeypatch):
    """The mail server is down when the reminders fall due (connections refused). They wait,
    using none of their attempts, and go out once each soon after the server is back: tried
    again every minute (the default), not after an ever longer back-off."""
    due_people(PEOPLE)
    smtp_sink.controller.stop()
    worker.start(concurrency=1)
    ids = dispatch_and_publish(redis_broker, monkeypatch)
    time.sleep(20)
    waiting = Delivery.objects.filter(pk__in=ids)
    assert not waiting.filter(status=DeliveryStatus.SENT).exists()
    assert waiting.filter(status=DeliveryStatus.PENDING, attempts=0).count() == PEOPLE
    smtp_sink.controller = Controller(smtp_sink, hostname="127.0.0.1", port=smtp_sink.port)
    smtp_sink.controller.start()
    back_at = timezone.now()
    wait_until_sent(ids, smtp_sink, redis_broker, timeout=150)
    recovery = (max(waiting.values_list("sent_at", flat=True)) - back_at).total_seconds()
    print(f"\nmail server back: the last of {PEOPLE} sent {recovery:.0f} s later")
    assert_exactly_once(ids, smtp_sink)


def test_redis_restarted_empty_mid_batch(worker, worker_env, smtp_sink, own_redis, monkeypatch):
    """The broker is a Redis of this test's own. While the server holds message 20 it is
    killed, and five seconds later started again with nothing in it: the batches still queued
    and the one being worked on are gone. The worker reconnects; beat's sweep (every 30 s)
    finds the pending deliveries nobody touched and queues them again. Each goes out once."""
    from notifications.send import lease

    worker_env["CELERY_BROKER_URL"] = own_redis.url
    worker_env["EPAPHRAS_REMINDER_LEASE_SECONDS"] = str(int(lease().total_seconds()))
    worker_env["EPAPHRAS_BROKER_VISIBILITY_TIMEOUT"] = "3600"
    due_people(PEOPLE)
    worker.start(concurrency=1)
    killed: list[float] = []

    def kill_redis(count: int):
        if count == 20 and not killed:
            own_redis.kill()
            killed.append(time.monotonic())
        return True

    smtp_sink.on_message = kill_redis
    ids = dispatch_and_publish(own_redis.url, monkeypatch)
    deadline = time.monotonic() + 60
    while not killed and time.monotonic() < deadline:
        time.sleep(0.2)
    assert killed, "Redis was never killed"
    time.sleep(5)
    own_redis.start()
    back, back_at = time.monotonic(), timezone.now()
    assert own_redis.keys() == 0, "the restarted Redis still held data"
    lost = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.PENDING).count()
    assert lost >= 30, f"only {lost} deliveries lost their task"
    next_sweep = back
    while time.monotonic() < back + 240:
        if Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENT).count() == PEOPLE:
            break
        if time.monotonic() >= next_sweep:  # beat's sweep, every 30 seconds
            publish(own_redis.url, stuck_deliveries())
            next_sweep += 30
        time.sleep(0.5)
    sent_at = Delivery.objects.filter(pk__in=ids).values_list("sent_at", flat=True)
    recovery = (max(s for s in sent_at if s) - back_at).total_seconds()
    print(
        f"\nRedis restarted empty: {lost} deliveries had lost their task; the last of {PEOPLE}"
        f" sent {recovery:.0f} s after Redis was back"
    )
    assert_exactly_once(ids, smtp_sink)
