from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedRequest
from intercession import selectors, services
from intercession.access import get_group_for, get_praying_membership
from intercession.forms import GroupForm, MeetingForm
from intercession.guide import group_guide as guide_for
from intercession.models import IntercessorGroup
from partnerships.access import get_coordinator_membership, refuse_if_behind_two_factor
from partnerships.models import PrayerRequest
from partnerships.views.common import add_errors


@login_required
@require_safe
def group_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_praying_membership(request, slug)
    groups = IntercessorGroup.objects.visible_to(membership).prefetch_related("members", "partners")
    return render(
        request,
        "intercession/group_list.html",
        {"groups": groups},
    )


def _save(request, form, community, group=None):
    data = dict(form.cleaned_data)
    members, partners = data.pop("members"), data.pop("partners")
    try:
        group = services.group_save(
            community=community, group=group, fields=data, members=members, partners=partners
        )
    except ValidationError as error:
        add_errors(form, error)
        return None
    if len(partners) > services.MANY_PARTNERS:
        messages.warning(
            request,
            _(
                "%(name)s now carries %(count)d partners. That is a lot to pray for each week; "
                "consider a second group."
            )
            % {"name": group.name, "count": len(partners)},
        )
    return group


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    community = membership.community
    form = GroupForm(
        request.POST or None,
        community=community,
        sees_sensitive=membership.sees_sensitive,
        initial={"time_zone": community.time_zone, "weekday": 2, "meeting_time": "19:30"},
    )
    if request.method == "POST" and form.is_valid():
        group = _save(request, form, community)
        if group is not None:
            messages.success(request, _("%(name)s is formed.") % {"name": group.name})
            return redirect("intercession:group", slug=slug, pk=group.pk)
    return render(
        request,
        "intercession/group_form.html",
        {"form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    group = get_group_for(membership, pk)
    # Who prays with a sensitive partner is theirs to decide who may see that partner.
    refuse_if_behind_two_factor(membership, group.partners.all())
    form = GroupForm(
        request.POST or None,
        instance=group,
        community=membership.community,
        sees_sensitive=membership.sees_sensitive,
    )
    if request.method == "POST" and form.is_valid():
        fresh = IntercessorGroup.objects.get(pk=group.pk)
        if _save(request, form, membership.community, fresh) is not None:
            messages.success(request, _("Group saved."))
            return redirect("intercession:group", slug=slug, pk=group.pk)
    group.refresh_from_db()
    return render(
        request,
        "intercession/group_form.html",
        {"form": form, "group": group},
    )


@login_required
@require_safe
def group_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """The group's week: what changed for its partners since the last meeting."""
    membership = get_praying_membership(request, slug)
    group = get_group_for(membership, pk)
    return render(
        request,
        "intercession/group_detail.html",
        {
            "group": group,
            "members": list(group.members.order_by("name")),
            "week": selectors.group_week(group, membership),
        },
    )


@login_required
@require_safe
def group_guide(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """This week's prayer guide for the group's meeting, for paper: large type, no navigation,
    a sensitive partner by alias only."""
    membership = get_praying_membership(request, slug)
    group = get_group_for(membership, pk)
    week_of = timezone.localdate(timezone=ZoneInfo(group.time_zone))
    return render(
        request,
        "intercession/group_guide.html",
        {"group": group, "guide": guide_for(group, membership, week_of)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_praying_membership(request, slug)
    # Intercessors only find the groups they belong to; coordinators record for any group.
    group = get_group_for(membership, pk)
    requests = (
        PrayerRequest.objects.visible_to(membership)
        .released()
        .for_groups()
        .active()
        .filter(partner__in=group.partners.all())
        .select_related("partner")
        .order_by("partner__name", "-urgent")
    )
    form = MeetingForm(
        request.POST or None,
        group=group,
        requests=requests,
        initial={"met_on": timezone.localdate(), "attendees": [request.user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(group=group, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            count = len(form.cleaned_data["requests"])
            messages.success(
                request,
                _("Meeting recorded, with %(count)d requests prayed together.") % {"count": count},
            )
            return redirect("intercession:group", slug=slug, pk=group.pk)
    return render(
        request,
        "intercession/meeting_form.html",
        {"form": form, "group": group},
    )
