"""Real processes for the integration tests: an SMTP server in this process, Celery workers
as child processes on a real Redis broker, both around the PostgreSQL test database."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
# One Redis database per pytest-xdist worker (gw0 → 15, gw1 → 14, …), emptied around each test.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("EPAPHRAS_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER % 15}")


class Sink:
    """An SMTP server that counts what it accepts, by Message-ID.

    ``reject_ratio`` answers that share of messages with a transient 451; ``on_message`` is
    called with the running count before a message is accepted and may return False to leave
    it unaccepted (as when the sender dies mid-transaction)."""

    def __init__(self, reject_ratio: float = 0.0, seed: int = 7):
        self.accepted: list[str] = []
        self.rejected = 0
        self.reject_ratio = reject_ratio
        self.random = random.Random(seed)
        self.on_message = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        message = message_from_bytes(envelope.content)
        message_id = message["Message-ID"]
        with self.lock:
            if self.reject_ratio and self.random.random() < self.reject_ratio:
                self.rejected += 1
                return "451 4.3.0 Try again later"
            if self.on_message is not None and self.on_message(len(self.accepted) + 1) is False:
                return "421 4.3.0 Closing"
            self.accepted.append(message_id)
        return "250 2.0.0 Accepted"

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(set(self.accepted)) >= count:
                return
            time.sleep(0.2)
        raise AssertionError(f"only {len(set(self.accepted))} of {count} messages arrived")


@pytest.fixture
def smtp_sink():
    sink = Sink()
    sink.port = free_port()
    sink.controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    sink.controller.start()
    yield sink
    if sink.controller.loop.is_running():
        sink.controller.stop()


@pytest.fixture
def redis_broker():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.ping()
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


class RedisServer:
    """A ``redis-server`` of this test's own, on a free port, that can be killed and started
    again empty (no saving, no append-only file), as a restarted Redis that lost its data."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)

    def keys(self) -> int:
        import redis

        return int(redis.Redis(port=self.port).dbsize())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis():
    server = RedisServer(free_port())
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.kill()


class Worker:
    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None

    def start(self, concurrency: int = 1) -> None:
        self.log.write_text("")
        out = self.log.open("a")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--hostname",
                f"test-{time.time_ns()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if " ready." in self.log.read_text():
                return
            if self.process.poll() is not None:
                raise AssertionError("the worker exited:\n" + self.log.read_text()[-3000:])
            time.sleep(0.2)
        raise AssertionError("the worker did not start:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as an out-of-memory kill would."""
        assert self.process is not None, "the worker was never started"
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def worker_env(postgresql, transactional_db, redis_broker, smtp_sink):
    from django.db import connection

    from config.celery import app

    # Tasks go through the broker to the worker, not run here as in the unit tests.
    app.conf.task_always_eager = False

    db = connection.settings_dict
    database_url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": redis_broker,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "10",
        "EPAPHRAS_REMINDER_LEASE_SECONDS": "5",
        "EPAPHRAS_REMINDER_RETRY_BASE_SECONDS": "1",
        "EPAPHRAS_BROKER_VISIBILITY_TIMEOUT": "5",
        "EPAPHRAS_REMINDER_BATCH_SIZE": "10",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@pytest.fixture
def worker(worker_env, tmp_path):
    w = Worker(worker_env, tmp_path / "worker.log")
    yield w
    w.stop()
