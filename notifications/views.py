"""The reminders settings page and the one-click unsubscribe of every email."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from accounts.models import User
from notifications import services
from notifications.forms import ReminderSettingsForm
from notifications.models import Kind
from notifications.tokens import LinkError, read_action_token, read_unsubscribe_token


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: AuthenticatedRequest) -> HttpResponse:
    pref = services.preference_get(request.user)
    initial = {
        "time_zone": request.user.time_zone,
        "daily_enabled": pref.daily_enabled,
        "daily_time": pref.daily_time,
        "weekly_enabled": pref.weekly_enabled,
        "checkin_digest_enabled": pref.checkin_digest_enabled,
        "checkin_eve_enabled": pref.checkin_eve_enabled,
        "testimony_enabled": pref.testimony_enabled,
        "encouragement_enabled": pref.encouragement_enabled,
        "encouragement_weekday": pref.encouragement_weekday,
        "season_hour_enabled": pref.season_hour_enabled,
    }
    form = ReminderSettingsForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        # Reminders not offered to this person keep their setting.
        services.preference_update(user=request.user, **{**initial, **form.cleaned_data})
        messages.success(request, _("Your reminders are saved."))
        return redirect("notifications:reminder_settings")
    return render(
        request,
        "notifications/reminder_settings.html",
        {
            "form": form,
            "pref": pref,
        },
    )


@csrf_exempt  # RFC 8058: mail providers post the one-click unsubscribe without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_id, kind = read_unsubscribe_token(token)
    except LinkError:
        return render(request, "notifications/link_invalid.html", {"expired": False}, status=400)
    user = User.objects.filter(pk=user_id).first()
    if user is None or kind not in Kind.values:
        return render(request, "notifications/link_invalid.html", {"expired": False}, status=404)
    label = Kind(kind).label
    if request.method == "POST":
        services.preference_unsubscribe(user=user, kind=kind)
        return render(request, "notifications/unsubscribed.html", {"label": label, "done": True})
    return render(request, "notifications/unsubscribed.html", {"label": label, "done": False})


@require_http_methods(["GET", "POST"])
def not_today(request: HttpRequest, token: str) -> HttpResponse:
    """“Not today”, from the daily email: no list tomorrow; it comes again the day after."""
    try:
        user_id, ordinal = read_action_token(token, action="not_today")
        day = date.fromordinal(ordinal)
    except (LinkError, ValueError, OverflowError) as error:
        expired = isinstance(error, LinkError) and error.expired
        return render(request, "notifications/link_invalid.html", {"expired": expired}, status=400)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return render(request, "notifications/link_invalid.html", {"expired": False}, status=404)
    context: dict[str, Any] = {
        "title": _("Not today"),
        "heading": _("Rest, and no list tomorrow?"),
        "lead": _("Your daily list will not come on %(day)s. It comes again the day after.")
        % {"day": date_format(day, _("l j F"))},
        "button": _("No list tomorrow"),
    }
    if request.method == "POST":
        services.daily_skip(user=user, day=day)
        context["done_heading"] = _("Rest well")
        context["done_text"] = _("No list on %(day)s. It comes again on %(next)s.") % {
            "day": date_format(day, _("l j F")),
            "next": date_format(day + timedelta(days=1), _("l j F")),
        }
    return render(request, "link_action.html", context)
