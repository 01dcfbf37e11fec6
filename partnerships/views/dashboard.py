from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from partnerships.access import get_coordinator_membership
from partnerships.forms import DashboardFilterForm
from partnerships.models import Partner
from partnerships.selectors import (
    answered_by_month,
    partner_health,
    prayer_activity,
    recent_testimonies,
)

STATE_ORDER = {"overdue": 0, "due": 1, "ok": 2, "scheduled": 3, "inactive": 4}


@login_required
@require_safe
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Partnership health: relationships kept and prayers answered, overdue partners first."""
    membership = get_coordinator_membership(request, slug)
    community = membership.community
    filters = DashboardFilterForm(request.GET or None)
    partners = Partner.objects.visible_to(membership)
    if filters.is_bound and not filters.is_valid():
        messages.error(request, _("That filter isn't one we know; showing every partner."))
    elif filters.is_bound:
        if filters.cleaned_data["kind"]:
            partners = partners.filter(kind=filters.cleaned_data["kind"])
        if filters.cleaned_data["status"]:
            partners = partners.filter(status=filters.cleaned_data["status"])
    rows = partner_health(partners, membership)
    activity = prayer_activity([p.pk for p in rows])
    for partner in rows:
        partner.activity = activity[partner.pk]
    rows.sort(key=lambda p: (STATE_ORDER[p.checkin_state], p.name.lower()))
    months = answered_by_month(community)
    peak = max((n for _m, n in months), default=0)
    totals = {
        "partners": sum(1 for p in rows if p.status == "active"),
        "kept": sum(1 for p in rows if p.checkin_state in {"ok", "scheduled"}),
        "needing": sum(1 for p in rows if p.checkin_state in {"due", "overdue"}),
        "answered": sum(n for _m, n in months),
        "stale": sum(p.stale_requests for p in rows),
    }
    return render(
        request,
        "partnerships/dashboard.html",
        {
            "membership": membership,
            "community": community,
            "filters": filters,
            "rows": rows,
            "totals": totals,
            "chart": _chart(months, peak),
            "testimonies": recent_testimonies(community),
        },
    )


def _chart(months, peak: int) -> dict:
    """Bar geometry for a small server-rendered SVG of answered requests per month."""
    width, height, gap = 24, 80, 6
    scale = height / peak if peak else 0
    bars = []
    for i, (month, count) in enumerate(months):
        bar_height = round(count * scale)
        bars.append(
            {
                "x": i * (width + gap),
                "y": height - bar_height,
                "width": width,
                "height": bar_height,
                "count": count,
                "month": month,
            }
        )
    return {
        "bars": bars,
        "width": len(months) * (width + gap) - gap,
        "height": height,
    }
