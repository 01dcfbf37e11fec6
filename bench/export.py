"""Time and size of one community's export, repeated, and the round trip through a second
database: export_community, restore_community into an empty database, export_community there,
and the two backups compared (all but the line with the export's time), as are the
spreadsheets' files.

    .venv/bin/python bench/export.py --database postgres://…/epaphras_export \\
        --slug riverside-house-of-prayer --restore-into postgres://…/epaphras_export_restore

Each step runs as its own process, and its time is the one it reports (without starting
Django); the peak memory is the largest resident size of those processes.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")

# The spreadsheets, as a coordinator with two-factor downloads them (every partner).
SPREADSHEETS = """
import os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from exports.scope import Scope
from exports.spreadsheets import spreadsheets_write
from partnerships.models import Community
with open(sys.argv[-1], "wb") as out:
    started = time.perf_counter()
    spreadsheets_write(out, Scope(Community.objects.get(slug=sys.argv[-2]), include_sensitive=True))
print(f"in {time.perf_counter() - started:.2f} s")
"""


def manage(database: str, *args: str) -> float:
    return run(database, "manage.py", *args)


def run(database: str, *args: str) -> float:
    """Run a step; the time it reports itself (“in 1.2 s”: without starting Django), else the
    time the process took."""
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database},
        check=True,
        capture_output=True,
        text=True,
    )
    said = re.search(r" in ([0-9.]+) s", done.stdout + done.stderr)
    return float(said[1]) if said else time.perf_counter() - started


def spreadsheets(database: str, slug: str, path: Path) -> float:
    return run(database, "-c", SPREADSHEETS, slug, str(path))


def zipped(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def without_time(path: Path) -> bytes:
    """The backup less its first line, which holds the time of the export."""
    return path.read_bytes().split(b"\n", 1)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--slug", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--restore-into", help="an empty, migrated database for the round trip")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="epaphras-export-"))
    for n in range(1, options.repeat + 1):
        backup = folder / f"backup-{n}.json"
        took = manage(options.database, "export_community", options.slug, "--output", str(backup))
        sheets = folder / f"spreadsheets-{n}.zip"
        took_sheets = spreadsheets(options.database, options.slug, sheets)
        print(
            f"round {n}: backup {backup.stat().st_size / 1e6:.2f} MB in {took:.2f} s; "
            f"spreadsheets {sheets.stat().st_size / 1e6:.2f} MB (zip) in {took_sheets:.2f} s"
        )
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak resident memory of a step: {peak:.0f} MB")
    if not options.restore_into:
        return
    first = folder / "backup-1.json"
    took = manage(options.restore_into, "restore_community", str(first))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"restore into the second database: {took:.2f} s (peak resident memory {peak:.0f} MB)")
    again = folder / "backup-again.json"
    manage(options.restore_into, "export_community", options.slug, "--output", str(again))
    sheets_again = folder / "spreadsheets-again.zip"
    spreadsheets(options.restore_into, options.slug, sheets_again)
    same_backup = without_time(first) == without_time(again)
    before, after = zipped(folder / "spreadsheets-1.zip"), zipped(sheets_again)
    differing = sorted(name for name in before if before[name] != after.get(name))
    print(f"backup after the round trip: {'the same' if same_backup else 'DIFFERENT'}")
    print(f"spreadsheets after the round trip: {differing or 'every file the same'}")
    print(f"files in {folder}")
    if not same_backup or differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
