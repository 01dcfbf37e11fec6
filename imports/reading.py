"""Reading a spreadsheet as people really keep them: CSV from Excel, Numbers, LibreOffice or
Google Sheets (a byte-order mark, semicolons, Windows-1252, UTF-16), or an XLSX workbook (real
dates, numbers that are dates, birth years as 2018.0). What comes out is plain: the headings
and each row's cells as trimmed text, blank rows left out."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# A community's spreadsheet is small: 5 MB holds tens of thousands of rows of CSV.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
CSV_DELIMITERS = ",;\t|"
XLSX_MAGIC = b"PK\x03\x04"
# Old binary Excel (.xls) and other OLE files start with this.
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet; the message says why in plain words."""


@dataclass
class Sheet:
    headers: list[str]
    # Each row's row number as the spreadsheet shows it (the headings are row 1 in a file
    # without blank lines above them) and its cells, as long as the headings.
    rows: list[tuple[int, list[str]]]


def read_spreadsheet(data: bytes, name: str) -> Sheet:
    """The headings and rows of a CSV or XLSX file, or SpreadsheetError."""
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(
            _("That file is %(size).1f MB; files up to 5 MB can be imported. Split it in two.")
            % {"size": len(data) / 1024 / 1024}
        )
    if not data.strip():
        raise SpreadsheetError(_("That file is empty."))
    lower = name.lower()
    if data.startswith(XLSX_MAGIC):
        raw = _xlsx_rows(data)
    elif data.startswith(OLE_MAGIC) or lower.endswith(".xls"):
        raise SpreadsheetError(
            _("That is an old Excel file (.xls). Save it as .xlsx or .csv and upload it again.")
        )
    elif lower.endswith(".xlsx"):
        raise SpreadsheetError(
            _("That file says it is .xlsx but is not a workbook we can open. Is it damaged?")
        )
    elif b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpreadsheetError(
            _("That does not look like a spreadsheet. Upload a .csv or .xlsx file.")
        )
    else:
        raw = _csv_rows(_decode(data))
    return _sheet(raw)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), UTF-16 (Excel's “Unicode text”),
    else Windows-1252 (Excel's CSV on Windows in Western Europe and the Americas)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 reads every byte.
        return data.decode("latin-1")


def _csv_rows(text: str) -> list[list[object]]:
    sample = text[:16_384]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            sample, delimiters=CSV_DELIMITERS
        )
    except csv.Error:
        # One column, or nothing the sniffer is sure of: count the candidates in the headings.
        first = sample.splitlines()[0] if sample.splitlines() else ""
        delimiter = max(CSV_DELIMITERS, key=first.count)

        class Found(csv.excel):
            pass

        Found.delimiter = delimiter if first.count(delimiter) else ","
        dialect = Found
    try:
        return [list(cells) for cells in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as error:
        raise SpreadsheetError(
            _("That CSV file could not be read (%(error)s).") % {"error": error}
        ) from error


def _xlsx_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # BadZipFile, KeyError, ValueError…: openpyxl has no one kind
        raise SpreadsheetError(
            _("That workbook could not be opened: it may be damaged. Save it again, or as .csv.")
        ) from error
    try:
        sheet = book.worksheets[0]
        rows: list[list[object]] = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 50:
                break
        return rows
    except Exception as error:
        raise SpreadsheetError(
            _("That workbook could not be read to the end: it may be damaged.")
        ) from error
    finally:
        book.close()


def cell_text(value: object) -> str:
    """A cell as trimmed text: dates as 2019-05-01, whole numbers without “.0”."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Non-breaking spaces and line breaks pasted from elsewhere are spaces too.
    return " ".join(str(value).replace("\u00a0", " ").split())


def _sheet(raw: list[list[object]]) -> Sheet:
    numbered = [
        (number, [cell_text(cell) for cell in cells])
        for number, cells in enumerate(raw, start=1)
        if any(cell_text(cell) for cell in cells)
    ]
    if not numbered:
        raise SpreadsheetError(_("That file is empty."))
    _first, heading_cells = numbered[0]
    width = max(len(cells) for _n, cells in numbered)
    while width and not any(len(c) >= width and c[width - 1] for _n, c in numbered):
        width -= 1  # columns empty all the way down (a trailing delimiter) are left out
    headers = _headings(heading_cells, width)
    rows = [(number, (cells + [""] * width)[:width]) for number, cells in numbered[1:]]
    if not rows:
        raise SpreadsheetError(
            _("That file has headings but no rows under them. Nothing to import.")
        )
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(
            ngettext(
                "That file has more than %(limit)d row; split it and import each part.",
                "That file has more than %(limit)d rows; split it and import each part.",
                MAX_ROWS,
            )
            % {"limit": MAX_ROWS}
        )
    return Sheet(headers=headers, rows=rows)


def _headings(cells: list[str], width: int) -> list[str]:
    """The first row's cells as headings; a blank one is named for its column (“Column C”),
    a repeated one numbered (“Email (2)”)."""
    headings: list[str] = []
    for index in range(width):
        heading = cells[index] if index < len(cells) else ""
        heading = heading[:100] or _("Column %(letter)s") % {"letter": column_letter(index)}
        base, n = heading, 1
        while heading in headings:
            n += 1
            heading = f"{base} ({n})"
        headings.append(heading)
    return headings


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
