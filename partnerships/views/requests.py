from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedRequest
from partnerships import services
from partnerships.access import (
    get_coordinator_membership,
    get_membership,
    get_partner_for_edit,
    get_request_for_edit,
)
from partnerships.audit import audit_record
from partnerships.forms import PrayerRequestForm, RequestAnswerForm, RequestUpdateForm
from partnerships.models import AuditAction, PrayerRequest
from partnerships.views.common import act_and_tell, add_errors


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    partner = get_partner_for_edit(membership, pk)
    form = PrayerRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.prayer_request_create(
                partner=partner, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            audit_record(membership, partner, AuditAction.CHANGED, f"request #{created.pk} (new)")
            if created.is_held:
                messages.success(
                    request,
                    _(
                        "Request added. A coordinator reads it before it goes on prayer lists "
                        "and into emails."
                    ),
                )
            else:
                messages.success(request, _("Request added."))
            if membership.is_partner:
                return redirect("partnerships:community", slug=slug)  # their corner
            return redirect("partnerships:partner", slug=slug, pk=partner.pk)
    return render(
        request,
        "partnerships/request_form.html",
        {
            "form": form,
            "partner": partner,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    prayer_request = get_request_for_edit(membership, pk)
    form = PrayerRequestForm(request.POST or None, instance=prayer_request)
    if request.method == "POST" and form.is_valid():
        try:
            services.prayer_request_edit(
                prayer_request=prayer_request, by=membership, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            what = f"request #{prayer_request.pk}"
            audit_record(membership, prayer_request.partner, AuditAction.CHANGED, what)
            messages.success(request, _("Request saved."))
            return redirect("overview:request", slug=slug, pk=pk)
    return render(
        request,
        "partnerships/request_form.html",
        {
            "form": form,
            "partner": prayer_request.partner,
            "prayer_request": prayer_request,
        },
    )


def _action(request, slug, pk, form_class, act, success):
    membership = get_membership(request, slug)
    prayer_request = get_request_for_edit(membership, pk)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("overview:request", slug=slug, pk=pk)
    data = form.cleaned_data if form else {}
    if act_and_tell(request, lambda: act(prayer_request, data), lambda: success):
        what = f"request #{prayer_request.pk}"
        audit_record(membership, prayer_request.partner, AuditAction.CHANGED, what)
    return redirect("overview:request", slug=slug, pk=pk)


@login_required
@require_POST
def request_update(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _action(
        request,
        slug,
        pk,
        RequestUpdateForm,
        lambda r, data: services.prayer_request_update_add(
            prayer_request=r, text=data["text"], author=request.user
        ),
        _("Update posted."),
    )


@login_required
@require_POST
def request_answer(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _action(
        request,
        slug,
        pk,
        RequestAnswerForm,
        lambda r, data: services.prayer_request_answer(prayer_request=r, **data),
        _("Marked answered. Thank God together!"),
    )


@login_required
@require_POST
def request_close(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    return _action(
        request,
        slug,
        pk,
        None,
        lambda r, data: services.prayer_request_close(prayer_request=r),
        _("Closed. It stays in the partner's history."),
    )


@login_required
@require_safe
def requests_review(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    stale = (
        PrayerRequest.objects.visible_to(membership)
        .needing_update()
        .select_related("partner")
        .order_by("review_on")
    )
    return render(
        request,
        "partnerships/requests_review.html",
        {"requests": stale},
    )
