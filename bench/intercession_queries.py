"""Queries and time for an intercessor's pages: 1 partner / 1 prayer, then 50 / 1,000, then
500 / 10,000.

    .venv/bin/python bench/intercession_queries.py     # or with DATABASE_URL=postgres://…
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
from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

PAGES = ["today", "pray_through", "record", "group"]
SIZES = [(1, 1), (50, 1_000), (500, 10_000)]


def measure(partners: int, logs: int) -> dict:
    from django.test import Client

    from intercession.models import IntercessorGroup
    from partnerships.models import Role
    from tests.factories import make_community, make_member
    from tests.intercession.test_today import populate

    community = make_community()
    intercessor = make_member(community, Role.INTERCESSOR)
    populate(community, intercessor, partners=partners, logs=logs)
    client = Client()
    client.force_login(intercessor)
    group = IntercessorGroup.objects.get()
    results = {}
    for page in PAGES:
        args = [community.slug, group.pk] if page == "group" else [community.slug]
        url = reverse(f"intercession:{page}", args=args)
        client.get(url)
        timings = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                assert client.get(url).status_code == 200
                timings.append(time.perf_counter() - start)
        results[page] = (len(queries), statistics.median(timings) * 1000)
    return results


def main() -> None:
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    runner = get_runner(settings)(verbosity=0, interactive=False)
    print(f"database: {connection.vendor}")
    print(f"{'partners/prayers':>16}  " + "  ".join(f"{p:>22}" for p in PAGES))
    for partners, logs in SIZES:
        old = runner.setup_databases()
        try:
            results = measure(partners, logs)
        finally:
            runner.teardown_databases(old)
        cells = [f"{q:>3} queries {ms:>7.1f} ms" for q, ms in (results[p] for p in PAGES)]
        print(f"{f'{partners}/{logs}':>16}  " + "  ".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
