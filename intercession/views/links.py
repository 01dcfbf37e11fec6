"""Pages opened from links in emails."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accounts.ratelimits import exceeded
from intercession.access import get_link_target
from intercession.services import TOO_MANY_PRAYERS, prayer_log_create
from notifications.tokens import LinkError, read_action_token


@require_http_methods(["GET", "POST"])
def prayed_link(request: HttpRequest, token: str) -> HttpResponse:
    """The “I prayed” link of a reminder email. Mail scanners open links, so opening it only
    shows a button; the prayer is recorded when the button is pressed."""
    try:
        user_id, request_id = read_action_token(token, action="prayed")
    except LinkError as error:
        return render(
            request, "notifications/link_invalid.html", {"expired": error.expired}, status=400
        )
    target = get_link_target(user_id, request_id)
    if target is None:
        return render(request, "notifications/link_invalid.html", {"expired": False}, status=404)
    user, prayer_request, membership = target
    context = {
        "prayer_request": prayer_request,
        "partner": prayer_request.partner,
        "community": membership.community,
        # The text only for the person the link was made for: a forwarded link, opened by
        # someone else who is signed in, must not show it.
        "show_text": request.user.is_authenticated and request.user.pk == user.pk,
    }
    if request.method == "POST" and exceeded(request, "pray", user.pk):
        context["refused"] = TOO_MANY_PRAYERS
    elif request.method == "POST":
        try:
            prayer_log_create(
                user=user,
                partner=prayer_request.partner,
                prayer_request=prayer_request,
                client_key=f"link:{token[-20:]}",
            )
        except ValidationError as error:
            context["refused"] = " ".join(error.messages)
        else:
            context["done"] = True
    return render(request, "intercession/prayed_link.html", context)
