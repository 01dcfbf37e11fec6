"""An import of a spreadsheet: the job (the file, how its columns map, where it has got to)
and its rows as the coordinator sees and fixes them in the preview."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Created
from partnerships.models import Community


class ImportKind(models.TextChoices):
    PARTNERS = "partners", _("Partners")
    INTERCESSORS = "intercessors", _("Intercessors")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Matching columns")
    CHECKING = "checking", _("Checking")
    READY = "ready", _("Ready to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")


class RowStatus(models.TextChoices):
    NEW = "new", _("New")
    ALREADY = "already", _("Already here")
    PROBLEM = "problem", _("Has a problem")


def import_file_path(instance: ImportJob, filename: str) -> str:
    # A random name: the file's own name may name people.
    return f"imports/{uuid.uuid4().hex}"


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def for_community(self, community_id: int) -> ImportJobQuerySet:
        return self.filter(community_id=community_id)


class ImportJob(Created):
    """One uploaded spreadsheet on its way in. The job's state lives here, not in anyone's
    session, so a background worker can check and import it and any coordinator of the
    community can pick it up."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(_("what it holds"), max_length=20, choices=ImportKind)
    file = models.FileField(_("file"), upload_to=import_file_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    headers = models.JSONField(_("the file's column headings"), default=list)
    # The first few rows, to show under each heading while matching columns.
    samples = models.JSONField(_("first rows"), default=list)
    mapping = models.JSONField(_("column → field"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus, default=ImportStatus.MAPPING
    )
    # Rows worked through by the check or the import running now, of ``total``.
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # How many rows are new, already here, have a problem, are skipped; and, once done,
    # how many were imported and invited.
    counts = models.JSONField(default=dict)
    # What stopped the import as a whole (the last attempt), in the coordinator's words.
    errors = models.JSONField(default=list)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import #{self.pk} of {self.kind} into {self.community}"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.progress / self.total)) if self.total else 0

    def count(self, name: str) -> int:
        return int(self.counts.get(name, 0))


class ImportRow(models.Model):
    """One row of the file, with the values it will import (as fixed in the preview) and
    what stands in its way."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    # The row's number as the spreadsheet shows it: the headings are row 1.
    number = models.PositiveIntegerField(_("row"))
    values = models.JSONField(_("values"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=RowStatus, default=RowStatus.NEW)
    # What the check found: the row's own problems, and who already here it matches.
    problems = models.JSONField(_("problems"), default=list)
    match = models.CharField(_("already here as"), max_length=200, blank=True)
    # A member already here whom the row puts into a weekly group: what it will do.
    joins = models.CharField(_("joins"), max_length=200, blank=True)
    # What the row is to the rest of the file (a repeat of an earlier row, or in conflict).
    note = models.CharField(_("note"), max_length=200, blank=True)
    skipped = models.BooleanField(_("skipped"), default=False)
    edited = models.BooleanField(_("fixed by hand"), default=False)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(fields=["job", "number"], name="import_row_unique_number"),
        ]
        indexes = [models.Index(fields=["job", "status", "number"], name="import_row_status")]

    def __str__(self) -> str:
        # Not the values: they name people.
        return f"Row {self.number} of import #{self.job_id}"
