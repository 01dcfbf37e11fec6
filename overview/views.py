"""Pages whose reads span the apps: the coordinators' partnership health, a prayer request's
own page (the request, how it has been carried, what was shared, its testimonies), and the
pages that delete a partner's data or a person's account after saying what goes with them."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedRequest
from accounts.services import account_delete as delete_account
from intercession.selectors import request_carried
from overview import selectors
from overview.forms import TypedConfirmationForm
from partnerships import services as partnerships
from partnerships.access import (
    can_write_for,
    get_coordinator_membership,
    get_membership,
    get_partner_for,
    get_request_for,
)
from partnerships.audit import audit_record
from partnerships.forms import (
    DashboardFilterForm,
    RequestAnswerForm,
    RequestFlagForm,
    RequestUpdateForm,
)
from partnerships.models import AuditAction, PartnerStatus
from partnerships.selectors import answered_by_month
from partnerships.views.common import add_errors
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
            "flag_form": RequestFlagForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_delete(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """Delete an ended partnership's partner and everything about them, once the coordinator
    has read what goes and typed the partner's name (their alias, if sensitive)."""
    membership = get_coordinator_membership(request, slug)
    partner = get_partner_for(membership, pk)
    if partner.status != PartnerStatus.ENDED:
        messages.error(
            request,
            _("End the partnership first; a partner's data can be deleted once it has ended."),
        )
        return redirect("partnerships:partner_end", slug=slug, pk=pk)
    expected = partnerships.partner_confirmation(partner)
    form = TypedConfirmationForm(
        request.POST or None,
        expected=expected,
        label=_("Type “%(name)s” to delete their data") % {"name": expected},
    )
    if request.method == "POST" and form.is_valid():
        try:
            partnerships.partner_delete(
                partner=partner, by=membership, confirmation=form.cleaned_data["confirmation"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Everything about %(name)s is deleted.") % {"name": expected}
            )
            return redirect("partnerships:partner_list", slug=slug)
    if request.method == "GET":
        audit_record(membership, partner, AuditAction.OPENED, "the page deleting their data")
    context = {
        "partner": partner,
        "form": form,
        "goes": selectors.partner_deletion_get(partner),
    }
    return render(request, "overview/partner_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def account_delete(request: AuthenticatedRequest) -> HttpResponse:
    """Delete one's own account, once the person has read what goes, typed their email address
    and, as for changing it, given their password again (allauth's reauthentication: an open
    session left on a shared computer cannot delete it). The last coordinator of a community
    is refused, with the communities named."""
    user = request.user
    form = TypedConfirmationForm(
        request.POST or None,
        expected=user.email,
        label=_("Type your email address, %(email)s, to delete your account")
        % {"email": user.email},
    )
    if request.method == "POST" and form.is_valid():
        try:
            delete_account(user=user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for praying with us."))
            return redirect("partnerships:home")
    return render(
        request,
        "overview/account_delete.html",
        {"form": form, "goes": selectors.account_deletion_get(user)},
    )
