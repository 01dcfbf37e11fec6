"""The import pages: upload, match columns, preview (fix or skip rows), import, progress."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from accounts.http import AuthenticatedRequest
from imports import services, tasks
from imports.access import get_import_for, get_import_row
from imports.columns import Column, columns_for
from imports.forms import MappingForm, RowForm, UploadForm
from imports.models import ImportJob, ImportKind, ImportRow, ImportStatus, RowStatus
from intercession.models import IntercessorGroup
from partnerships.access import get_coordinator_membership
from partnerships.views.common import add_errors, invitation_allowed, query_id

ROWS_PER_PAGE = 50
SHOWN: dict[str, dict[str, Any]] = {
    "problems": {"status": RowStatus.PROBLEM, "skipped": False},
    "new": {"status": RowStatus.NEW, "skipped": False},
    "already": {"status": RowStatus.ALREADY, "skipped": False},
    "skipped": {"skipped": True},
    "all": {},
}


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    kind = request.GET.get("kind", "")
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"kind": kind if kind in ImportKind.values else ImportKind.PARTNERS},
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_start(
                community=membership.community,
                created_by=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("imports:mapping", slug=slug, pk=job.pk)
    recent = ImportJob.objects.for_community(membership.community_id).select_related("created_by")[
        :5
    ]
    return render(request, "imports/start.html", {"form": form, "recent": recent})


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    job = get_import_for(get_coordinator_membership(request, slug), pk)
    if job.status not in (ImportStatus.MAPPING, ImportStatus.READY):
        return redirect("imports:job", slug=slug, pk=pk)
    form = MappingForm(request.POST or None, job=job)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_map(job=job, mapping=form.mapping())
        except ValidationError as error:
            add_errors(form, error)
        else:
            _check(job)
            return redirect("imports:job", slug=slug, pk=pk)
    fields = [
        (form[f"column_{index}"], [row[index] for row in job.samples if row[index]][:3])
        for index in range(len(job.headers))
    ]
    return render(
        request,
        "imports/mapping.html",
        {"job": job, "form": form, "fields": fields, "columns": columns_for(job.kind)},
    )


def _check(job: ImportJob) -> None:
    """Small files are checked while the coordinator waits; large ones by a worker."""
    if services.runs_in_background(job):
        transaction.on_commit(lambda: tasks.check_import.delay(job.pk))
    else:
        services.import_check(job_id=job.pk)


@login_required
@require_safe
def job(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """The import's page: the progress while it runs, the preview when checked, what came
    in when done."""
    job = get_import_for(get_coordinator_membership(request, slug), pk)
    if job.status == ImportStatus.MAPPING:
        return redirect("imports:mapping", slug=slug, pk=pk)
    context: dict = {"job": job, "columns": _shown_columns(job)}
    if job.status == ImportStatus.READY:
        show = request.GET.get("show", "")
        if show not in SHOWN:
            show = "problems" if job.count("problems") else "new"
        rows = job.rows.filter(**SHOWN[show]).order_by("number")
        page = Paginator(rows, ROWS_PER_PAGE).get_page(query_id(request.GET.get("page", "")) or 1)
        shown = [PreviewRow.of(found, context["columns"]) for found in page.object_list]
        context.update(show=show, page=page, rows=shown, tabs=_tabs(job))
    return render(request, "imports/job.html", context)


@dataclass
class PreviewRow:
    """A row as the preview shows it: who (name, else email), then the other values."""

    row: ImportRow
    title: str
    cells: list[tuple[str, str]]

    @classmethod
    def of(cls, row: ImportRow, columns: list[Column]) -> PreviewRow:
        cells = [
            (str(column.label), row.values[column.field])
            for column in columns
            if column.field != "name" and row.values.get(column.field)
        ]
        return cls(row, row.values.get("name") or row.values.get("email", ""), cells)


def _shown_columns(job: ImportJob) -> list[Column]:
    mapped = set(job.mapping.values())
    return [column for column in columns_for(job.kind) if column.field in mapped]


def _tabs(job: ImportJob) -> list[tuple[str, str, int]]:
    return [
        ("problems", _("Problems"), job.count("problems")),
        ("new", _("New"), job.count("new")),
        ("already", _("Already here"), job.count("already")),
        ("skipped", _("Skipped"), job.count("skipped")),
    ]


@login_required
@require_safe
def progress(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """The progress bar alone, for htmx to poll; once the work is done, the page itself."""
    job = get_import_for(get_coordinator_membership(request, slug), pk)
    if not job.is_running and request.htmx:
        return HttpResponseClientRedirect(reverse("imports:job", kwargs={"slug": slug, "pk": pk}))
    return render(request, "imports/job.html#progress", {"job": job})


@login_required
@require_http_methods(["GET", "POST"])
def row(request: AuthenticatedRequest, slug: str, pk: int, number: int) -> HttpResponse:
    """Fix one row's values; the row is checked again on saving."""
    job = get_import_for(get_coordinator_membership(request, slug), pk)
    if job.status != ImportStatus.READY:
        return redirect("imports:job", slug=slug, pk=pk)
    found = get_import_row(job, number)
    groups = (
        list(
            IntercessorGroup.objects.filter(community_id=job.community_id).values_list(
                "name", flat=True
            )
        )
        if job.kind == ImportKind.INTERCESSORS
        else []
    )
    form = RowForm(request.POST or None, job=job, values=found.values, groups=groups)
    back = _back(request, slug, pk)
    if request.method == "POST" and form.is_valid():
        try:
            fixed = services.import_row_fix(job=job, row=found, values=form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            if fixed.status == RowStatus.PROBLEM:
                messages.warning(
                    request, _("Row %(row)d still has a problem.") % {"row": fixed.number}
                )
                return redirect("imports:row", slug=slug, pk=pk, number=number)
            messages.success(request, _("Row %(row)d is fixed.") % {"row": fixed.number})
            return redirect(back)
    return render(
        request, "imports/row_form.html", {"job": job, "row": found, "form": form, "back": back}
    )


def _back(request: AuthenticatedRequest, slug: str, pk: int) -> str:
    url = reverse("imports:job", kwargs={"slug": slug, "pk": pk})
    show = request.GET.get("show") or request.POST.get("show") or ""
    return f"{url}?show={show}" if show in SHOWN else url


@login_required
@require_POST
def row_skip(request: AuthenticatedRequest, slug: str, pk: int, number: int) -> HttpResponse:
    job = get_import_for(get_coordinator_membership(request, slug), pk)
    found = get_import_row(job, number)
    skip = request.POST.get("skip", "1") == "1"
    try:
        services.import_row_skip(job=job, row=found, skip=skip)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (_("Row %(row)d is skipped.") if skip else _("Row %(row)d is back in."))
            % {"row": number},
        )
    return redirect(_back(request, slug, pk))


@login_required
@require_POST
def problems_skip(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    job = get_import_for(get_coordinator_membership(request, slug), pk)
    try:
        count = services.import_problems_skip(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("One row skipped.", "%(count)d rows skipped.", count) % {"count": count},
        )
    return redirect("imports:job", slug=slug, pk=pk)


@login_required
@require_POST
def commit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """Import the new rows, all or nothing; a large file by a worker, with a progress bar."""
    job = get_import_for(get_coordinator_membership(request, slug), pk)
    try:
        if job.kind == ImportKind.INTERCESSORS:
            invitation_allowed(request)  # one import counts as one sending
        job = services.import_commit_start(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:job", slug=slug, pk=pk)
    if services.runs_in_background(job):
        job_id = job.pk
        transaction.on_commit(lambda: tasks.commit_import.delay(job_id))
        return redirect("imports:job", slug=slug, pk=pk)
    done = services.import_commit(job_id=job.pk)
    if done is not None and done.status == ImportStatus.DONE:
        messages.success(request, _done_message(done))
        return redirect(_next_page(done, slug))
    messages.error(request, " ".join(done.errors if done else []) or _("Nothing was imported."))
    return redirect("imports:job", slug=slug, pk=pk)


def _done_message(job: ImportJob) -> str:
    count = job.count("imported")
    if job.kind == ImportKind.PARTNERS:
        return ngettext("One partner imported.", "%(count)d partners imported.", count) % {
            "count": count
        }
    invited = ngettext("One intercessor invited.", "%(count)d intercessors invited.", count) % {
        "count": count
    }
    joined = job.count("joined")
    if not joined:
        return invited
    added = ngettext(
        "One member added to their group.", "%(count)d members added to their groups.", joined
    ) % {"count": joined}
    return f"{invited} {added}"


def _next_page(job: ImportJob, slug: str) -> str:
    if job.kind == ImportKind.PARTNERS:
        return reverse("partnerships:partner_list", kwargs={"slug": slug})
    return reverse("partnerships:members", kwargs={"slug": slug})


@login_required
@require_POST
def discard(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    job = get_import_for(get_coordinator_membership(request, slug), pk)
    try:
        services.import_discard(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:job", slug=slug, pk=pk)
    messages.success(request, _("The import is thrown away; nothing of it was kept."))
    return redirect("imports:start", slug=slug)
