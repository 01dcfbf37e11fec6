"""10,000 intercessors due at the same minute, among 100,000 people.

Real Celery worker(s) on Redis, PostgreSQL, and an SMTP sink in this process. Reports:
- how long the dispatcher takes to find the due rows among 100,000 schedules;
- how long dispatching takes (claiming rows, writing deliveries, queueing);
- the time from the start of dispatch to the last message received, and messages per second.

    .venv/bin/python bench/reminders.py [--due 10000] [--people 100000] [--concurrency 2]
    .venv/bin/python bench/reminders.py --scale [--workers 2]
    .venv/bin/python bench/reminders.py --world 50000

``--world N`` builds the same dataset with N intercessors spread over the world's time zones,
each with their daily list at a wall-clock time of their own zone, and runs the real beat: each
UTC offset's people fall due together, one offset a minute (the 24 hours between the world's
mornings compressed into a quarter of an hour, so the bursts come closer together than they
ever would), and every message is compared with its own due time.

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
    parser.add_argument(
        "--world", type=int, metavar="N", help="N intercessors over the world's time zones"
    )
    options = parser.parse_args()

    sh("dropdb", "-w", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB)
    sh("createdb", "-w", "-h", "127.0.0.1", "-U", "postgres", DB)
    import redis

    redis.Redis.from_url(REDIS).flushdb()

    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    received: list[float] = []
    arrivals: dict[str, float] = {}  # recipient → wall-clock time the message arrived
    lock = threading.Lock()

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            with lock:
                received.append(time.perf_counter())
                arrivals.setdefault(envelope.rcpt_tos[0], time.time())
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
    if options.world:
        due_at = seed_world(options.world)
        print(
            f"seeded {len(due_at):,} people over the world in {time.perf_counter() - started:.1f} s"
        )
        world(options, due_at, arrivals)
    else:
        burst(options, started, received)
    controller.stop()
    sh("dropdb", "-w", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB)


def burst(options, started: float, received: list[float]) -> None:
    """Everyone due at once, dispatched by hand."""
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

    workers = start_workers(options)
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
    stop(workers)
    connection.close()


def start_workers(options, beat: bool = False) -> list[subprocess.Popen]:
    """Worker processes as in production: persistent connections, DEBUG off (no query log);
    with ``beat``, the one beat process too."""
    env = {**os.environ, "DATABASE_CONN_MAX_AGE": "600", "DJANGO_DEBUG": "false"}
    commands = [
        [
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={options.concurrency}",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "--hostname",
            f"bench{n}@%h",
        ]
        for n in range(options.workers)
    ]
    if beat:
        schedule = Path("/tmp/epaphras-bench-beat-schedule")
        schedule.unlink(missing_ok=True)
        commands.append(["beat", "--loglevel=WARNING", "--schedule", str(schedule)])
    processes = []
    for n, command in enumerate(commands):
        log = Path(f"/tmp/epaphras-bench-{command[0]}-{n}.log").open("w")  # noqa: SIM115 — the process keeps it
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", *command],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return processes


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


# How the world's intercessors might spread over UTC offsets in December (per cent), and a
# zone for each offset. One offset falls due each minute of the run, in this order.
WORLD = [
    (-8, 3, "America/Los_Angeles"),
    (-7, 2, "America/Denver"),
    (-6, 6, "America/Mexico_City"),
    (-5, 10, "America/New_York"),
    (-4, 3, "America/Santiago"),
    (-3, 8, "America/Sao_Paulo"),
    (0, 6, "Europe/London"),
    (1, 14, "Africa/Lagos"),
    (2, 8, "Africa/Johannesburg"),
    (3, 8, "Africa/Nairobi"),
    (5.5, 8, "Asia/Kolkata"),
    (7, 4, "Asia/Jakarta"),
    (8, 12, "Asia/Manila"),
    (9, 4, "Asia/Seoul"),
    (10, 3, "Australia/Brisbane"),
    (13, 1, "Pacific/Auckland"),
]


def seed_world(people: int) -> dict[str, float]:
    """seed_scale's dataset with ``people`` intercessors, each in a zone of ``WORLD`` with a
    daily time of their own zone; returns each address's due time (Unix seconds)."""
    import io
    import random
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from notifications import schedule
    from notifications.models import Preference
    from partnerships.models import PRAYING_ROLES

    call_command("seed_scale", allow_production=True, intercessors=people, stdout=io.StringIO())
    praying = list(
        User.objects.filter(memberships__role__in=PRAYING_ROLES).distinct().order_by("pk")
    )
    rng = random.Random(7)
    weights = [w for _, w, _ in WORLD]
    # The first offset falls due two and a half minutes from now (the beat's first tick is a
    # minute after it starts), then one a minute.
    first = (timezone.now() + timedelta(minutes=3)).replace(second=0, microsecond=0)
    now = timezone.now()
    due_at, preferences = {}, []
    for user in praying:
        k = rng.choices(range(len(WORLD)), weights)[0]
        zone = schedule.ZoneInfo(WORLD[k][2])
        instant = first + timedelta(minutes=k)
        local = instant.astimezone(zone).time()
        user.time_zone = WORLD[k][2]
        next_at = schedule.next_daily(local, zone, now)
        assert next_at == instant, (next_at, instant)
        preferences.append(
            Preference(
                user=user,
                daily_time=local,
                daily_next_at=next_at,
                weekly_enabled=False,
                checkin_digest_enabled=False,
                encouragement_enabled=False,
            )
        )
        due_at[user.email] = instant.timestamp()
    User.objects.bulk_update(praying, ["time_zone"], batch_size=5000)
    Preference.objects.bulk_create(preferences, batch_size=5000)
    not_due(User.objects.exclude(pk__in=[u.pk for u in praying]), now)
    return due_at


def world(options, due_at: dict[str, float], arrivals: dict[str, float]) -> None:
    """Real workers and the real beat; every message measured against its own due time."""
    from django.db import connection

    connection.cursor().execute("ANALYZE")
    connection.close()
    processes = start_workers(options, beat=True)
    last_due = max(due_at.values())
    deadline = last_due + 600
    while len(arrivals) < len(due_at) and time.time() < deadline:
        time.sleep(1)
    stop(processes)
    late = sorted(arrivals[a] - due_at[a] for a in arrivals if a in due_at)
    missing = len(due_at) - len(late)
    if not late:
        print("no message arrived")
        return

    def pct(q: float) -> float:
        return late[min(len(late) - 1, int(q * len(late)))]

    print(
        f"received {len(late):,} of {len(due_at):,} ({missing:,} missing); after its own due "
        f"time: p50 {pct(0.5):.0f} s, p95 {pct(0.95):.0f} s, max {late[-1]:.0f} s, "
        f"{sum(1 for x in late if x > 120):,} more than 2 minutes late"
    )
    print("offset  people  first  last  (seconds after the offset's due time)")
    for k, (offset, _, zone) in enumerate(WORLD):
        instant = min(due_at.values()) + 60 * k
        mine = sorted(
            arrivals[a] - instant for a, d in due_at.items() if d == instant and a in arrivals
        )
        count = sum(1 for d in due_at.values() if d == instant)
        if mine:
            print(f"{offset:+6}  {count:6,}  {mine[0]:5.0f}  {mine[-1]:4.0f}  {zone}")
    span = max(arrivals.values()) - min(arrivals.values())
    print(f"{len(arrivals) / span:.0f} messages/s from the first arrival to the last")


def not_due(users, now) -> None:
    """Preferences for people who are not due in this run: their list comes in six hours."""
    from datetime import timedelta

    from notifications.models import Preference

    Preference.objects.bulk_create(
        [
            Preference(
                user=user,
                daily_next_at=now + timedelta(hours=6),
                weekly_enabled=False,
                checkin_digest_enabled=False,
                encouragement_enabled=False,
            )
            for user in users
        ],
        batch_size=5000,
    )


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
                encouragement_enabled=False,
            )
            for user in praying
        ],
        batch_size=5000,
    )
    # Nobody else is due: the other kinds wait for another day.
    not_due(User.objects.exclude(pk__in=praying.values("pk")), now)
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
                    encouragement_enabled=False,
                )
                for i, u in enumerate(users)
            ],
            batch_size=5000,
        )


if __name__ == "__main__":
    main()
