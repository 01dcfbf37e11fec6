from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedRequest
from partnerships import services
from partnerships.access import (
    get_checkin_for,
    get_checkin_for_coordinator,
    get_coordinator_membership,
    get_membership,
    get_partner_for,
)
from partnerships.audit import audit_record
from partnerships.calendar import checkin_calendar
from partnerships.forms import CheckInForm, CheckInNotesForm
from partnerships.models import AuditAction, CheckIn, CheckInStatus
from partnerships.views.common import add_errors

TIME_FIELDS = {"starts_at": "start", "ends_at": "end"}


@login_required
@require_safe
def checkin_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    checkins = CheckIn.objects.visible_to(membership).select_related("partner")
    now = timezone.now()
    return render(
        request,
        "partnerships/checkin_list.html",
        {
            "upcoming": checkins.upcoming().order_by("starts_at"),
            "recent": checkins.filter(starts_at__lt=now).order_by("-starts_at")[:30],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_create(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    partner = get_partner_for(membership, pk)
    form = CheckInForm(
        request.POST or None,
        community=membership.community,
        time_zone=request.user.time_zone,
        initial={
            "mode": partner.meeting_mode,
            "link": partner.video_link,
            "attendees": [request.user.pk],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            checkin = services.checkin_schedule(
                partner=partner, created_by=request.user, **form.schedule()
            )
        except ValidationError as error:
            add_errors(form, error, TIME_FIELDS)
        else:
            audit_record(membership, partner, AuditAction.CHANGED, f"check-in #{checkin.pk} (new)")
            messages.success(request, _("Check-in scheduled."))
            return redirect("partnerships:checkin", slug=slug, pk=checkin.pk)
    return render(
        request,
        "partnerships/checkin_form.html",
        {
            "form": form,
            "partner": partner,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    checkin = get_checkin_for_coordinator(membership, pk)
    local = checkin.starts_at.astimezone(ZoneInfo(request.user.time_zone))
    form = CheckInForm(
        request.POST or None,
        community=membership.community,
        time_zone=request.user.time_zone,
        initial={
            "date": local.date(),
            "start": local.time(),
            "end": checkin.ends_at.astimezone(ZoneInfo(request.user.time_zone)).time(),
            "mode": checkin.mode,
            "place": checkin.place,
            "link": checkin.link,
            "attendees": list(checkin.attendees.values_list("pk", flat=True)),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_reschedule(checkin=checkin, **form.schedule())
        except ValidationError as error:
            add_errors(form, error, TIME_FIELDS)
        else:
            what = f"check-in #{checkin.pk}"
            audit_record(membership, checkin.partner, AuditAction.CHANGED, what)
            messages.success(request, _("Check-in moved."))
            return redirect("partnerships:checkin", slug=slug, pk=checkin.pk)
    return render(
        request,
        "partnerships/checkin_form.html",
        {
            "form": form,
            "checkin": checkin,
            "partner": checkin.partner,
        },
    )


@login_required
@require_safe
def checkin_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    checkin = get_checkin_for(membership, pk)
    partner = checkin.partner
    audit_record(membership, partner, AuditAction.OPENED, f"check-in #{checkin.pk}")
    viewer_zone = ZoneInfo(request.user.time_zone)
    context = {
        "checkin": checkin,
        "partner": partner,
        "attendees": list(checkin.attendees.all()),
        "captured": list(checkin.requests.all()) if membership.is_coordinator else [],
        "viewer_start": checkin.starts_at.astimezone(viewer_zone),
        "viewer_end": checkin.ends_at.astimezone(viewer_zone),
        "same_zone": request.user.time_zone == partner.time_zone,
        "has_begun": checkin.starts_at <= timezone.now(),
    }
    if (
        membership.is_coordinator
        and checkin.status == CheckInStatus.HELD
        and not CheckIn.objects.filter(partner=partner).upcoming().exists()
    ):
        starts_at, _ends = services.next_checkin_times(checkin, request.user.time_zone)
        context["next_proposal"] = starts_at.astimezone(viewer_zone)
    return render(request, "partnerships/checkin_detail.html", context)


@login_required
@require_POST
def checkin_status(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    checkin = get_checkin_for_coordinator(membership, pk)
    try:
        checkin = services.checkin_status_set(
            checkin=checkin, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        audit_record(membership, checkin.partner, AuditAction.CHANGED, f"check-in #{checkin.pk}")
        messages.success(
            request,
            _("Check-in marked %(status)s.") % {"status": checkin.get_status_display().lower()},
        )
        if checkin.status == "held":
            return redirect("partnerships:checkin_notes", slug=slug, pk=pk)
    return redirect("partnerships:checkin", slug=slug, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def checkin_notes(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    checkin = get_checkin_for_coordinator(membership, pk)
    form = CheckInNotesForm(
        request.POST or None,
        initial={
            "notes": checkin.notes,
            "family_update": checkin.family_update,
            "group_summary": checkin.group_summary,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.checkin_notes_record(
                checkin=checkin,
                notes=data["notes"],
                family_update=data["family_update"],
                group_summary=data["group_summary"],
                request_lines=data["requests"],
                category=data["category"],
                visibility=data["visibility"],
                author=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            what = f"notes of check-in #{checkin.pk}"
            audit_record(membership, checkin.partner, AuditAction.CHANGED, what)
            messages.success(
                request,
                ngettext(
                    "Notes saved with %(count)d new prayer request.",
                    "Notes saved with %(count)d new prayer requests.",
                    len(created),
                )
                % {"count": len(created)},
            )
            return redirect("partnerships:checkin", slug=slug, pk=pk)
    if request.method == "GET":
        what = f"notes of check-in #{checkin.pk}"
        audit_record(membership, checkin.partner, AuditAction.OPENED, what)
    return render(
        request,
        "partnerships/checkin_notes.html",
        {
            "form": form,
            "checkin": checkin,
            "partner": checkin.partner,
        },
    )


@login_required
@require_POST
def checkin_next(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """Accept the proposed next check-in: same week and weekday next month."""
    membership = get_coordinator_membership(request, slug)
    checkin = get_checkin_for_coordinator(membership, pk)
    try:
        following = services.checkin_schedule_next(
            checkin=checkin, time_zone=request.user.time_zone, created_by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("partnerships:checkin", slug=slug, pk=pk)
    what = f"check-in #{following.pk} (new)"
    audit_record(membership, checkin.partner, AuditAction.CHANGED, what)
    messages.success(request, _("The next check-in is scheduled."))
    return redirect("partnerships:checkin", slug=slug, pk=following.pk)


@login_required
@require_safe
def checkin_ics(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_membership(request, slug)
    checkin = get_checkin_for(membership, pk)
    response = HttpResponse(
        checkin_calendar([checkin], for_user=request.user),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="check-in-{checkin.pk}.ics"'
    what = f"calendar file of check-in #{checkin.pk}"
    audit_record(membership, checkin.partner, AuditAction.DOWNLOADED, what)
    return response
