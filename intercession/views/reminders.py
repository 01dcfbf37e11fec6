from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import User
from intercession.access import get_link_target
from intercession.forms import ReminderSettingsForm
from intercession.models import DeliveryStatus, ReminderDelivery, ReminderKind
from intercession.reminders import preferences
from intercession.reminders.tokens import LinkError, read_prayed_token, read_unsubscribe_token
from intercession.services import prayer_record
from partnerships.access import get_coordinator_membership
from partnerships.models import Membership


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    pref = preferences.preference_for(request.user)
    initial = {
        "time_zone": request.user.time_zone,
        "daily_enabled": pref.daily_enabled,
        "daily_time": pref.daily_time,
        "weekly_enabled": pref.weekly_enabled,
        "checkin_digest_enabled": pref.checkin_digest_enabled,
        "checkin_eve_enabled": pref.checkin_eve_enabled,
        "testimony_enabled": pref.testimony_enabled,
    }
    roles = set(Membership.objects.for_user(request.user).values_list("role", flat=True))
    form = ReminderSettingsForm(
        request.POST or None, initial=initial, user=request.user, roles=roles
    )
    if request.method == "POST" and form.is_valid():
        # Reminders not offered to this person keep their setting.
        preferences.reminders_update(user=request.user, **{**initial, **form.cleaned_data})
        messages.success(request, _("Your reminders are saved."))
        return redirect("intercession:reminder_settings")
    return render(
        request,
        "intercession/reminder_settings.html",
        {
            "form": form,
            "pref": pref,
        },
    )


@require_http_methods(["GET", "POST"])
def prayed_link(request: HttpRequest, token: str) -> HttpResponse:
    """The “I prayed” link of a reminder email. Mail scanners open links, so opening it only
    shows a button; the prayer is recorded when the button is pressed."""
    try:
        user_id, request_id = read_prayed_token(token)
    except LinkError as error:
        return render(
            request, "intercession/link_invalid.html", {"expired": error.expired}, status=400
        )
    target = get_link_target(user_id, request_id)
    if target is None:
        return render(request, "intercession/link_invalid.html", {"expired": False}, status=404)
    user, prayer_request, membership = target
    context = {
        "prayer_request": prayer_request,
        "partner": prayer_request.partner,
        "community": membership.community,
        # The text only for the person the link was made for: a forwarded link, opened by
        # someone else who is signed in, must not show it.
        "show_text": request.user.is_authenticated and request.user.pk == user.pk,
    }
    if request.method == "POST":
        try:
            prayer_record(
                user=user,
                partner=prayer_request.partner,
                request=prayer_request,
                client_key=f"link:{token[-20:]}",
            )
        except ValidationError as error:
            context["refused"] = " ".join(error.messages)
        else:
            context["done"] = True
    return render(request, "intercession/prayed_link.html", context)


@csrf_exempt  # RFC 8058: mail providers post the one-click unsubscribe without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind = read_unsubscribe_token(token)
    except LinkError:
        return render(request, "intercession/link_invalid.html", {"expired": False}, status=400)
    user = User.objects.filter(pk=user_id).first()
    if user is None or kind not in ReminderKind.values:
        return render(request, "intercession/link_invalid.html", {"expired": False}, status=404)
    label = ReminderKind(kind).label
    if request.method == "POST":
        preferences.reminder_unsubscribe(user=user, kind=kind)
        return render(request, "intercession/unsubscribed.html", {"label": label, "done": True})
    return render(request, "intercession/unsubscribed.html", {"label": label, "done": False})


@login_required
@require_http_methods(["GET"])
def deliveries(request: HttpRequest, slug: str) -> HttpResponse:
    """What was sent to whom and when, and what failed and why, for this community's people."""
    membership = get_coordinator_membership(request, slug)
    rows = ReminderDelivery.objects.for_community(membership.community)
    status = request.GET.get("status", "")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "intercession/deliveries.html",
        {
            "membership": membership,
            "community": membership.community,
            "page": page,
            "status": status,
        },
    )
