from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedRequest
from partnerships.access import get_membership, get_partner_for
from partnerships.audit import audit_record
from partnerships.models import AuditAction, PartnerKind, PrayerRequest, Role, Visibility
from partnerships.views.common import act_and_tell, add_errors, query_id
from testimonies import selectors, services
from testimonies.access import can_change, get_testimony_for, get_testimony_for_change
from testimonies.forms import TestimonyForm
from testimonies.models import Audience

PAGE_SIZE = 20


def _filters(request: HttpRequest) -> dict:
    kind = request.GET.get("kind", "")
    return {
        "partner_id": query_id(request.GET.get("partner", "")),
        "kind": kind if kind in PartnerKind.values else "",
    }


@login_required
@require_safe
def testimony_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    filters = _filters(request)
    page = Paginator(selectors.testimony_published_list(membership, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "testimonies/testimony_list.html",
        {
            "page": page,
            "drafts": list(selectors.testimony_draft_list(membership)[:20]),
            "partners": selectors.testimony_partner_list(membership),
            "kinds": PartnerKind.choices,
            "filters": filters,
        },
    )


@login_required
@require_safe
def testimony_print(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Large type, no navigation, for reading aloud or printing at a gathering. Paper leaves
    the app, so only what the whole community may read goes on it, sensitive partners by
    alias, and no request text."""
    membership = get_membership(request, slug)
    testimonies = selectors.testimony_published_list(membership, **_filters(request)).filter(
        audience=Audience.COMMUNITY
    )[:50]
    return render(
        request,
        "testimonies/testimony_print.html",
        {"testimonies": testimonies},
    )


@login_required
@require_safe
def testimony_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    testimony = get_testimony_for(membership, pk)
    testimony = selectors.with_reading_details(
        type(testimony).objects.filter(pk=testimony.pk), membership
    ).get()
    services.notices_mark_read(user=request.user, testimony=testimony)
    audit_record(membership, testimony.partner, AuditAction.OPENED, f"testimony #{testimony.pk}")
    return render(
        request,
        "testimonies/testimony_detail.html",
        {
            "testimony": testimony,
            "can_change": can_change(membership, testimony),
        },
    )


def _form_page(request, membership, partner, form, testimony=None):
    return render(
        request,
        "testimonies/testimony_form.html",
        {
            "partner": partner,
            "form": form,
            "testimony": testimony,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def testimony_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Opened from an answered request (``?request=``) or a partner (``?partner=``); without
    either, it asks which answer the testimony is about."""
    membership = get_membership(request, slug)
    source = query_id(request.GET.get("request", ""))
    partner_pk = query_id(request.GET.get("partner", ""))
    answered_request = None
    if source is not None:
        answered_request = get_object_or_404(
            PrayerRequest.objects.visible_to(membership).select_related("partner"), pk=source
        )
        # Intercessors write about the partners their groups adopted, not every partner
        # whose requests reach the whole community.
        partner = get_partner_for(membership, answered_request.partner_id)
    elif partner_pk is not None:
        partner = get_partner_for(membership, partner_pk)
    else:
        return render(
            request,
            "testimonies/testimony_choose.html",
            {
                "answered": PrayerRequest.objects.visible_to(membership)
                .filter(status="answered")
                .select_related("partner")
                .order_by("-answered_on")[:50],
            },
        )
    answered = selectors.answered_request_list(membership, partner)
    initial: dict[str, Any] = {
        "audience": Audience.PARTNER_AND_GROUPS if partner.sensitive else Audience.COMMUNITY
    }
    if answered_request is not None:
        initial["requests"] = [answered_request.pk]
        if answered_request.visibility != Visibility.COMMUNITY:
            # What the request said was for fewer people than the whole community.
            initial["audience"] = Audience.PARTNER_AND_GROUPS
        if answered_request.visibility != Visibility.COORDINATORS:
            initial.update(
                title=_("Answered: %(request)s")
                % {"request": truncatechars(answered_request.text, 80)},
                story=answered_request.answer_note,
            )
    form = TestimonyForm(request.POST or None, initial=initial, answered=answered)
    if request.method == "POST" and form.is_valid():
        try:
            testimony = services.testimony_create(
                partner=partner, author=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Saved as a draft. Read it through, then publish it when it is ready.")
            )
            return redirect("testimonies:testimony", slug=slug, pk=testimony.pk)
    return _form_page(request, membership, partner, form)


@login_required
@require_http_methods(["GET", "POST"])
def testimony_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    testimony = get_testimony_for_change(membership, pk)
    answered = selectors.answered_request_list(membership, testimony.partner)
    form = TestimonyForm(
        request.POST or None,
        initial={
            "requests": list(testimony.requests.values_list("pk", flat=True)),
            "title": testimony.title,
            "story": testimony.story,
            "scripture": testimony.scripture,
            "audience": testimony.audience,
        },
        answered=answered,
    )
    if request.method == "POST" and form.is_valid():
        # Requests the editor cannot see (a coordinator attached them) stay attached.
        hidden = testimony.requests.exclude(pk__in=answered.values("pk"))
        data = {**form.cleaned_data, "requests": [*form.cleaned_data["requests"], *hidden]}
        try:
            services.testimony_edit(testimony=testimony, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Testimony saved."))
            return redirect("testimonies:testimony", slug=slug, pk=pk)
    return _form_page(request, membership, testimony.partner, form, testimony)


@login_required
@require_POST
def testimony_publish(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    testimony = get_testimony_for_change(membership, pk)
    told = []
    act_and_tell(
        request,
        lambda: told.append(services.testimony_publish(testimony=testimony)),
        lambda: (
            _("Published. %(count)d people who prayed for it are being told.") % {"count": told[0]}
            if told[0]
            else _("Published.")
        ),
    )
    return redirect("testimonies:testimony", slug=slug, pk=pk)


@login_required
@require_POST
def testimony_unpublish(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    testimony = get_testimony_for_change(membership, pk)
    act_and_tell(
        request,
        lambda: services.testimony_unpublish(testimony=testimony),
        lambda: _("Unpublished: it is a draft again."),
    )
    return redirect("testimonies:testimony", slug=slug, pk=pk)


@login_required
@require_POST
def testimony_thanks(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    testimony = get_testimony_for(membership, pk)
    try:
        first_time = services.thanks_give(testimony=testimony, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("testimonies:testimony", slug=slug, pk=pk)
    if request.htmx:
        testimony = selectors.with_reading_details(
            type(testimony).objects.filter(pk=testimony.pk), membership
        ).get()
        return render(
            request,
            "testimonies/testimony_detail.html#thanks",
            {"testimony": testimony},
        )
    if first_time:
        messages.success(request, _("Thank you. Your thanks is counted."))
    else:
        messages.info(request, _("You have already given thanks for this one."))
    return redirect("testimonies:testimony", slug=slug, pk=pk)


@login_required
@require_safe
def notifications(request: AuthenticatedRequest) -> HttpResponse:
    """The person's notices, newest first. Opening the list marks them read."""
    page = Paginator(selectors.notice_list(request.user), 30).get_page(request.GET.get("page"))
    response = render(request, "testimonies/notifications.html", {"page": page})
    services.notices_mark_read(user=request.user)
    return response


@login_required
@require_safe
def my_corner(request: AuthenticatedRequest) -> HttpResponse:
    """Where the weekly encouragement leads, with no community in the link: the partner's own
    corner, or their communities when they are a partner of several (or of none any more)."""
    communities = {p.community.slug for p in selectors.partner_profiles_of(request.user)}
    if len(communities) == 1:
        return redirect("testimonies:corner", slug=communities.pop())
    return redirect("partnerships:home")


@login_required
@require_safe
def corner(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The partner's own page."""
    membership = get_membership(request, slug, roles=[Role.PARTNER])
    partner = membership.community.partners.filter(user=request.user).order_by("pk").first()
    if partner is None:
        # Not linked to a partner profile yet: the community's home page says so.
        return redirect("partnerships:community", slug=slug)
    return render(
        request,
        "testimonies/corner.html",
        {
            "corner": selectors.corner_get(membership, partner),
        },
    )
