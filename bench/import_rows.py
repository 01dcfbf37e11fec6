"""Time to import 5,000 partner rows: reading and matching the file, the check (the dry run
that names each row's problems) and the import itself (all or nothing), three times over on a
fresh database, with the spread.

    .venv/bin/python bench/import_rows.py            # SQLite in a temporary folder
    DATABASE_URL=postgres://… .venv/bin/python bench/import_rows.py
    .venv/bin/python bench/import_rows.py --profile  # where the time of one run goes
"""

import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pagebench import connection, get_runner, settings, setup_test_environment

ROWS = 5000
RUNS = 3


def partner_file(rows: int) -> bytes:
    lines = ["\ufeffName;Kind;Organisation;Location;Email;Spouse;Children;Partner since"]
    for n in range(rows):
        letter = chr(65 + n % 26)
        lines.append(
            f"Partner {n:05d} ;Missionary;Mission {n % 40};City {n % 90};P{n}@Example.org;"
            f"Spouse {letter};Child {letter} 2015, Kid {letter} 2019;{43000 + n % 900}"
        )
    return "\r\n".join(lines).encode()


@contextmanager
def counting() -> Iterator[list[None]]:
    """Every query run meanwhile, counted (Django's own log keeps only the last 9,000)."""
    queries: list[None] = []

    def count(execute, sql, params, many, context):
        queries.append(None)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield queries


def one_run() -> dict[str, float]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports import services
    from partnerships.models import Partner, Role
    from tests.factories import make_community, make_member

    community = make_community()
    coordinator = make_member(community, Role.COORDINATOR)
    data = partner_file(ROWS)
    timings = {}
    start = time.perf_counter()
    job = services.import_start(
        community=community,
        created_by=coordinator,
        kind="partners",
        upload=SimpleUploadedFile("partners.csv", data),
    )
    job = services.import_map(job=job, mapping=job.mapping)
    timings["read + map"] = time.perf_counter() - start
    with counting() as queries:
        start = time.perf_counter()
        checked = services.import_check(job_id=job.pk)
        timings["check (dry run)"] = time.perf_counter() - start
    timings["check queries"] = len(queries)
    assert checked is not None and checked.count("new") == ROWS, checked and checked.counts
    services.import_commit_start(job=checked)
    with counting() as queries:
        start = time.perf_counter()
        done = services.import_commit(job_id=job.pk)
        timings["import (commit)"] = time.perf_counter() - start
    timings["import queries"] = len(queries)
    assert done is not None and done.count("imported") == ROWS, done and done.errors
    assert Partner.objects.filter(community=community).count() == ROWS
    return timings


def main() -> None:
    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    runner = get_runner(settings)(verbosity=0, interactive=False)
    print(f"database: {connection.vendor}; {ROWS} partner rows, {RUNS} runs")
    results = []
    for run in range(RUNS):
        old = runner.setup_databases()
        try:
            if "--profile" in sys.argv and run == 0:
                import cProfile
                import pstats

                profile = cProfile.Profile()
                results.append(profile.runcall(one_run))
                pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            else:
                results.append(one_run())
        finally:
            runner.teardown_databases(old)
        print(
            f"run {run + 1}: "
            + ", ".join(
                f"{name} {value:.2f} s" if "queries" not in name else f"{name} {value:.0f}"
                for name, value in results[-1].items()
            )
        )
    for name in ("read + map", "check (dry run)", "import (commit)"):
        values = [result[name] for result in results]
        print(
            f"{name:>16}: median {statistics.median(values):6.2f} s, min {min(values):6.2f} s, "
            f"max {max(values):6.2f} s, spread {max(values) - min(values):5.2f} s "
            f"({ROWS / statistics.median(values):,.0f} rows/s)"
        )


if __name__ == "__main__":
    main()
