"""What the page benchmarks share: Django set up for a throwaway database per size (SQLite in
a temporary folder, or the PostgreSQL of DATABASE_URL), and a table of query counts and
median times. Each script says which pages it measures and how to fill the database."""

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("EPAPHRAS_VAR_DIR", tempfile.mkdtemp(prefix="epaphras-bench-"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    get_runner,
    setup_test_environment,
)


def time_get(client, url: str, runs: int = 5) -> tuple[int, float]:
    """(queries, median milliseconds) of a GET, after one warm-up request."""
    client.get(url)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return len(queries), statistics.median(timings) * 1000


def run(label: str, sizes: list, pages: list[str], measure: Callable[..., dict]) -> None:
    """Print one row per size: ``measure(size)`` fills a fresh database and returns
    {page: (queries, ms)}."""
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    runner = get_runner(settings)(verbosity=0, interactive=False)
    width = max(16, len(label))
    print(f"database: {connection.vendor}")
    print(f"{label:>{width}}  " + "  ".join(f"{p:>24}" for p in pages))
    for size in sizes:
        old = runner.setup_databases()
        try:
            results = measure(size)
        finally:
            runner.teardown_databases(old)
        cells = [f"{q:>3} queries {ms:>7.1f} ms" for q, ms in (results[p] for p in pages)]
        name = "/".join(map(str, size)) if isinstance(size, tuple) else str(size)
        print(f"{name:>{width}}  " + "  ".join(f"{c:>24}" for c in cells))
