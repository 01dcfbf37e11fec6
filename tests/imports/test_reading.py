"""Files as they arrive: every kind of mess is read or refused with a clear message, and a
refused file leaves nothing behind."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest

from imports.models import ImportJob
from imports.reading import MAX_BYTES, SpreadsheetError, read_spreadsheet
from imports.widgets import SpreadsheetDateWidget, parse_children
from tests.factories import png_bytes
from tests.imports.helpers import latest_job, upload, xlsx_file


def test_utf8_with_a_byte_order_mark_and_semicolons():
    sheet = read_spreadsheet("\ufeffName;Email\r\nZoë ; Zoe@Example.org\r\n".encode(), "a.csv")
    assert sheet.headers == ["Name", "Email"]
    assert sheet.rows == [(2, ["Zoë", "Zoe@Example.org"])]


def test_windows_1252_is_read_when_the_file_is_not_utf8():
    data = "Name,Location\nJosé Núñez,Málaga – Spain\n".encode("cp1252")
    sheet = read_spreadsheet(data, "export.csv")
    assert sheet.rows == [(2, ["José Núñez", "Málaga – Spain"])]


def test_utf16_from_excel_unicode_text_with_tabs():
    data = "Name\tEmail\nAnna\tanna@example.org\n".encode("utf-16")
    sheet = read_spreadsheet(data, "unicode.txt")
    assert sheet.headers == ["Name", "Email"]
    assert sheet.rows == [(2, ["Anna", "anna@example.org"])]


def test_ragged_rows_blank_lines_and_blank_or_repeated_headings():
    data = b"Name,,Name,\nAnna,x,Second\n\n,,,\nBen\nCara,1,2,extra\n"
    sheet = read_spreadsheet(data, "a.csv")
    assert sheet.headers == ["Name", "Column B", "Name (2)", "Column D"]
    assert sheet.rows == [
        (2, ["Anna", "x", "Second", ""]),
        (5, ["Ben", "", "", ""]),
        (6, ["Cara", "1", "2", "extra"]),
    ]


def test_a_single_column_file():
    assert read_spreadsheet(b"Email\nanna@example.org\n", "a.csv").headers == ["Email"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "That file is empty."),
        (b"  \r\n \r\n", "blank.csv", "That file is empty."),
        (b";;;\r\n;;\r\n", "delimiters.csv", "That file is empty."),
        (b"Name;Email\r\n", "headings.csv", "headings but no rows"),
        (png_bytes(), "photo.png", "does not look like a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "old Excel file"),
        (b"Name\nAnna\n", "renamed.xlsx", "is not a workbook we can open"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx", "could not be opened"),
        (b"x" * (MAX_BYTES + 1), "huge.csv", "files up to 5 MB"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_reason(data, name, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_spreadsheet(data, name)


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(SpreadsheetError, match="could not be opened"):
        read_spreadsheet(out.getvalue(), "fake.xlsx")


def test_an_xlsx_workbook_with_real_dates_serial_numbers_and_floats():
    data = xlsx_file(
        [
            ["Name", "Since", "Serial", "Birth year", None],
            # A workbook keeps dates without a time zone.
            ["Anna  Nowak ", datetime(2019, 5, 1), 43586, 2018.0, None],  # noqa: DTZ001
            [None, None, None, None, None],
            ["Ben", date(2020, 2, 29), "43586", 2021, None],
        ]
    )
    sheet = read_spreadsheet(data, "partners.xlsx")
    assert sheet.headers == ["Name", "Since", "Serial", "Birth year"]
    assert sheet.rows == [
        (2, ["Anna Nowak", "2019-05-01", "43586", "2018"]),
        (4, ["Ben", "2020-02-29", "43586", "2021"]),
    ]


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("2019-05-01", True, date(2019, 5, 1)),
        ("43586", True, date(2019, 5, 1)),
        ("43586.0", True, date(2019, 5, 1)),
        ("1/5/2019", True, date(2019, 5, 1)),
        ("5/1/2019", False, date(2019, 5, 1)),
        ("1 May 2019", True, date(2019, 5, 1)),
        ("May 1, 2019", False, date(2019, 5, 1)),
        ("", True, None),
    ],
)
def test_dates_as_people_write_them(text, dayfirst, expected):
    assert SpreadsheetDateWidget(dayfirst=dayfirst).clean(text) == expected


@pytest.mark.parametrize("text", ["31/31/2019", "soon", "2019-02-30", "0", "99999999"])
def test_what_is_not_a_date_is_named(text):
    with pytest.raises(ValueError, match="not a date we can read"):
        SpreadsheetDateWidget().clean(text)


def test_children_with_birth_years_in_the_ways_people_write_them():
    assert parse_children("Micah 2018, Ruth 2021") == [("Micah", 2018), ("Ruth", 2021)]
    assert parse_children("Micah (2018); Ruth (2021)") == [("Micah", 2018), ("Ruth", 2021)]
    assert parse_children("Mary Ann 2015 and Jo 2019") == [("Mary Ann", 2015), ("Jo", 2019)]
    assert parse_children("") == []
    with pytest.raises(ValueError, match="name and birth year"):
        parse_children("Micah, Ruth")
    with pytest.raises(ValueError, match="name and birth year"):
        parse_children("Micah 2018; Ruth")
    with pytest.raises(ValueError, match="not a birth year"):
        parse_children("Micah 1900")


@pytest.mark.django_db
def test_a_refused_upload_says_why_on_the_page_and_keeps_nothing(community, coordinator_client):
    response = upload(coordinator_client, community.slug, png_bytes(), name="photo.png")
    assert response.status_code == 200
    assert "does not look like a spreadsheet" in response.content.decode()
    response = upload(coordinator_client, community.slug, b"", name="empty.csv")
    assert "The submitted file is empty." in response.content.decode()
    assert latest_job() is None
    assert not ImportJob.objects.exists()
