"""Pages whose reads span the apps: the coordinators' partnership health and a prayer
request's own page (the request, how it has been carried, what was shared, its testimonies)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedRequest
from intercession.selectors import request_carried
from overview import selectors
from partnerships.access import (
    can_write_for,
    get_coordinator_membership,
    get_membership,
    get_request_for,
)
from partnerships.audit import audit_record
from partnerships.forms import DashboardFilterForm, RequestAnswerForm, RequestUpdateForm
from partnerships.models import AuditAction
from partnerships.selectors import answered_by_month
from testimonies.selectors import testimony_recent_list


@login_required
@require_safe
def dashboard(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Partnership health: relationships kept and prayers answered, overdue partners first."""
    membership = get_coordinator_membership(request, slug)
    filters = DashboardFilterForm(request.GET or None)
    chosen = {}
    if filters.is_bound and not filters.is_valid():
        messages.error(request, _("That filter isn't one we know; showing every partner."))
    elif filters.is_bound:
        chosen = {"kind": filters.cleaned_data["kind"], "status": filters.cleaned_data["status"]}
    rows = selectors.dashboard_rows(membership, **chosen)
    months = answered_by_month(membership.community)
    return render(
        request,
        "overview/dashboard.html",
        {
            "filters": filters,
            "rows": rows,
            "totals": selectors.dashboard_totals(rows, months),
            "chart": _chart(months, max((n for _m, n in months), default=0)),
            "testimonies": testimony_recent_list(membership),
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


@login_required
@require_safe
def request_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    prayer_request = get_request_for(membership, pk)
    audit_record(membership, prayer_request.partner, AuditAction.OPENED, f"request #{pk}")
    return render(
        request,
        "overview/request_detail.html",
        {
            "prayer_request": prayer_request,
            "partner": prayer_request.partner,
            "updates": prayer_request.updates.select_related("created_by"),
            "can_write": can_write_for(membership, prayer_request.partner),
            "sees_partner": selectors.sees_partner(membership, prayer_request),
            "carried": request_carried(prayer_request),
            "testimonies": selectors.request_testimony_list(membership, prayer_request),
            "encouragements": selectors.request_encouragement_list(membership, prayer_request),
            "update_form": RequestUpdateForm(),
            "answer_form": RequestAnswerForm(initial={"answered_on": timezone.localdate()}),
        },
    )
