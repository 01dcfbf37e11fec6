"""The production set in one command: `bin/production` starts gunicorn, two Celery workers and
one beat with production settings, against a database it creates and migrates, PostgreSQL and
Redis; the app answers with DEBUG off and hashed static files, and Ctrl-C stops it all."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "epaphras_production_set_test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 — our own server
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def dropdb() -> None:
    subprocess.run(
        ["dropdb", "-w", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE],
        check=True,
        capture_output=True,
    )


def test_one_command_runs_web_two_workers_and_beat_with_production_settings(tmp_path, postgresql):
    dropdb()
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EPAPHRAS_", "DATABASE_", "CELERY_", "CACHE_", "EMAIL_"))
    }
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/10",
        CACHE_URL="redis://127.0.0.1:6379/9",
        EPAPHRAS_PORT=str(port),
        EPAPHRAS_VAR_DIR=str(tmp_path),
        EPAPHRAS_STATIC_ROOT=str(tmp_path / "static"),
        WEB_CONCURRENCY="2",
    )
    process = subprocess.Popen(
        [str(ROOT / "bin" / "production")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or []), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        health = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                status, _headers, body = get(f"{base}/healthz")
            except OSError:
                time.sleep(1)
                continue
            health = (status, json.loads(body))
            if status == 200:
                break
            time.sleep(1)
        assert health is not None, "".join(lines)[-3000:]
        assert health[0] == 200 and health[1]["database"] == "ok" and health[1]["broker"] == "ok"

        # Both workers and beat are up (honcho prefixes each line with its process).
        deadline = time.monotonic() + 60
        wanted = ("worker.1", "worker.2", "beat.1")
        while time.monotonic() < deadline:
            output = "".join(lines)
            if all(
                re.search(rf"^\S* *{re.escape(name)} +\| .*(ready|Starting)", output, re.M)
                for name in wanted
            ):
                break
            time.sleep(1)
        else:
            raise AssertionError("".join(lines)[-3000:])

        # Production settings: no debug page, hashed static files served by the app.
        status, _headers, body = get(f"{base}/no-such-page/")
        assert status == 404 and b"Page not found (404)" not in body and b"URLconf" not in body
        status, _headers, body = get(f"{base}/accounts/login/")
        assert status == 200
        css = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
        assert css, body[:2000]
        status, headers, _body = get(base + css.group(1).decode())
        assert status == 200 and "max-age=315360000" in headers.get("Cache-Control", "")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
        finally:
            dropdb()
    output = "".join(lines)
    assert "created the database" in output
