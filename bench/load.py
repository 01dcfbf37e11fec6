"""Throughput and latency of the signed-in pages, against the framework's floor in the same run.

Starts gunicorn (sync workers, production settings plus the floor views of ``bench.settings``)
against a database already filled by ``manage.py seed_scale`` or ``manage.py seed_demo``, signs
in the busy community's coordinator, intercessor and partner over HTTP, and drives every page
with wrk (Debian's ``wrk``), the pages interleaved, several rounds. Prints, per page: queries and
one request's time (in this process), then req/s (median of the rounds, and their spread), its
ratio to each floor, and p50/p95/p99 of the median round; and the load average.

    .venv/bin/python bench/load.py --database postgres://postgres@127.0.0.1:5432/epaphras_scale
    .venv/bin/python bench/load.py --dataset demo --database postgres://…/epaphras_demo

Redis database 13 is the cache (it is emptied first).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "pray-without-ceasing"
DATASETS = {
    "scale": ("busy", "{}@busy.example.org"),
    "demo": ("riverside-house-of-prayer", "{}@example.org"),
}

WRK_SCRIPT = """
local headers = %(headers)s
local method, path, body = %(method)s, %(path)s, %(body)s
local threads, n, id = {}, 0, 0
setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
request = function()
  n = n + 1
  if method == "POST" then
    return wrk.format("POST", path, headers, body .. "&key=" .. %(prefix)s .. id .. "-" .. n)
  end
  return wrk.format("GET", path, headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration": %%d, "errors": %%d, "status": %%d, '
    .. '"p50": %%d, "p95": %%d, "p99": %%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass
class Page:
    name: str
    path: str
    who: str | None  # whose session; None: no cookie
    method: str = "GET"
    body: str = ""
    queries: int = 0
    one_ms: float = 0.0
    rounds: list[dict] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Just enough HTTP to sign in behind production settings (HTTPS as the proxy says)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def headers(self) -> dict[str, str]:
        return {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Origin": f"https://127.0.0.1:{self.port}",
            "Referer": f"https://127.0.0.1:{self.port}/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }

    def send(self, method: str, path: str, body: str = "", extra=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {**self.headers(), **(extra or {})}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location"), text

    def sign_in(self, email: str) -> None:
        status, _, page = self.send("GET", "/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and match, f"no sign-in form ({status})"
        body = urlencode(
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)}
        )
        status, location, _ = self.send("POST", "/accounts/login/", body)
        assert status == 302 and "sessionid" in self.cookies, f"sign-in refused for {email}"


def q(text: str) -> str:
    return json.dumps(text, ensure_ascii=True)


def wrk(page: Page, browser: Browser | None, port: int, options) -> dict:
    headers = {"X-Forwarded-Proto": "https"}
    if browser is not None:
        headers.update(browser.headers())
        headers["X-CSRFToken"] = browser.cookies.get("csrftoken", "")
    if page.method == "POST":
        headers.update({"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"})
    lua = WRK_SCRIPT % {
        # A JSON string of plain ASCII is a Lua string literal too.
        "headers": "{" + ", ".join(f"[{q(k)}] = {q(v)}" for k, v in headers.items()) + "}",
        "method": q(page.method),
        "path": q(page.path),
        "body": q(page.body),
        "prefix": q(secrets.token_hex(4) + "-"),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    command = [
        "wrk",
        f"-t{min(options.connections, 2)}",
        f"-c{options.connections}",
        f"-d{options.duration}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
        f"http://127.0.0.1:{port}{page.path}",
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    result = json.loads(out.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration"] / 1e6)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", required=True, help="a filled PostgreSQL database URL")
    parser.add_argument("--dataset", choices=DATASETS, default="scale")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=8, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page names")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk")

    port = free_port()
    static = tempfile.mkdtemp(prefix="epaphras-bench-static-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "EPAPHRAS_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": options.database,
        "DATABASE_CONN_MAX_AGE": "600",
        "CACHE_URL": "redis://127.0.0.1:6379/13",
        "EPAPHRAS_STATIC_ROOT": static,
        "EPAPHRAS_VAR_DIR": tempfile.mkdtemp(prefix="epaphras-bench-var-"),
    }
    os.environ.update(env)
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    import redis

    redis.Redis.from_url(env["CACHE_URL"]).flushdb()

    import django

    django.setup()
    pages = build_pages(options.dataset)
    if options.only:
        pages = [p for p in pages if p.name in options.only.split(",")]
    measure_in_process(pages, options.dataset)

    server = subprocess.Popen(
        [
            str(Path(python).with_name("gunicorn")),
            "config.wsgi",
            f"--workers={options.workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_for(port)
        slug, email = DATASETS[options.dataset]
        browsers: dict[str | None, Browser | None] = {None: None}
        for who in ("coordinator", "intercessor", "partner"):
            browsers[who] = Browser(port)
            browsers[who].sign_in(email.format(who))  # type: ignore[union-attr]
        for page in pages:
            probe = browsers[page.who] or Browser(port)
            body = page.body + "&key=probe-" + secrets.token_hex(4) if page.method == "POST" else ""
            status, location, _ = probe.send(
                page.method,
                page.path,
                body,
                {"X-CSRFToken": probe.cookies.get("csrftoken", ""), "HX-Request": "true"}
                if page.method == "POST"
                else None,
            )
            assert status == 200, f"{page.name}: {status} {location}"
        print(
            f"gunicorn {options.workers} sync workers, wrk c={options.connections}, "
            f"{options.duration} s per page, {options.rounds} rounds, dataset {options.dataset}; "
            f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        warm = argparse.Namespace(**{**vars(options), "duration": 1})
        for page in pages:
            wrk(page, browsers[page.who], port, warm)
        for n in range(options.rounds):
            # Interleaved, and in a different order each round.
            for page in pages[n % len(pages) :] + pages[: n % len(pages)]:
                page.rounds.append(wrk(page, browsers[page.who], port, options))
            print(f"round {n + 1} done; load average {os.getloadavg()[0]:.2f}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(static, ignore_errors=True)
    report(pages)


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def build_pages(dataset: str) -> list[Page]:
    from django.urls import reverse

    from accounts.models import User
    from intercession.models import IntercessorGroup
    from partnerships.models import PrayerRequest

    slug, email = DATASETS[dataset]
    intercessor = User.objects.get(email=email.format("intercessor"))
    group = IntercessorGroup.objects.filter(members=intercessor, community__slug=slug).first()
    assert group is not None, "the intercessor is in no group"
    partner = group.partners.filter(sensitive=False).first() or group.partners.first()
    assert partner is not None, "the intercessor's group adopted no partner"
    request = (
        PrayerRequest.objects.filter(partner=partner, status="active")
        .exclude(visibility="coordinators")
        .first()
    )
    assert request is not None, "the adopted partner has no active request"
    today = reverse("intercession:today", args=[slug])
    return [
        Page("floor", reverse("bench_floor"), None),
        Page("signed-in floor", reverse("bench_signed_in_floor"), "intercessor"),
        Page("Today", today, "intercessor"),
        Page("health dashboard", reverse("overview:dashboard", args=[slug]), "coordinator"),
        Page(
            "partner page",
            reverse("partnerships:partner", args=[slug, partner.pk]),
            "coordinator",
        ),
        Page("partner list", reverse("partnerships:partner_list", args=[slug]), "coordinator"),
        Page("testimonies", reverse("testimonies:testimony_list", args=[slug]), "intercessor"),
        Page("partner's corner", reverse("testimonies:corner", args=[slug]), "partner"),
        Page("group week", reverse("intercession:group", args=[slug, group.pk]), "intercessor"),
        Page("prayer record", reverse("intercession:record", args=[slug]), "intercessor"),
        Page(
            "I prayed (htmx)",
            reverse("intercession:pray", args=[slug]),
            "intercessor",
            method="POST",
            body=urlencode({"request": request.pk, "next": today}),
        ),
    ]


def measure_in_process(pages: list[Page], dataset: str) -> None:
    """Queries and the median of five single requests, through Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    _, email = DATASETS[dataset]
    clients: dict[str | None, Client] = {None: Client(SERVER_NAME="127.0.0.1")}
    for who in ("coordinator", "intercessor", "partner"):
        clients[who] = Client(SERVER_NAME="127.0.0.1")
        clients[who].force_login(User.objects.get(email=email.format(who)))
    for page in pages:
        client = clients[page.who]
        timings = []
        for n in range(6):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                if page.method == "POST":
                    response = client.post(
                        page.path,
                        f"{page.body}&key=inproc-{secrets.token_hex(4)}-{n}",
                        content_type="application/x-www-form-urlencoded",
                        secure=True,
                        headers={"HX-Request": "true"},
                    )
                else:
                    response = client.get(page.path, secure=True)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (page.name, response.status_code)
        page.queries = len(queries)
        page.one_ms = statistics.median(timings[1:]) * 1000
    connection.close()


def report(pages: list[Page]) -> None:
    def median_round(page: Page) -> dict:
        return sorted(page.rounds, key=lambda r: r["rps"])[len(page.rounds) // 2]

    floors = {p.name: statistics.median(r["rps"] for r in p.rounds) for p in pages[:2]}
    head = (
        f"{'page':<18} {'queries':>7} {'one req':>8} {'req/s':>7} {'spread':>11} "
        f"{'×floor':>7} {'×signed-in':>10} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6}"
    )
    print(head)
    print("-" * len(head))
    for page in pages:
        rps = [r["rps"] for r in page.rounds]
        mid = median_round(page)
        errors = sum(r["errors"] + r["status"] for r in page.rounds)
        print(
            f"{page.name:<18} {page.queries:>7} {page.one_ms:>6.1f}ms "
            f"{statistics.median(rps):>7.0f} "
            f"{min(rps):>5.0f}–{max(rps):<5.0f} {statistics.median(rps) / floors['floor']:>7.3f} "
            f"{statistics.median(rps) / floors['signed-in floor']:>10.3f} "
            f"{mid['p50'] / 1000:>5.1f}ms {mid['p95'] / 1000:>5.1f}ms {mid['p99'] / 1000:>5.1f}ms "
            f"{errors:>6}"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
