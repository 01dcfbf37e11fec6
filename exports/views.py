"""The export page of a community, its downloads, and a partner's download of their own data.
Downloads are POSTs: each builds a file and writes the audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedRequest
from exports import services
from exports.access import get_own_partner
from exports.scope import scope_for
from exports.selectors import export_summary
from partnerships.access import current_membership, get_coordinator_membership, memberships_of


@login_required
@require_safe
def export_home(request: AuthenticatedRequest) -> HttpResponse:
    """``/export/``: a coordinator's export page, a partner's corner (where their download
    is), for the community they are working in; everyone else home."""
    memberships = memberships_of(request.user)
    membership = current_membership(request, memberships) or next(iter(memberships), None)
    if membership is not None and membership.is_coordinator:
        return redirect("exports:export", slug=membership.community.slug)
    if membership is not None and membership.is_partner:
        return redirect("testimonies:corner", slug=membership.community.slug)
    return redirect("partnerships:home")


@login_required
@require_safe
def export(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    scope = scope_for(membership)
    return render(request, "exports/export.html", {"summary": export_summary(scope)})


def _download(built: services.ExportFile) -> FileResponse:
    return FileResponse(
        built.file, as_attachment=True, filename=built.filename, content_type=built.content_type
    )


@login_required
@require_POST
def export_spreadsheets(request: AuthenticatedRequest, slug: str) -> FileResponse:
    membership = get_coordinator_membership(request, slug)
    return _download(services.community_spreadsheets_export(membership=membership))


@login_required
@require_POST
def export_backup(request: AuthenticatedRequest, slug: str) -> FileResponse:
    membership = get_coordinator_membership(request, slug)
    return _download(services.community_backup_export(membership=membership))


@login_required
@require_POST
def export_mine(request: AuthenticatedRequest, slug: str) -> FileResponse:
    membership, partner = get_own_partner(request, slug)
    return _download(services.partner_data_export(membership=membership, partner=partner))
