"""Loaders for imports; see partnerships/access.py for the pattern."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from imports.models import ImportJob, ImportKind, ImportRow
from partnerships.models import Membership


def get_import_for(membership: Membership, pk: int) -> ImportJob:
    """An import of the coordinator's own community. A partner file may hold security-
    sensitive partners' real names: only its own importer, or a coordinator who may see
    sensitive partners, opens it."""
    if not membership.is_coordinator:
        raise PermissionDenied
    job = get_object_or_404(ImportJob.objects.for_community(membership.community_id), pk=pk)
    if (
        job.kind == ImportKind.PARTNERS
        and job.created_by_id != membership.user_id
        and not membership.sees_sensitive
    ):
        raise PermissionDenied
    return job


def get_import_row(job: ImportJob, number: int) -> ImportRow:
    return get_object_or_404(job.rows.all(), number=number)
