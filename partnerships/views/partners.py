from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedRequest
from partnerships import services
from partnerships.access import (
    can_write_for,
    get_coordinator_membership,
    get_membership,
    get_partner_for,
    get_partner_for_edit,
)
from partnerships.audit import audit_record
from partnerships.forms import PartnerForm, PartnerInviteForm
from partnerships.models import (
    AuditAction,
    CheckIn,
    Child,
    Partner,
    PrayerRequest,
    RequestStatus,
    RequestUpdate,
    Role,
)
from partnerships.selectors import partner_health
from partnerships.views.common import act_and_tell, add_errors, invitation_allowed


@login_required
@require_safe
def partner_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    partners = partner_health(
        Partner.objects.visible_to(membership).prefetch_related(
            Prefetch("children", queryset=Child.objects.order_by("birth_year"))
        ),
        membership,
    )
    return render(
        request,
        "partnerships/partner_list.html",
        {"partners": partners},
    )


@login_required
@require_http_methods(["GET", "POST"])
def partner_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    community = membership.community
    form = PartnerForm(
        request.POST or None,
        request.FILES or None,
        community=community,
        initial={"time_zone": community.time_zone, "stewards": [request.user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        partner = _save(form, community)
        if partner is not None:
            audit_record(membership, partner, AuditAction.CHANGED, "the partner's profile (new)")
            messages.success(request, _("%(name)s is added.") % {"name": partner.name})
            return redirect("partnerships:partner", slug=slug, pk=partner.pk)
    return render(
        request,
        "partnerships/partner_form.html",
        {"form": form},
    )


def _save(form: PartnerForm, community, partner: Partner | None = None) -> Partner | None:
    data = dict(form.cleaned_data)
    children = data.pop("children", None)
    stewards = data.pop("stewards", None)
    photo = data.pop("photo", None)
    remove_photo = data.pop("remove_photo", False)
    if not hasattr(photo, "content_type"):
        photo = None  # unchanged
    try:
        return services.partner_save(
            community=community,
            partner=partner,
            fields=data,
            children=children,
            stewards=stewards,
            photo=photo,
            remove_photo=remove_photo,
        )
    except ValidationError as error:
        add_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    partner = get_partner_for_edit(membership, pk)
    form = PartnerForm(
        request.POST or None,
        request.FILES or None,
        instance=partner,
        community=membership.community,
        self_service=membership.is_partner,
    )
    fresh = Partner.objects.get(pk=partner.pk)  # the form changes its instance while validating
    was_sensitive = fresh.sensitive
    if request.method == "POST" and form.is_valid() and _save(form, membership.community, fresh):
        audit_record(
            membership,
            fresh,
            AuditAction.CHANGED,
            "the partner's profile" + ("" if fresh.sensitive else " (no longer sensitive)"),
            was_sensitive=was_sensitive,
        )
        messages.success(request, _("Profile saved."))
        return redirect("partnerships:partner", slug=slug, pk=partner.pk)
    partner.refresh_from_db()
    if request.method == "GET":
        audit_record(membership, partner, AuditAction.OPENED, "the partner's profile form")
    return render(
        request,
        "partnerships/partner_form.html",
        {
            "form": form,
            "partner": partner,
        },
    )


@login_required
@require_safe
def partner_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    partner = get_partner_for(membership, pk)
    visible_requests = PrayerRequest.objects.visible_to(membership).filter(partner=partner)
    requests = visible_requests.prefetch_related(
        Prefetch("updates", queryset=RequestUpdate.objects.order_by("-created_at"))
    )
    active = [r for r in requests if r.status == RequestStatus.ACTIVE]
    past = [r for r in requests if r.status != RequestStatus.ACTIVE]
    checkins = (
        CheckIn.objects.visible_to(membership).filter(partner=partner).order_by("-starts_at")[:24]
    )
    (health,) = partner_health(Partner.objects.filter(pk=partner.pk), membership)
    audit_record(membership, partner, AuditAction.OPENED, "the partner's page")
    context = {
        "partner": partner,
        "children": list(partner.children.all()),
        "stewards": list(partner.stewards.all()),
        "active_requests": active,
        "past_requests": past,
        "checkins": checkins,
        "checkin_state": health.checkin_state,
        "can_edit": can_write_for(membership, partner),
        "pending_invitation": partner.invitations.pending().first()
        if membership.is_coordinator
        else None,
    }
    return render(request, "partnerships/partner_detail.html", context)


@login_required
@require_safe
def partner_photo(request: AuthenticatedRequest, slug: str, pk: int) -> FileResponse:
    """Photos are served only to people who may see the partner, never from a public URL."""
    membership = get_membership(request, slug)
    partner = get_partner_for(membership, pk)
    if not partner.photo:
        raise Http404
    try:
        photo = partner.photo.open("rb")
    except FileNotFoundError as error:  # the file was lost (a restored backup): no photo
        raise Http404 from error
    response = FileResponse(photo, content_type="image/jpeg")
    return response


@login_required
@require_POST
def partner_invite(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """Invite a partner to sign in to their own page; accepting links the account."""
    membership = get_coordinator_membership(request, slug)
    partner = get_partner_for(membership, pk)
    if partner.user_id:
        raise PermissionDenied
    form = PartnerInviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(message) for message in form.errors["email"]))
        return redirect("partnerships:partner", slug=slug, pk=pk)
    sent = []

    def invite() -> None:
        invitation_allowed(request)
        sent.append(
            services.invitation_send(
                community=membership.community,
                email=form.cleaned_data["email"],
                role=Role.PARTNER,
                invited_by=request.user,
                partner=partner,
            )
        )

    act_and_tell(
        request,
        invite,
        lambda: _("Invitation sent to %(email)s.") % {"email": sent[0].email},
    )
    return redirect("partnerships:partner", slug=slug, pk=pk)
