"""10,000 intercessors due at the same minute, among 100,000 people.

Real Celery worker(s) on Redis, PostgreSQL, and an SMTP sink in this process. Reports:
- how long the dispatcher takes to find the due rows among 100,000 schedules;
- how long dispatching takes (claiming rows, writing deliveries, queueing);
- the time from the start of dispatch to the last message received, and messages per second.

    .venv/bin/python bench/reminders.py [--due 10000] [--people 100000] [--concurrency 2]
    .venv/bin/python bench/reminders.py --scale [--workers 2]

``--scale`` fills the database with ``manage.py seed_scale`` instead (200 communities,
1,000,000 prayers) and makes every one of its intercessors and coordinators due at once: each
daily list is a different person's, with their own groups' partners.

It creates and drops its own database, ``epaphras_bench``, on the local PostgreSQL, and uses
Redis database 14.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432"
DB = "epaphras_bench"
REDIS = "redis://127.0.0.1:6379/14"
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    DATABASE_URL=f"{PG}/{DB}",
    CELERY_BROKER_URL=REDIS,
    EPAPHRAS_REMINDER_BATCH_SIZE="100",
)


def sh(*args):
    subprocess.run(args, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--scale", action="store_true", help="the seed_scale dataset")
    options = parser.parse_args()

    sh("dropdb", "-w", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB)
    sh("createdb", "-w", "-h", "127.0.0.1", "-U", "postgres", DB)
    import redis

    redis.Redis.from_url(REDIS).flushdb()

    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    received = []
    lock = threading.Lock()

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            with lock:
                received.append(time.perf_counter())
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    os.environ.update(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), EMAIL_USE_TLS="false")
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if options.scale:
        options.people = options.due = seed_scale()
    else:
        seed(options.people, options.due)
    print(
        f"seeded {options.people:,} people ({options.due:,} due) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    from django.db import connection
    from django.utils import timezone

    from notifications.models import Preference

    connection.cursor().execute("ANALYZE")
    now = timezone.now()
    timings = []
    for _ in range(5):
        t = time.perf_counter()
        list(
            Preference.objects.filter(
                daily_enabled=True, bounced_at__isnull=True, daily_next_at__lte=now
            )
            .order_by("daily_next_at")
            .values_list("pk", flat=True)[:2000]
        )
        timings.append(time.perf_counter() - t)
    print(
        f"finding the first 2,000 due rows among {options.people:,}: "
        f"{min(timings) * 1000:.1f} ms (best of 5)"
    )

    workers = []
    # Workers run as in production: persistent connections, DEBUG off (no query log).
    env = {**os.environ, "DATABASE_CONN_MAX_AGE": "600", "DJANGO_DEBUG": "false"}
    for n in range(options.workers):
        log = Path(f"/tmp/epaphras-bench-worker-{n}.log").open("w")  # noqa: SIM115 — the worker keeps it
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--loglevel=WARNING",
                    f"--concurrency={options.concurrency}",
                    "--without-mingle",
                    "--without-gossip",
                    "--without-heartbeat",
                    "--hostname",
                    f"bench{n}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    time.sleep(6)

    from notifications.dispatch import dispatch_due
    from notifications.tasks import enqueue_deliveries

    t0 = time.perf_counter()
    ids = dispatch_due()
    enqueue_deliveries(ids)
    t1 = time.perf_counter()
    print(f"dispatch: {len(ids):,} deliveries written and queued in {t1 - t0:.1f} s")
    deadline = t0 + 900
    while len(received) < len(ids) and time.perf_counter() < deadline:
        time.sleep(0.5)
    t2 = received[-1] if received else time.perf_counter()
    print(
        f"received {len(received):,} messages; last one {t2 - t0:.1f} s after dispatch began; "
        f"{len(received) / (t2 - t0):.0f} messages/s end to end"
    )
    for w in workers:
        os.killpg(w.pid, 15)
        w.wait(timeout=30)
    controller.stop()
    connection.close()
    sh("dropdb", "-w", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB)


def seed_scale() -> int:
    """seed_scale's dataset, with everyone who prays due now; returns how many."""
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from notifications.models import Preference
    from partnerships.models import PRAYING_ROLES

    call_command("seed_scale", allow_production=True, stdout=io.StringIO())
    now = timezone.now()
    praying = User.objects.filter(memberships__role__in=PRAYING_ROLES).distinct()
    rows = Preference.objects.bulk_create(
        [
            Preference(
                user=user,
                daily_next_at=now - timedelta(seconds=30),
                weekly_enabled=False,
                checkin_digest_enabled=False,
            )
            for user in praying
        ],
        batch_size=5000,
    )
    # Nobody else is due: the other kinds wait for another day.
    Preference.objects.bulk_create(
        [
            Preference(
                user=user,
                daily_next_at=now + timedelta(hours=6),
                weekly_enabled=False,
                checkin_digest_enabled=False,
            )
            for user in User.objects.exclude(pk__in=praying.values("pk"))
        ],
        batch_size=5000,
    )
    return len(rows)


def seed(people: int, due: int) -> None:
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from intercession.models import IntercessorGroup
    from notifications.models import Preference
    from partnerships.models import Child, Community, Membership, Partner, PrayerRequest, Role

    now = timezone.now()
    with transaction.atomic():
        community = Community.objects.create(name="Bench", slug="bench", time_zone="Europe/London")
        partners = [
            Partner.objects.create(
                community=community,
                name=f"Partner {i}",
                kind="missionary",
                time_zone="Europe/Warsaw",
                spouse_name="Anna",
            )
            for i in range(3)
        ]
        for partner in partners:
            Child.objects.create(partner=partner, name="Micah", birth_year=2019)
            PrayerRequest.objects.create(
                partner=partner, text="Favour at the visa office", urgent=True
            )
            PrayerRequest.objects.create(partner=partner, text="A hall for Sundays")
        users = User.objects.bulk_create(
            [
                User(
                    email=f"p{i}@bench.example.org",
                    name=f"Person {i}",
                    password="!",
                    time_zone="Europe/London",
                )
                for i in range(people)
            ],
            batch_size=5000,
        )
        Membership.objects.bulk_create(
            [Membership(user=u, community=community, role=Role.INTERCESSOR) for u in users],
            batch_size=5000,
        )
        group = IntercessorGroup.objects.create(
            community=community,
            name="Everyone",
            weekday=1,
            meeting_time="19:30",
            time_zone="Europe/London",
        )
        group.partners.set(partners)
        IntercessorGroup.members.through.objects.bulk_create(
            [IntercessorGroup.members.through(intercessorgroup=group, user=u) for u in users[:due]],
            batch_size=5000,
        )
        Preference.objects.bulk_create(
            [
                Preference(
                    user=u,
                    daily_next_at=now - timedelta(seconds=30)
                    if i < due
                    else now + timedelta(hours=6),
                    checkin_digest_enabled=False,
                )
                for i, u in enumerate(users)
            ],
            batch_size=5000,
        )


if __name__ == "__main__":
    main()
