"""Queries and time for the testimonies page and the partner's corner at 1, 50 and 500
published testimonies (each with three people who prayed and gave thanks).

    .venv/bin/python bench/testimony_queries.py     # or with DATABASE_URL=postgres://…
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

PAGES = ["testimony_list", "testimony_print", "corner"]
SIZES = [1, 50, 500]


def measure(count: int) -> dict:
    from django.test import Client
    from django.utils import timezone

    from intercession.models import PrayerLog
    from partnerships.models import Role
    from testimonies.models import Thanks
    from tests.factories import (
        make_community,
        make_group,
        make_member,
        make_partner,
        make_request,
        make_testimony,
    )

    community = make_community()
    user = make_member(community, Role.PARTNER)
    partner = make_partner(community, user=user)
    people = [make_member(community, Role.INTERCESSOR) for _ in range(3)]
    make_group(community, members=people, partners=[partner])
    for n in range(count):
        request = make_request(partner, status="answered", answered_on=timezone.localdate())
        testimony = make_testimony(request, published=True, title=f"Answer {n}")
        for person in people:
            Thanks.objects.create(testimony=testimony, user=person)
            PrayerLog.objects.create(user=person, partner=partner, request=request)
    client = Client()
    client.force_login(user)
    results = {}
    for page in PAGES:
        url = reverse(f"testimonies:{page}", args=[community.slug])
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
    print(f"{'testimonies':>12}  " + "  ".join(f"{p:>24}" for p in PAGES))
    for count in SIZES:
        old = runner.setup_databases()
        try:
            results = measure(count)
        finally:
            runner.teardown_databases(old)
        cells = [f"{q:>3} queries {ms:>7.1f} ms" for q, ms in (results[p] for p in PAGES)]
        print(f"{count:>12}  " + "  ".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
