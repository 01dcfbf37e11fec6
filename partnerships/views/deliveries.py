"""What was sent to the community's people: the coordinators' view of the delivery ledger."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from notifications.models import LATE_AFTER, DeliveryStatus
from partnerships.access import get_coordinator_membership
from partnerships.selectors import delivery_list


@login_required
@require_http_methods(["GET"])
def deliveries(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """What was sent to whom and when, and what failed and why, for this community's people;
    first of all, how many are late (still not sent five minutes after they fell due)."""
    membership = get_coordinator_membership(request, slug)
    now = timezone.now()
    rows = delivery_list(membership.community)
    late = rows.late(now)
    status = request.GET.get("status", "")
    if status == "late":
        rows = late
    elif status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/deliveries.html",
        {
            "page": page,
            "status": status,
            "late_count": late.count(),
            "late_before": now - LATE_AFTER,
            "late_minutes": int(LATE_AFTER.total_seconds() // 60),
        },
    )
