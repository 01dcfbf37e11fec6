"""Review before it travels: the coordinators' queue of held requests, approving or sending
back, and anyone's flag on a request's wording."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedRequest
from partnerships import services
from partnerships.access import get_coordinator_membership, get_membership, get_request_for
from partnerships.audit import audit_record
from partnerships.forms import RequestApproveForm, RequestFlagForm, RequestSendBackForm
from partnerships.models import AuditAction, PrayerRequest
from partnerships.selectors import review_queue
from partnerships.views.common import act_and_tell


@login_required
@require_safe
def request_review_queue(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    return render(
        request,
        "partnerships/review_queue.html",
        {"queue": review_queue(membership), "send_back_form": RequestSendBackForm()},
    )


def _review(request: AuthenticatedRequest, slug: str, pk: int, form_class, act, success, what):
    """A coordinator's decision on a held request, from the queue or the request's page."""
    membership = get_coordinator_membership(request, slug)
    prayer_request = get_request_for(membership, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    elif act_and_tell(request, lambda: act(prayer_request, form.cleaned_data), lambda: success):
        audit_record(
            membership, prayer_request.partner, AuditAction.CHANGED, f"request #{pk} ({what})"
        )
    return redirect("partnerships:review_queue", slug=slug)


@login_required
@require_POST
def request_approve(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _review(
        request,
        slug,
        pk,
        RequestApproveForm,
        lambda r, data: services.prayer_request_approve(
            prayer_request=r, text=data["text"] or None
        ),
        _("Approved. It is on prayer lists and in emails from now on."),
        "approved",
    )


@login_required
@require_POST
def request_send_back(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _review(
        request,
        slug,
        pk,
        RequestSendBackForm,
        lambda r, data: services.prayer_request_send_back(prayer_request=r, note=data["note"]),
        _("Sent back to its author with your note."),
        "sent back",
    )


@login_required
@require_POST
def request_flag(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """Anyone who sees the request may flag it; it then leaves their view too (unless they
    wrote it or coordinate), so they go back to their community's home."""
    membership = get_membership(request, slug)
    prayer_request: PrayerRequest = get_request_for(membership, pk)
    form = RequestFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["reason"]))
        return redirect("overview:request", slug=slug, pk=pk)
    if act_and_tell(
        request,
        lambda: services.prayer_request_flag(
            prayer_request=prayer_request, by=request.user, reason=form.cleaned_data["reason"]
        ),
        lambda: _("Thank you. It is off every list and email until a coordinator looks at it."),
    ):
        audit_record(
            membership, prayer_request.partner, AuditAction.CHANGED, f"request #{pk} (flagged)"
        )
        if not (membership.is_coordinator or membership.is_partner):
            return redirect("partnerships:community", slug=slug)
    return redirect("overview:request", slug=slug, pk=pk)
