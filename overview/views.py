"""Pages whose reads span the apps: the coordinators' partnership health and a prayer
request's own page (the request, how it has been carried, what was shared, its testimonies)."""

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedRequest
from intercession.selectors import (
    PrayerCounts,
    encouragement_list,
    partner_prayer_counts,
    request_carried,
)
from partnerships.access import (
    can_write_for,
    get_coordinator_membership,
    get_membership,
    get_request_for,
)
from partnerships.forms import DashboardFilterForm, RequestAnswerForm, RequestUpdateForm
from partnerships.models import Partner
from partnerships.selectors import PartnerHealthState, answered_by_month, partner_health
from testimonies.selectors import testimony_recent_list

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

STATE_ORDER = {"overdue": 0, "due": 1, "ok": 2, "scheduled": 3, "inactive": 4}


class DashboardRow(PartnerHealthState):
    """A dashboard partner: its health and, set by the dashboard, its prayer ``activity``."""

    activity: PrayerCounts


@login_required
@require_safe
def dashboard(request: AuthenticatedRequest, slug: str) -> HttpResponse:
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
    # Typed with activity already: the loop below sets it on every row.
    rows = cast(
        "list[WithAnnotations[Partner, DashboardRow]]", partner_health(partners, membership)
    )
    activity = partner_prayer_counts([p.pk for p in rows])
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
        "overview/dashboard.html",
        {
            "filters": filters,
            "rows": rows,
            "totals": totals,
            "chart": _chart(months, peak),
            "testimonies": testimony_recent_list(community),
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
    return render(
        request,
        "overview/request_detail.html",
        {
            "prayer_request": prayer_request,
            "partner": prayer_request.partner,
            "updates": prayer_request.updates.select_related("created_by"),
            "can_write": can_write_for(membership, prayer_request.partner),
            # A community-wide request reaches intercessors whose groups did not adopt the
            # partner: they see the request, not the partner's page or real name.
            "sees_partner": Partner.objects.visible_to(membership)
            .filter(pk=prayer_request.partner_id)
            .exists(),
            "carried": request_carried(prayer_request),
            "testimonies": list(
                prayer_request.testimonies.visible_to(membership).published().order_by("pk")
            ),
            "encouragements": (
                encouragement_list(prayer_request.partner, prayer_request)
                if membership.is_partner or membership.is_coordinator
                else []
            ),
            "update_form": RequestUpdateForm(),
            "answer_form": RequestAnswerForm(initial={"answered_on": timezone.localdate()}),
        },
    )
