from typing import Any

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedRequest
from partnerships import services
from partnerships.access import (
    CURRENT_COMMUNITY_SESSION_KEY,
    current_membership,
    get_coordinator_membership,
    get_invitation_for,
    get_member_for,
    get_membership,
    refuse_if_behind_two_factor,
)
from partnerships.forms import CommunityForm, CommunitySettingsForm, InvitationForm, MemberRoleForm
from partnerships.models import Invitation, Membership, Partner, Role
from partnerships.selectors import coordinator_home, member_list, pending_invitation_list
from partnerships.tokens import InvitationLinkError, invitation_from_token
from partnerships.views.common import act_and_tell, add_errors, invitation_allowed


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "partnerships/landing.html")
    memberships = list(Membership.objects.for_user(request.user))
    if not memberships:
        return render(request, "partnerships/welcome.html")
    membership = current_membership(request, memberships) or memberships[0]
    return redirect("partnerships:community", slug=membership.community.slug)


@login_required
@require_safe
def community_list(request: AuthenticatedRequest) -> HttpResponse:
    memberships = Membership.objects.for_user(request.user).annotate(
        member_count=Count("community__memberships")
    )
    return render(request, "partnerships/community_list.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def community_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CommunityForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    # A new community most likely prays where its founder is: let the browser suggest.
    form.fields["time_zone"].widget.attrs["data-detect-time-zone"] = ""
    if request.method == "POST" and form.is_valid():
        try:
            community = services.community_create(creator=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is ready. Invite your first intercessors and partners.")
                % {"name": community.name},
            )
            return redirect("partnerships:members", slug=community.slug)
    return render(request, "partnerships/community_form.html", {"form": form, "creating": True})


@login_required
@require_safe
def community_home(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    if membership.is_intercessor:
        return redirect("intercession:today", slug=slug)
    community = membership.community
    if membership.is_partner and community.partners.filter(user=request.user).exists():
        return redirect("testimonies:corner", slug=slug)
    context: dict[str, Any] = {}
    if membership.is_coordinator:
        counts = community.memberships.aggregate(
            coordinators=Count("pk", filter=Q(role=Role.COORDINATOR)),
            intercessors=Count("pk", filter=Q(role=Role.INTERCESSOR)),
            partners=Count("pk", filter=Q(role=Role.PARTNER)),
        )
        context["counts"] = counts
        context["pending_invitations"] = community.invitations.pending().count()
        context["todo"] = coordinator_home(membership)
    return render(request, "partnerships/community_home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def community_settings(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    community = membership.community
    form = CommunitySettingsForm(request.POST or None, instance=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.community_update(community=community, by=membership, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Community settings saved."))
            return redirect("partnerships:community", slug=community.slug)
    if request.method == "POST":
        community.refresh_from_db()
    return render(
        request,
        "partnerships/community_form.html",
        {"form": form},
    )


@login_required
@require_safe
def members(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    context = {
        "members": member_list(membership),
        "invitations": pending_invitation_list(membership),
    }
    return render(request, "partnerships/members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    community = membership.community
    form = InvitationForm(
        request.POST or None, initial={"role": request.GET.get("role") or Role.INTERCESSOR}
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation_allowed(request)
            invitation = services.invitation_send(
                community=community, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s as %(role)s.")
                % {"email": invitation.email, "role": invitation.get_role_display().lower()},
            )
            return redirect("partnerships:members", slug=community.slug)
    return render(
        request,
        "partnerships/invitation_form.html",
        {"form": form},
    )


@login_required
@require_POST
def invitation_resend(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    invitation = get_invitation_for(get_coordinator_membership(request, slug), pk)

    def resend() -> None:
        invitation_allowed(request)
        services.invitation_resend(invitation=invitation)

    act_and_tell(
        request,
        resend,
        lambda: _("Invitation sent again to %(email)s.") % {"email": invitation.email},
    )
    return redirect("partnerships:members", slug=slug)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    invitation = get_invitation_for(get_coordinator_membership(request, slug), pk)
    act_and_tell(
        request,
        lambda: services.invitation_revoke(invitation=invitation),
        lambda: _("Invitation to %(email)s withdrawn.") % {"email": invitation.email},
    )
    return redirect("partnerships:members", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    member = get_member_for(membership, pk)
    form = MemberRoleForm(request.POST or None, initial={"role": member.role})
    if request.method == "POST" and member.pk == membership.pk:
        # Stepping down to intercessor would show the sensitive partners of one's groups.
        refuse_if_behind_two_factor(
            membership, Partner.objects.filter(community_id=membership.community_id)
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_role_change(membership=member, role=form.cleaned_data["role"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is now a %(role)s.")
                % {"name": member.user.display_name, "role": member.get_role_display().lower()},
            )
            if member.pk == membership.pk and not member.is_coordinator:
                return redirect("partnerships:community", slug=slug)
            return redirect("partnerships:members", slug=slug)
    return render(
        request,
        "partnerships/member_edit.html",
        {
            "form": form,
            "member": member,
        },
    )


@login_required
@require_POST
def member_remove(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    member = get_member_for(membership, pk)
    try:
        services.membership_remove(membership=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("partnerships:member_edit", slug=slug, pk=pk)
    messages.success(
        request,
        _("%(name)s is no longer a member of %(community)s.")
        % {"name": member.user.display_name, "community": membership.community.name},
    )
    if member.pk == membership.pk:
        return redirect("partnerships:home")
    return redirect("partnerships:members", slug=slug)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page a signed invitation link opens. Anyone may look; accepting needs the invited
    person signed in."""
    try:
        invitation: Invitation = invitation_from_token(token)
    except InvitationLinkError as error:
        return render(
            request,
            "partnerships/invitation_invalid.html",
            {"problem": error.problem.value, "invitation": error.invitation},
            status=410 if error.invitation is not None else 404,
        )
    here = reverse("partnerships:invitation", kwargs={"token": token})
    user = request.user
    if not user.is_authenticated:
        # The link reached this inbox, so a sign-up with this address needs no second check.
        get_adapter(request).stash_verified_email(request, invitation.email)
        return render(
            request,
            "partnerships/invitation.html",
            {"invitation": invitation, "next": here},
        )
    matches = services.invitation_matches_user(invitation, user)
    if request.method == "POST" and matches:
        try:
            membership = services.invitation_accept(invitation=invitation, user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            request.session[CURRENT_COMMUNITY_SESSION_KEY] = membership.community_id
            messages.success(
                request,
                _("Welcome to %(community)s! You joined as %(role)s.")
                % {
                    "community": membership.community.name,
                    "role": membership.get_role_display().lower(),
                },
            )
            return redirect("partnerships:community", slug=membership.community.slug)
    return render(
        request,
        "partnerships/invitation.html",
        {"invitation": invitation, "matches": matches, "next": here},
    )
