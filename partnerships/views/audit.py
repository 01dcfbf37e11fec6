"""The audit trail of the community's security-sensitive partners, for its coordinators."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedRequest
from partnerships.access import get_coordinator_membership
from partnerships.models import AuditEvent


@login_required
@require_safe
def audit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Who opened, changed or downloaded what of a sensitive partner, and when, newest first.
    Partners appear by alias, as they were called at the time."""
    membership = get_coordinator_membership(request, slug)
    events = AuditEvent.objects.filter(community=membership.community).select_related("user")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "partnerships/audit.html", {"page": page})
