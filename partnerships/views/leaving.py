"""Leaving a community and ending a partnership: each a page that says what happens (GET) and a
button that does it (POST)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from partnerships import services
from partnerships.access import get_coordinator_membership, get_membership, get_partner_for
from partnerships.audit import audit_record
from partnerships.models import AuditAction, CheckIn, PartnerStatus


@login_required
@require_http_methods(["GET", "POST"])
def community_leave(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    if request.method == "POST":
        try:
            services.membership_leave(membership=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You have left %(community)s.") % {"community": membership.community.name},
            )
            return redirect("partnerships:home")
    return render(request, "partnerships/community_leave.html")


@login_required
@require_http_methods(["GET", "POST"])
def partner_end(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    partner = get_partner_for(membership, pk)
    if request.method == "POST":
        services.partner_end(partner=partner, by=membership)
        messages.success(
            request,
            _("The partnership with %(name)s has ended. Their page stays here for coordinators.")
            % {"name": partner.name},
        )
        return redirect("partnerships:partner", slug=slug, pk=pk)
    audit_record(membership, partner, AuditAction.OPENED, "the page ending the partnership")
    context = {
        "partner": partner,
        "ended": partner.status == PartnerStatus.ENDED,
        "upcoming": CheckIn.objects.filter(partner=partner).upcoming().count(),
    }
    return render(request, "partnerships/partner_end.html", context)
