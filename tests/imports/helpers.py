"""Building spreadsheets as coordinators' programs write them, and walking an import through
its pages."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from imports.models import ImportJob


def csv_file(text: str, *, name: str = "partners.csv", encoding: str = "utf-8-sig") -> bytes:
    """Text as Excel saves it: Windows line ends, a byte-order mark by default."""
    return text.replace("\n", "\r\n").encode(encoding)


def xlsx_file(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Client, slug: str, data: bytes, *, name: str, kind: str = "partners"):
    return client.post(
        reverse("imports:start", kwargs={"slug": slug}),
        {"kind": kind, "file": SimpleUploadedFile(name, data)},
    )


def latest_job() -> ImportJob:
    return ImportJob.objects.order_by("-pk").first()  # type: ignore[return-value]


def confirm_mapping(client: Client, slug: str, job: ImportJob, **changes: str):
    """Post the mapping page as guessed, with ``changes`` (heading → field) on top."""
    data = {
        f"column_{index}": changes.get(header, job.mapping.get(header, ""))
        for index, header in enumerate(job.headers)
    }
    return client.post(reverse("imports:mapping", kwargs={"slug": slug, "pk": job.pk}), data)


def commit(client: Client, slug: str, job: ImportJob):
    return client.post(reverse("imports:commit", kwargs={"slug": slug, "pk": job.pk}))


def this_year_minus(years: int) -> int:
    from django.utils import timezone

    return timezone.localdate().year - years
