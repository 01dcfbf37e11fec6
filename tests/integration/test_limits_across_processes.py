"""Rate limits against gunicorn with three worker processes and production settings: the
count is shared (Redis in production, the database cache in the embedded default), so a
limit holds whichever process answers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.factories import make_user
from tests.integration.conftest import REDIS_URL, ROOT, free_port

pytestmark = pytest.mark.integration

WRONG = "The email address and/or password you specified are not correct."
REFUSED = "Too many failed login attempts. Try again later."


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """Production settings serve the hashed static files: collected once for the module."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "EPAPHRAS_ENV": "production",
        "DJANGO_SECRET_KEY": "test-only-" + "k" * 50,
        "EPAPHRAS_STATIC_ROOT": str(root),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return root


class Gunicorn:
    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, workers: int = 3, max_requests: int = 0) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                # With 1, each process answers one request and is replaced: a count kept in a
                # process would start again at every request.
                "--max-requests",
                str(max_requests),
                "--access-logfile",
                str(self.log),
                # The worker's pid on each line: which process answered.
                "--access-logformat",
                "%(p)s %(m)s %(U)s %(s)s",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.with_suffix(".err").open("w"),
            start_new_session=True,
        )
        # Generous: three workers booting on a busy two-core machine can take a minute.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise AssertionError("gunicorn exited") from None
                time.sleep(0.3)
        raise AssertionError("gunicorn did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def pids_that_answered(self, path: str) -> Counter:
        lines = self.log.read_text().splitlines()
        return Counter(line.split()[0] for line in lines if f"POST {path} " in line)


def production_env(static_root: Path, cache_url: str | None) -> dict:
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "EPAPHRAS_ENV": "production",
        "DJANGO_SECRET_KEY": "test-only-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "EPAPHRAS_STATIC_ROOT": str(static_root),
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": REDIS_URL,
    }
    env.pop("CACHE_URL", None)
    if cache_url:
        env["CACHE_URL"] = cache_url
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def sign_in_attempt(base: str, email: str, password: str) -> str:
    """A fresh visitor each time (no cookies kept): the sign-in page, then its form posted
    with a wrong password. Returns the page that came back."""
    with urllib.request.urlopen(base + "/accounts/login/", timeout=10) as page:
        html = page.read().decode()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the sign-in page"
    token = found.group(1)
    form = urllib.parse.urlencode(
        {"login": email, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/login/", data=form, headers={"Cookie": cookie}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.read().decode()


def cache_for(kind: str) -> str | None:
    import redis
    from django.core.management import call_command

    if kind == "redis":
        cache_url = REDIS_URL.rsplit("/", 1)[0] + "/13"
        redis.Redis.from_url(cache_url).flushdb()
        return cache_url
    call_command("createcachetable", verbosity=0)
    return None


@pytest.mark.parametrize("cache", ["redis", "database"])
def test_wrong_passwords_are_refused_after_five_whichever_process_answers(
    postgresql, transactional_db, static_root, tmp_path, cache
):
    """19 wrong passwords for one account, one after another, each request answered by a
    process that then exits and is replaced (as after a restart): 5 are told "not correct",
    the other 14 are refused, because the count is not in any process."""
    make_user(email="grace@example.org")
    server = Gunicorn(production_env(static_root, cache_for(cache)), tmp_path / "access.log")
    server.start(workers=3, max_requests=1)
    try:
        answers = [
            sign_in_attempt(server.url, "grace@example.org", f"guess-{n}") for n in range(19)
        ]
    finally:
        server.stop()
    told_wrong = sum(WRONG in page for page in answers)
    refused = sum(REFUSED in page for page in answers)
    processes = server.pids_that_answered("/accounts/login/")
    print(f"\n{cache} cache: {told_wrong} tries before refusal, {refused} refused, by {processes}")
    assert len(processes) >= 10, f"too few processes answered: {processes}"
    assert (told_wrong, refused) == (5, 14)


def test_wrong_passwords_at_once_from_three_clients(
    postgresql, transactional_db, static_root, tmp_path
):
    """The hostile case: three clients guess at the same time, 21 guesses over three worker
    processes at once. allauth reads and writes its count in two steps, so guesses that race
    may each be counted as the same one: at most one extra per other process."""
    from concurrent.futures import ThreadPoolExecutor

    make_user(email="grace@example.org")
    server = Gunicorn(production_env(static_root, cache_for("redis")), tmp_path / "access.log")
    server.start(workers=3)
    try:
        with ThreadPoolExecutor(3) as pool:
            answers = list(
                pool.map(
                    lambda n: sign_in_attempt(server.url, "grace@example.org", f"guess-{n}"),
                    range(21),
                )
            )
    finally:
        server.stop()
    told_wrong = sum(WRONG in page for page in answers)
    processes = server.pids_that_answered("/accounts/login/")
    print(f"\nat once: {told_wrong} of 21 tries before refusal, by {processes}")
    assert len(processes) >= 2, f"one process answered everything: {processes}"
    assert 5 <= told_wrong <= 7
    assert told_wrong + sum(REFUSED in page for page in answers) == 21
