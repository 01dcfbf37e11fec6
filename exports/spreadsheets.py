"""A community's data as spreadsheets: one CSV file per kind (``exports.sheets``), in a zip,
for reading (the JSON backup is for restoring)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from exports.backup import snapshot
from exports.scope import Scope
from exports.sheets import FILES, Numbers

# A cell a spreadsheet would run as a formula (“=HYPERLINK(…)” typed into a request) is
# written with a leading apostrophe, which spreadsheets show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any, zone: ZoneInfo, yes_no: tuple[str, str]) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, datetime):
        return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheets_write(out: IO[bytes], scope: Scope) -> dict[str, int]:
    """Write the zip to ``out`` (a binary file); returns the rows written per file. One
    snapshot of the database, a file at a time, each table read in chunks."""
    counts: dict[str, int] = {}
    zone = ZoneInfo(scope.community.time_zone)
    yes_no = (_("yes"), _("no"))
    numbers = Numbers()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, snapshot():
        for name, header, rows in (build(scope, numbers) for build in FILES):
            with archive.open(name, "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.writer(text)
                writer.writerow(header)
                count = 0
                for row in rows:
                    writer.writerow([cell(value, zone, yes_no) for value in row])
                    count += 1
                text.flush()
                text.detach()
            counts[name] = count
        archive.writestr(
            "README.txt",
            render_to_string(
                "exports/spreadsheets_readme.txt",
                {"community": scope.community, "counts": counts, "left_out": scope.left_out},
            ),
        )
    return counts
