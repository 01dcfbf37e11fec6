"""The embedded stack under use: `make run`'s three processes (bin/run: web server, Celery
worker and beat on the filesystem broker, SQLite) for a while, with a daily reminder falling
due every minute and an "I prayed" tap every few seconds.

    .venv/bin/python bench/soak.py [--minutes 30] [--tap-every 3]

It works in its own folder (a fresh SQLite database, broker folders and email files, port
8031), so a `make run` already going is not touched. At the end it reports, and fails when
any is not as it should be:
- how often the supervisor had to start a process again (crashes), and errors in the logs;
- reminders due, and emails written for them: lost and duplicated (by Message-ID);
- taps made, taps answered 200, and prayers recorded;
- how long Ctrl-C takes to stop the three.
"""

from __future__ import annotations

import argparse
import email
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8031
USERS = 40


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--tap-every", type=float, default=3.0)
    parser.add_argument("--keep", action="store_true", help="keep the working folder")
    options = parser.parse_args()
    due_count = int(options.minutes) - 1  # one due each minute, the last a minute before the end

    work = Path(tempfile.mkdtemp(prefix="epaphras-soak-"))
    mail = work / "mail"
    mail.mkdir()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        EPAPHRAS_VAR_DIR=str(work),
        EMAIL_FILE_PATH=str(mail),
        EPAPHRAS_ADDR=f"127.0.0.1:{PORT}",
        EPAPHRAS_RELOAD="0",
    )
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_HOST"):
        os.environ.pop(name, None)
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, check=True, capture_output=True)

    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    people, due = _people(due_count)
    requests_by_user = _what_they_pray_for(people)

    log_path = work / "run.log"
    log = log_path.open("w")
    stack = subprocess.Popen(
        [str(ROOT / "bin" / "run")], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_web()
        taps = _tap_for(options.minutes * 60, options.tap_every, people, requests_by_user)
        # The last reminder was due a minute before the end; give the worker time to send it.
        time.sleep(20)
    finally:
        began = time.monotonic()
        stack.send_signal(signal.SIGINT)
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            stack.kill()
        stopped_in = time.monotonic() - began
        log.close()
    leftovers = subprocess.run(
        ["pgrep", "-f", f"EPAPHRAS_VAR_DIR={work}|{work}"], capture_output=True, text=True
    ).stdout.split()

    failures = _report(log_path, mail, due, taps, people, stopped_in, leftovers)
    if options.keep:
        print(f"working folder kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


def _people(due_count: int):
    """USERS intercessors of the demo's main community, in one of its groups; the daily
    reminder of the first ``due_count`` is due one minute after another, starting in two."""
    from django.utils import timezone

    from accounts.models import User
    from intercession.models import IntercessorGroup
    from notifications.models import Preference
    from partnerships.models import Community, Membership, Role

    community = Community.objects.get(slug="riverside-house-of-prayer")
    group = IntercessorGroup.objects.filter(community=community, partners__isnull=False).first()
    assert group is not None, "the demo has a group with partners"
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=2)
    people, due = [], {}
    for number in range(USERS):
        user = User.objects.create_user(
            email=f"soak{number}@example.org", password=None, name=f"Soak {number}"
        )
        Membership.objects.create(user=user, community=community, role=Role.INTERCESSOR)
        group.members.add(user)
        pref = Preference.new(user, timezone.now())
        # Those not due in the soak are due tomorrow: nothing else is sent to them.
        pref.daily_next_at = (
            start + timedelta(minutes=number) if number < due_count else start + timedelta(days=1)
        )
        pref.save()
        if number < due_count:
            due[user.email] = pref.daily_next_at
        people.append(user)
    return people, due


def _what_they_pray_for(people) -> dict[int, list[int]]:
    from intercession.selectors import daily_list
    from partnerships.models import Membership

    prayable = {}
    for user in people:
        membership = Membership.objects.get(user=user)
        daily = daily_list(membership)
        prayable[user.pk] = [item.pk for card in daily.cards for item in card.requests]
    assert all(prayable.values()), "every soak intercessor has requests to pray for"
    return prayable


def _session_for(user) -> http.cookiejar.CookieJar:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    jar = http.cookiejar.CookieJar()
    jar.set_cookie(_cookie(settings.SESSION_COOKIE_NAME, str(session.session_key)))
    return jar


def _cookie(name: str, value: str) -> http.cookiejar.Cookie:
    return http.cookiejar.Cookie(
        0, name, value, None, False, "127.0.0.1", False, False, "/", True, False,
        None, False, None, None, {},
    )  # fmt: skip


def _wait_for_web() -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the web server did not answer within a minute")


def _tap_for(seconds: float, every: float, people, requests_by_user) -> dict[str, int]:
    """ "I prayed" from one person after another (round robin, so nobody taps the same
    request twice within the double-tap window), each through the Today page's form."""
    slug = "riverside-house-of-prayer"
    today = f"http://127.0.0.1:{PORT}/c/{slug}/today/"
    openers = {}
    counts: Counter[str] = Counter()
    end = time.monotonic() + seconds
    turn = 0
    while time.monotonic() < end:
        user = people[turn % len(people)]
        asks = requests_by_user[user.pk]
        request_id = asks[(turn // len(people)) % len(asks)]
        turn += 1
        if user.pk not in openers:
            jar = _session_for(user)
            openers[user.pk] = (
                urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)),
                jar,
            )
        opener, jar = openers[user.pk]
        counts["taps"] += 1
        try:
            opener.open(today, timeout=30).read()
            token = next(c.value for c in jar if c.name == "csrftoken")
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": token, "request": request_id, "key": f"soak-{turn}"}
            ).encode()
            answer = opener.open(
                urllib.request.Request(
                    f"http://127.0.0.1:{PORT}/c/{slug}/pray/",
                    data=body,
                    headers={"HX-Request": "true", "Referer": today},
                ),
                timeout=30,
            )
            counts[f"status {answer.status}"] += 1
        except urllib.error.HTTPError as error:
            counts[f"status {error.code}"] += 1
        except OSError as error:
            counts[f"no answer ({type(error).__name__})"] += 1
        time.sleep(every)
    return dict(counts)


def _report(log_path, mail, due, taps, people, stopped_in, leftovers) -> list[str]:
    from intercession.models import PrayerLog
    from notifications.models import Delivery

    text = log_path.read_text(errors="replace")
    # What the processes say while stopping (pool processes ended by SIGTERM) is not a fault.
    running = text.split("[run] stopping")[0]
    starts = Counter(re.findall(r"^\[run\] (\w+) started", text, re.MULTILINE))
    restarts = {name: count - 1 for name, count in starts.items() if count > 1}
    errors = [
        line
        for line in running.splitlines()
        if re.search(r"Traceback|JSONDecodeError|CRITICAL|Unrecoverable|exited with", line)
    ]

    ids: Counter[str] = Counter()
    recipients: Counter[str] = Counter()
    for path in mail.iterdir():
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if "Message-ID:" not in chunk:
                continue
            message = email.message_from_string(chunk.strip())
            if message["X-Epaphras-Kind"] == "daily":
                ids[message["Message-ID"]] += 1
                recipients[message["To"]] += 1
    lost = sorted(set(due) - set(recipients))
    duplicates = sum(count - 1 for count in ids.values() if count > 1)
    late = []
    for delivery in Delivery.objects.filter(user__email__in=due, kind="daily"):
        if delivery.sent_at:
            late.append((delivery.sent_at - delivery.due_at).total_seconds())
    prayers = PrayerLog.objects.filter(user__in=people).count()
    answered = taps.get("status 200", 0)

    print(f"crashes (restarts by the supervisor): {sum(restarts.values())} {restarts or ''}")
    print(f"error lines in the logs: {len(errors)}")
    for line in errors[:10]:
        print(f"  {line}")
    print(f"reminders due: {len(due)}, emailed: {len(recipients)}, lost: {len(lost)}, "
          f"duplicates: {duplicates}")  # fmt: skip
    if late:
        print(f"due to sent: median {sorted(late)[len(late) // 2]:.1f} s, max {max(late):.1f} s")
    print(f"taps: {taps}; prayers recorded: {prayers}")
    print(f"Ctrl-C to all stopped: {stopped_in:.1f} s; processes left: {len(leftovers)}")
    failures = []
    if restarts:
        failures.append("a process crashed")
    if errors:
        failures.append("errors in the logs")
    if lost or duplicates:
        failures.append("reminders lost or duplicated")
    if answered != taps["taps"] or prayers != answered:
        failures.append("taps unanswered or miscounted")
    if stopped_in > 10 or leftovers:
        failures.append("slow or incomplete stop")
    print("soak: " + ("FAILED: " + "; ".join(failures) if failures else "passed"))
    return failures


if __name__ == "__main__":
    sys.exit(main())
