"""Writes of an import, in the order a coordinator meets them: upload, match the columns,
check (a dry run naming every row's problems), fix or skip rows, import (all or nothing).

Checking and importing are plain functions of a job's id (``import_check``,
``import_commit``): small files run them in the request, large ones in a Celery task
(``imports/tasks.py``) while the page shows the job's progress."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.results import RowResult

from accounts.models import User
from imports.columns import columns_for, guess_mapping
from imports.models import ImportJob, ImportKind, ImportRow, ImportStatus, RowStatus
from imports.reading import MAX_BYTES, SpreadsheetError, read_spreadsheet
from imports.resources import field_label, name_key, resource_for
from partnerships.models import Community

log = logging.getLogger(__name__)

# Files with more rows than this are checked and imported by a worker, with a progress bar.
BACKGROUND_ROWS = 500
# Rows per round of the library's import loop; progress is reported after each.
CHUNK_ROWS = 250
# Each intercessor gets an invitation email: a file cannot send more than this many at once.
MAX_INTERCESSOR_ROWS = 1000
# An import not finished within this long is thrown away (``imports_discard_stale``).
STALE_AFTER = timedelta(days=14)


def import_start(
    *, community: Community, created_by: User, kind: str, upload: UploadedFile
) -> ImportJob:
    """Read an uploaded file and keep it with a first guess at its columns. ValidationError,
    saying what is wrong, for anything that is not a readable spreadsheet."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": _("Choose partners or intercessors.")})
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    name = (upload.name or "upload").rsplit("/", 1)[-1][:200]
    try:
        sheet = read_spreadsheet(data, name)
    except SpreadsheetError as error:
        raise ValidationError({"file": str(error)}) from error
    if kind == ImportKind.INTERCESSORS and len(sheet.rows) > MAX_INTERCESSOR_ROWS:
        raise ValidationError(
            {
                "file": _(
                    "That file has %(count)d people; each gets an invitation email, so one "
                    "file may hold up to %(limit)d. Split it and import each part."
                )
                % {"count": len(sheet.rows), "limit": MAX_INTERCESSOR_ROWS}
            }
        )
    job = ImportJob(
        community=community,
        created_by=created_by,
        kind=kind,
        file_name=name,
        headers=sheet.headers,
        samples=[cells for _number, cells in sheet.rows[:3]],
        mapping=guess_mapping(kind, sheet.headers),
        total=len(sheet.rows),
    )
    job.file.save("upload", ContentFile(data), save=False)
    job.save()
    return job


def mapping_check(kind: str, mapping: dict[str, str]) -> None:
    """Each field from one column at most, and the fields an import cannot do without."""
    chosen = [field for field in mapping.values() if field]
    twice = sorted({field for field in chosen if chosen.count(field) > 1})
    errors = [
        _("“%(field)s” is chosen for more than one column.") % {"field": field_label(kind, f)}
        for f in twice
    ]
    for column in columns_for(kind):
        if column.required and column.field not in chosen:
            label = str(column.label).lower()
            errors.append(_("Choose the column that holds the %(field)s.") % {"field": label})
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def import_map(*, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Take the file's rows into the job as the mapping reads them, ready to be checked
    (``import_check``). Mapping again starts the rows afresh: fixes made before are dropped."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in (ImportStatus.MAPPING, ImportStatus.READY):
        raise ValidationError(_("This import can no longer be changed."))
    mapping = {header: mapping.get(header, "") for header in job.headers}
    mapping_check(job.kind, mapping)
    try:
        with job.file.open("rb") as file:
            sheet = read_spreadsheet(file.read(), job.file_name)
    except (OSError, SpreadsheetError) as error:
        raise ValidationError(_("The uploaded file is gone; upload it again.")) from error
    where = {field: job.headers.index(header) for header, field in mapping.items() if field}
    job.rows.all().delete()
    ImportRow.objects.bulk_create(
        (
            ImportRow(
                job=job,
                number=number,
                values={field: cells[index] for field, index in where.items()},
            )
            for number, cells in sheet.rows
        ),
        batch_size=1000,
    )
    job.mapping = mapping
    job.status = ImportStatus.CHECKING
    job.progress, job.total, job.errors = 0, len(sheet.rows), []
    job.save(update_fields=["mapping", "status", "progress", "total", "errors"])
    return job


def runs_in_background(job: ImportJob) -> bool:
    return job.total > BACKGROUND_ROWS


def import_check(*, job_id: int) -> ImportJob | None:
    """The dry run: every row through the import without saving, its problems named, who is
    already here found, repeats within the file marked. Idempotent: a worker that dies half
    way is followed by one that starts again. None if the job is not waiting to be checked."""
    job = (
        ImportJob.objects.select_related("community", "created_by")
        .filter(pk=job_id, status=ImportStatus.CHECKING)
        .first()
    )
    if job is None:
        return None
    rows = list(job.rows.order_by("number"))
    resource = resource_for(job.kind, community=job.community, user=job.created_by)
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        result = resource.import_data(_dataset(job.kind, chunk), dry_run=True, raise_errors=False)
        for row, row_result in zip(chunk, result.rows, strict=True):
            row.problems = _problems(job.kind, row_result)
            row.match = getattr(row_result, "match", "")[:200]
            row.joins = getattr(row_result, "joins", "")[:200]
        _report_progress(job.pk, start + len(chunk))
    _settle(job, rows, changed_only=False)
    job.status = ImportStatus.READY
    job.progress = len(rows)
    job.counts = _counts(job)
    job.save(update_fields=["status", "progress", "counts"])
    return job


@transaction.atomic
def import_row_fix(*, job: ImportJob, row: ImportRow, values: dict[str, str]) -> ImportRow:
    """Change a row's values in the preview and check it again."""
    _ready(job)
    fields = {column.field for column in columns_for(job.kind)}
    row.values = {
        name: " ".join(str(value).split()) for name, value in values.items() if name in fields
    }
    row.edited = True
    resource = resource_for(job.kind, community=job.community, user=job.created_by)
    (row_result,) = resource.import_data(_dataset(job.kind, [row]), dry_run=True).rows
    row.problems = _problems(job.kind, row_result)
    row.match = getattr(row_result, "match", "")[:200]
    row.joins = getattr(row_result, "joins", "")[:200]
    row.save(update_fields=["values", "edited", "problems", "match", "joins"])
    _resettle(job)
    row.refresh_from_db()
    return row


@transaction.atomic
def import_row_skip(*, job: ImportJob, row: ImportRow, skip: bool) -> ImportRow:
    """Leave a row out of the import (or take it back in)."""
    _ready(job)
    row.skipped = skip
    row.save(update_fields=["skipped"])
    _resettle(job)
    return row


@transaction.atomic
def import_problems_skip(*, job: ImportJob) -> int:
    """Leave out every row that still has a problem; how many."""
    _ready(job)
    skipped = job.rows.filter(skipped=False, status=RowStatus.PROBLEM).update(skipped=True)
    _resettle(job)
    return skipped


def import_commit_start(*, job: ImportJob) -> ImportJob:
    """Claim the job for importing: it must be checked, with no row left that has a problem
    (each one fixed or skipped). ``import_commit`` then does the work."""
    if job.status != ImportStatus.READY:
        raise ValidationError(_("This import is not ready: it is being checked or imported."))
    problems = job.count("problems")
    if problems:
        raise ValidationError(
            ngettext(
                "One row still has a problem: fix it or skip it first.",
                "%(count)d rows still have problems: fix or skip them first.",
                problems,
            )
            % {"count": problems}
        )
    if not job.count("new"):
        raise ValidationError(_("There is nothing new to import."))
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.READY).update(
        status=ImportStatus.IMPORTING, progress=0, total=job.count("new"), errors=[]
    )
    if not claimed:
        raise ValidationError(_("This import is already running."))
    job.refresh_from_db()
    return job


FAILED = (RowResult.IMPORT_TYPE_ERROR, RowResult.IMPORT_TYPE_INVALID)


class Refused(Exception):
    """A row the check let through failed on import: everything is rolled back."""

    def __init__(self, reasons: list[str]):
        super().__init__("import refused")
        self.reasons = reasons


def import_commit(*, job_id: int) -> ImportJob | None:
    """Import every new row that is not skipped, all or nothing: one transaction, so a
    failure on the last row leaves nothing of the first. Emails (invitations) go only once
    it has committed. Idempotent: a job already imported is not imported again. None if the
    job is not being imported."""
    job = (
        ImportJob.objects.select_related("community", "created_by")
        .filter(pk=job_id, status=ImportStatus.IMPORTING)
        .first()
    )
    if job is None:
        return None
    rows = list(job.rows.filter(skipped=False, status=RowStatus.NEW).order_by("number"))
    resource = resource_for(job.kind, community=job.community, user=job.created_by)
    try:
        with transaction.atomic():
            imported = found = 0
            for start in range(0, len(rows), CHUNK_ROWS):
                chunk = rows[start : start + CHUNK_ROWS]
                result = resource.import_data(
                    _dataset(job.kind, chunk), use_transactions=False, raise_errors=False
                )
                reasons = [
                    _("Row %(row)d: %(problems)s")
                    % {"row": row.number, "problems": " ".join(_problems(job.kind, rr))}
                    for row, rr in zip(chunk, result.rows, strict=True)
                    if rr.import_type in FAILED
                ]
                if reasons or result.base_errors:
                    raise Refused(reasons or [_("The import could not be finished.")])
                imported += result.totals[RowResult.IMPORT_TYPE_NEW]
                found += result.totals[RowResult.IMPORT_TYPE_SKIP]
                _report_progress(job.pk, start + len(chunk), aside=True)
            _finish(
                job,
                imported=imported - getattr(resource, "joined", 0),
                joined=getattr(resource, "joined", 0),
                found=found,
            )
    except Refused as refusal:
        return _refused(job, refusal.reasons)
    except Exception:
        log.exception("import %s failed; rolled back", job.pk)
        return _refused(job, [_("Something went wrong while saving. Try again.")])
    return job


def _finish(job: ImportJob, *, imported: int, joined: int, found: int) -> None:
    """Inside the import's transaction: the job is done when its rows are in, never before.
    The file and the rows' values (names, addresses) are not kept once imported."""
    job.counts = {
        **_counts(job),
        "imported": imported,
        "joined": joined,
        "found_meanwhile": found,
    }
    job.rows.all().delete()
    job.samples = []
    job.status = ImportStatus.DONE
    job.progress = job.total
    job.finished_at = timezone.now()
    _delete_file_on_commit(job)
    job.save(update_fields=["counts", "samples", "status", "progress", "finished_at", "file"])


def _refused(job: ImportJob, reasons: list[str]) -> ImportJob | None:
    """Nothing was saved. Check the rows again, so the preview names what stands in the way
    now (someone may have added a partner meanwhile), and say why the import stopped."""
    message = [_("Nothing was imported.")] + reasons[:20]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, progress=0)
    checked = import_check(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(errors=message)
    if checked is not None:
        checked.errors = message
    return checked


def import_discard(*, job: ImportJob) -> None:
    """Throw an import away, file and rows; not while it is being imported."""
    if job.status == ImportStatus.IMPORTING:
        raise ValidationError(_("This import is running; wait until it has finished."))
    _discard(job)


def imports_discard_stale(*, now: datetime | None = None) -> int:
    """Throw away the imports left unfinished for two weeks, file and rows (a file holds
    people's names and addresses, maybe a sensitive partner's): how many. An import still
    “importing” after that long died with its worker; its transaction saved nothing."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = ImportJob.objects.filter(created_at__lt=cutoff).exclude(status=ImportStatus.DONE)
    count = 0
    for job in stale.iterator():
        _discard(job)
        count += 1
    return count


def _discard(job: ImportJob) -> None:
    with transaction.atomic():
        _delete_file_on_commit(job)
        job.delete()


def _delete_file_on_commit(job: ImportJob) -> None:
    if job.file and job.file.name:
        storage, name = job.file.storage, job.file.name
        transaction.on_commit(lambda: storage.delete(name))
        job.file.name = ""


def _ready(job: ImportJob) -> None:
    if job.status != ImportStatus.READY:
        raise ValidationError(_("This import can no longer be changed."))


def _dataset(kind: str, rows: Iterable[ImportRow]) -> tablib.Dataset:
    fields = [column.field for column in columns_for(kind)]
    dataset = tablib.Dataset(headers=fields)
    for row in rows:
        dataset.append([row.values.get(field, "") for field in fields])
    return dataset


def _problems(kind: str, row_result: RowResult) -> list[str]:
    problems = []
    if row_result.validation_error is not None:
        for field, messages in row_result.validation_error.message_dict.items():
            label = "" if field == NON_FIELD_ERRORS else field_label(kind, field)
            problems += [f"{label}: {message}" if label else message for message in messages]
    for error in row_result.errors:
        # The exception's own text may hold SQL or a value: its kind is enough here.
        problems.append(
            _("This row could not be saved (%(error)s).") % {"error": type(error.error).__name__}
        )
    return problems


@dataclass
class _Seen:
    row: ImportRow
    values: dict[str, str]


def _key(kind: str, values: dict[str, str]) -> tuple[str, str] | None:
    """Who a row is: their email; else, for a partner, their name."""
    email = values.get("email", "").strip().lower()
    if email:
        return "email", email
    name = name_key(values.get("name", ""))
    if kind == ImportKind.PARTNERS and name:
        return "name", name
    return None


def _plain_values(values: dict[str, str]) -> dict[str, str]:
    return {k: " ".join(v.split()).casefold() for k, v in values.items() if v.strip()}


def _settle(job: ImportJob, rows: list[ImportRow], *, changed_only: bool) -> None:
    """Each row's status from its own check and from the rows above it in the file: a row
    that repeats an earlier one exactly is left out by itself (nothing to do); one with the
    same person but other details is a problem (which is right?). Skipped rows stand aside."""
    seen: dict[tuple[str, str], _Seen] = {}
    changed = []
    for row in rows:
        before = (row.status, row.note)
        row.note = ""
        key = None if row.skipped else _key(job.kind, row.values)
        earlier = seen.get(key) if key else None
        if key and earlier is None:
            seen[key] = _Seen(row, _plain_values(row.values))
        if row.problems:
            row.status = RowStatus.PROBLEM
        elif row.match:
            row.status = RowStatus.ALREADY
        elif earlier is None:
            row.status = RowStatus.NEW
        elif earlier.values == _plain_values(row.values):
            row.status = RowStatus.ALREADY
            row.note = _("Repeats row %(row)d.") % {"row": earlier.row.number}
        else:
            row.status = RowStatus.PROBLEM
            what = _("email") if key and key[0] == "email" else _("name")
            row.note = _(
                "Same %(what)s as row %(row)d, with other details. Fix or skip one of them."
            ) % {"what": what, "row": earlier.row.number}
        if not changed_only or (row.status, row.note) != before:
            changed.append(row)
    _save_settled(changed, with_check=not changed_only)


def _save_settled(rows: list[ImportRow], *, with_check: bool) -> None:
    """Write the rows' statuses: one UPDATE for each set of rows that share the same outcome
    (most rows of a file do), rather than a row at a time."""
    outcomes: dict[str, list[int]] = {}
    for row in rows:
        outcome: dict[str, object] = {"status": row.status, "note": row.note}
        if with_check:
            outcome.update(problems=row.problems, match=row.match, joins=row.joins)
        outcomes.setdefault(json.dumps(outcome, sort_keys=True), []).append(row.pk)
    for key, pks in outcomes.items():
        values = json.loads(key)
        for start in range(0, len(pks), 500):
            ImportRow.objects.filter(pk__in=pks[start : start + 500]).update(**values)


def _resettle(job: ImportJob) -> None:
    _settle(job, list(job.rows.order_by("number")), changed_only=True)
    job.counts = _counts(job)
    job.errors = []
    job.save(update_fields=["counts", "errors"])


def _counts(job: ImportJob) -> dict[str, int]:
    """How many rows of each kind, in one query."""
    return ImportRow.objects.filter(job=job).aggregate(
        rows=Count("pk"),
        new=Count("pk", filter=Q(status=RowStatus.NEW, skipped=False)),
        already=Count("pk", filter=Q(status=RowStatus.ALREADY, skipped=False)),
        problems=Count("pk", filter=Q(status=RowStatus.PROBLEM, skipped=False)),
        joins=Count("pk", filter=Q(status=RowStatus.NEW, skipped=False) & ~Q(joins="")),
        skipped=Count("pk", filter=Q(skipped=True)),
    )


def _report_progress(job_id: int, done: int, *, aside: bool = False) -> None:
    """Write how far a job has got where the page can read it. The check runs outside any
    transaction, so a plain update is seen at once. The import runs inside its one
    transaction (``aside``): on PostgreSQL the update goes through a connection of its own
    (a short thread), which commits at once; SQLite has one writer at a time, so there the
    page shows the import as under way until it is done."""
    if not aside:
        ImportJob.objects.filter(pk=job_id).update(progress=done)
    elif connection.vendor == "postgresql":
        thread = threading.Thread(target=_progress_aside, args=(job_id, done), daemon=True)
        thread.start()
        thread.join(timeout=5)


def _progress_aside(job_id: int, done: int) -> None:
    from django.db import connections

    try:
        ImportJob.objects.filter(pk=job_id).update(progress=done)
    except Exception:  # progress is a nicety: never let it stop the import
        log.warning("import %s: progress not written", job_id)
    finally:
        connections.close_all()
