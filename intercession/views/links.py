"""Pages opened from links in emails."""

from __future__ import annotations

from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.ratelimits import exceeded
from intercession.access import get_link_target, get_link_targets
from intercession.services import (
    TOO_MANY_PRAYERS,
    prayer_log_create,
    prayers_record_all,
    request_snooze,
)
from notifications.tokens import LinkError, read_action_token, read_list_action_token
from partnerships.models import Membership, PrayerRequest


def _invalid(request: HttpRequest, error: LinkError | None = None) -> HttpResponse:
    if error is not None:
        return render(
            request, "notifications/link_invalid.html", {"expired": error.expired}, status=400
        )
    return render(request, "notifications/link_invalid.html", {"expired": False}, status=404)


def _request_link(
    request: HttpRequest, token: str, action: str
) -> tuple[User, PrayerRequest, Membership] | HttpResponse:
    """The person, the request and their membership of a signed link to do ``action`` on one
    request, or the page that says the link does not work (any more)."""
    try:
        user_id, request_id = read_action_token(token, action=action)
    except LinkError as error:
        return _invalid(request, error)
    target = get_link_target(user_id, request_id)
    return target if target is not None else _invalid(request)


@require_http_methods(["GET", "POST"])
def prayed_link(request: HttpRequest, token: str) -> HttpResponse:
    """The “I prayed” link of a reminder email. Mail scanners open links, so opening it only
    shows a button; the prayer is recorded when the button is pressed."""
    found = _request_link(request, token, "prayed")
    if isinstance(found, HttpResponse):
        return found
    user, prayer_request, membership = found
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


@require_http_methods(["GET", "POST"])
def prayed_all_link(request: HttpRequest, token: str) -> HttpResponse:
    """“I prayed for all of these”, from the daily email: one tap records a prayer for each
    request the email listed that the person may still see; pressing again records nothing
    more."""
    try:
        user_id, request_ids = read_list_action_token(token, action="prayed_all")
    except LinkError as error:
        return _invalid(request, error)
    found = get_link_targets(user_id, request_ids)
    if found is None:
        return _invalid(request)
    user, targets = found
    mine = request.user.is_authenticated and request.user.pk == user.pk
    context: dict[str, Any] = {
        "title": _("I prayed for all of these"),
        "heading": _("Did you pray for all of these?"),
        # The requests' words only for the person the link was made for; anyone else sees
        # the partners' names (aliases for sensitive ones) and how many requests.
        "items": [f"{r.partner.public_name}: {r.text}" for r, _m in targets]
        if mine
        else [
            ngettext("%(name)s, %(count)d request", "%(name)s, %(count)d requests", n)
            % {"name": name, "count": n}
            for name, n in Counter(r.partner.public_name for r, _m in targets).items()
        ],
        "button": _("I prayed for all of these"),
    }
    if not targets:
        context["refused"] = _("None of these requests is on your list any more.")
    elif request.method == "POST" and exceeded(request, "pray", user.pk):
        context["refused"] = TOO_MANY_PRAYERS
    elif request.method == "POST":
        recorded = prayers_record_all(
            user=user, prayer_requests=[r for r, _m in targets], key=f"all:{token[-16:]}"
        )
        context["done_heading"] = _("Amen")
        context["done_text"] = ngettext(
            "%(count)d prayer recorded. Thank you for carrying them.",
            "%(count)d prayers recorded. Thank you for carrying them.",
            recorded,
        ) % {"count": recorded}
        context["next_url"] = reverse("intercession:today", args=[targets[0][1].community.slug])
        context["next_label"] = _("See today's list")
    return render(request, "link_action.html", context)


@require_http_methods(["GET", "POST"])
def snooze_link(request: HttpRequest, token: str) -> HttpResponse:
    """“Snooze this request for a week”, from the daily email: it leaves the person's own
    ten minutes for seven days (it stays on everyone else's, and on their “show everything”)."""
    found = _request_link(request, token, "snooze")
    if isinstance(found, HttpResponse):
        return found
    user, prayer_request, membership = found
    mine = request.user.is_authenticated and request.user.pk == user.pk
    context: dict[str, Any] = {
        "title": _("Snooze for a week"),
        "eyebrow": prayer_request.partner.public_name,
        "heading": _("Set this request aside for a week?"),
        "items": [prayer_request.text] if mine else [],
        "lead": _(
            "It leaves your daily list for seven days, then comes back. Others keep praying "
            "for it, and you still find it under “show everything”."
        ),
        "button": _("Snooze for a week"),
    }
    if request.method == "POST":
        snooze = request_snooze(user=user, prayer_request=prayer_request)
        back = snooze.until.astimezone(ZoneInfo(user.time_zone))
        context["done_heading"] = _("Set aside for a week")
        context["done_text"] = _("It comes back to your list on %(day)s.") % {
            "day": date_format(back, _("l j F"))
        }
        context["next_url"] = reverse("intercession:today", args=[membership.community.slug])
        context["next_label"] = _("See today's list")
    return render(request, "link_action.html", context)
