"""Queries and time for the coordinator's pages at 1, 50 and 500 partners.

    .venv/bin/python bench/dashboard_queries.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/epaphras_bench \
        .venv/bin/python bench/dashboard_queries.py

Each size runs on a fresh database that the script creates and drops.
"""

import os
import statistics
import sys
import tempfile
import time
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
    setup_test_environment,
)
from django.urls import reverse  # noqa: E402

PAGES = ["dashboard", "partner_list", "checkin_list", "requests_review"]


def measure(size: int) -> dict:
    from django.test import Client

    from partnerships.models import Role
    from tests.factories import make_community, make_member
    from tests.partnerships.test_dashboard import populate

    community = make_community()
    coordinator = make_member(community, Role.COORDINATOR)
    populate(community, size)
    client = Client()
    client.force_login(coordinator)
    results = {}
    for page in PAGES:
        url = reverse(f"partnerships:{page}", args=[community.slug])
        client.get(url)  # warm up
        timings = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - start)
            assert response.status_code == 200
        results[page] = (len(queries), statistics.median(timings) * 1000)
    return results


def main() -> None:
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.test.utils import get_runner

    runner = get_runner(settings)(verbosity=0, interactive=False)
    print(f"database: {connection.vendor}")
    print(f"{'partners':>8}  " + "  ".join(f"{p:>22}" for p in PAGES))
    for size in (1, 50, 500):
        old = runner.setup_databases()
        try:
            results = measure(size)
        finally:
            runner.teardown_databases(old)
        cells = [f"{q:>3} queries {ms:>7.1f} ms" for q, ms in (results[p] for p in PAGES)]
        print(f"{size:>8}  " + "  ".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
