from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedRequest
from partnerships import services
from partnerships.calendar import checkin_calendar
from partnerships.models import CalendarFeed, CheckIn

FEED_HISTORY = timedelta(days=90)


@login_required
@require_safe
def calendar_settings(request: AuthenticatedRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url = (
        request.build_absolute_uri(reverse("partnerships:calendar_feed", args=[feed.token]))
        if feed
        else ""
    )
    return render(
        request, "partnerships/calendar_settings.html", {"feed": feed, "feed_url": feed_url}
    )


@login_required
@require_POST
def calendar_feed_create(request: AuthenticatedRequest) -> HttpResponse:
    services.calendar_feed_replace(user=request.user)
    messages.success(
        request,
        _("Your calendar address is ready. Any address you used before has stopped working."),
    )
    return redirect("partnerships:calendar_settings")


@login_required
@require_POST
def calendar_feed_revoke(request: AuthenticatedRequest) -> HttpResponse:
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, _("Your calendar address no longer works."))
    return redirect("partnerships:calendar_settings")


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscription feed: the secret token is the key, as calendar apps cannot sign in."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    user = feed.user
    checkins = CheckIn.objects.filter(starts_at__gte=timezone.now() - FEED_HISTORY).in_feed_of(user)
    response = HttpResponse(
        checkin_calendar(checkins, for_user=user, name="Epaphras", feed=True),
        content_type="text/calendar; charset=utf-8",
    )
    return response
