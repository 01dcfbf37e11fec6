import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedRequest
from accounts.ratelimits import exceeded
from intercession import selectors, services
from intercession.access import (
    get_own_prayer,
    get_prayable_partner,
    get_praying_membership,
)
from intercession.forms import PrayerForm, PrayerNoteForm
from intercession.models import PrayerLog
from partnerships.access import get_request_for
from partnerships.models import PrayerRequest
from partnerships.selectors import coordinator_names
from partnerships.views.common import query_id


def new_key() -> str:
    return uuid.uuid4().hex


@login_required
@require_safe
def today(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_praying_membership(request, slug)
    since = services.daily_visit_touch(user=request.user, community=membership.community)
    daily = selectors.daily_list(membership, since=since, everything=_everything(request.GET))
    return render(
        request,
        "intercession/today.html",
        {
            "daily": daily,
            "today": timezone.localdate(),
            "new_key": new_key,
            "just_prayed": _just_prayed(request),
            # With nobody on the list, whom to ask for a place in a group.
            "coordinators": []
            if daily.cards or membership.is_coordinator
            else coordinator_names(membership.community),
        },
    )


def _everything(query) -> bool:
    """Whether the whole list was asked for (``?all=1``) rather than today's ten minutes."""
    return query.get("all") == "1"


def _just_prayed(request: AuthenticatedRequest) -> PrayerLog | None:
    """After a full-page “I prayed” (no JavaScript), the prayer to offer a note for."""
    pk = query_id(request.GET.get("prayed", ""))
    if pk is None:
        return None
    return PrayerLog.objects.filter(
        pk=pk, user=request.user, prayed_at__gte=timezone.now() - services.NOTE_EDIT_WINDOW
    ).first()


def _with_prayed(url: str, log: PrayerLog) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "prayed"] + [("prayed", log.pk)]
    anchor = f"request-{log.request_id}" if log.request_id else f"partner-prayer-{log.partner_id}"
    return urlunsplit(("", "", parts.path, urlencode(query), anchor))


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to go back to: a path of this site ("/c/…"), else ``fallback``. Never a bare word,
    which ``redirect`` would take for a view's name."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        return target
    return fallback


@login_required
@require_POST
def pray(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """One tap on “I prayed”. With htmx the card is swapped in place; without JavaScript the
    page reloads with a message."""
    membership = get_praying_membership(request, slug)
    form = PrayerForm(request.POST)
    back = _safe_next(request, reverse("intercession:today", args=[slug]))
    if not form.is_valid():
        return _refused(request, _errors(form), back, form)
    if exceeded(request, "pray", request.user.pk):
        return _refused(request, str(services.TOO_MANY_PRAYERS), back, form)
    data = form.cleaned_data
    prayer_request = None
    if data["request"]:
        prayer_request = get_request_for(membership, data["request"])
        partner = prayer_request.partner
    else:
        partner = get_prayable_partner(membership, data["partner"])
    try:
        log, created = services.prayer_log_create(
            user=request.user,
            partner=partner,
            prayer_request=prayer_request,
            note=data["note"],
            fasted=data["fasted"],
            share=data["share"],
            client_key=data["key"],
        )
    except ValidationError as error:
        return _refused(request, " ".join(error.messages), back, form)
    if request.htmx:
        card = _card(request, membership, log)
        # The progress line at the top changes too: sent along out of band.
        progress = render(
            request,
            "intercession/today.html#progress",
            {
                "daily": selectors.daily_progress(
                    membership, everything=_everything(dict(parse_qsl(urlsplit(back).query)))
                ),
                "oob": True,
            },
        )
        card.content += progress.content
        return card
    if created:
        messages.success(request, _("Amen. Your prayer is recorded."))
    return redirect(_with_prayed(back, log))


def _errors(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


def _refused(request, message: str, back: str, form) -> HttpResponse:
    if request.htmx:
        # Added under the card that was tapped, which stays as it was.
        response = render(
            request, "intercession/includes/prayer_refused.html", {"message": message}
        )
        response["HX-Reswap"] = "beforeend"
        return response
    messages.error(request, message)
    return redirect(back)


def _card(request, membership, log: PrayerLog) -> HttpResponse:
    """The card that was tapped, drawn again with the new count and a note form."""
    if log.request_id:
        prayer_request = selectors.requests_with_prayers(
            PrayerRequest.objects.filter(pk=log.request_id), request.user
        ).get()
        return render(
            request,
            "intercession/today.html#request-card",
            {
                "r": prayer_request,
                "just_prayed": log,
                "new_key": new_key,
                "next": request.POST.get("next", ""),
            },
        )
    return render(
        request,
        "intercession/today.html#partner-prayer",
        {
            "card": {"partner": log.partner, "prayed_today": True},
            "just_prayed": log,
            "new_key": new_key,
            "next": request.POST.get("next", ""),
        },
    )


@login_required
@require_POST
def prayer_note(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_praying_membership(request, slug)
    log = get_own_prayer(membership, pk)
    form = PrayerNoteForm(request.POST)
    back = _safe_next(request, reverse("intercession:record", args=[slug]))
    if not form.is_valid():
        return _refused(request, _errors(form), back, form)
    try:
        services.prayer_note_add(
            log=log,
            user=request.user,
            note=form.cleaned_data["note"],
            fasted=form.cleaned_data["fasted"],
            share=form.cleaned_data["share"],
        )
    except ValidationError as error:
        return _refused(request, " ".join(error.messages), back, form)
    if request.htmx:
        return render(request, "intercession/includes/note_saved.html", {"log": log})
    messages.success(request, _("Your note is kept with your prayer."))
    return redirect(back)


@login_required
@require_safe
def pray_through(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """One partner at a time, with a quiet ten-minute timer; a summary at the end."""
    membership = get_praying_membership(request, slug)
    daily = selectors.daily_list(membership)
    cards = sorted(daily.cards, key=lambda c: c.partner.name.lower())
    try:
        step = max(0, int(request.GET.get("step", 0)))
    except ValueError:
        step = 0
    started = request.GET.get("since") or timezone.now().isoformat()
    context = {
        "step": step,
        "total": len(cards),
        "since": started,
        "new_key": new_key,
        "just_prayed": _just_prayed(request),
    }
    if step < len(cards):
        card = cards[step]
        # The daily list brought each request's updates along.
        updates = [u for r in card.requests for u in r.updates.all()]
        updates.sort(key=lambda u: u.created_at, reverse=True)
        context.update(card=card, updates=updates[:5])
        return render(request, "intercession/pray_through.html", context)
    since = _started_at(started, request.user)
    prayed = list(selectors.prayer_log_list(membership).filter(prayed_at__gte=since))
    context.update(prayed=prayed, partners_prayed=len({log.partner_id for log in prayed}))
    return render(request, "intercession/pray_through_done.html", context)


def _started_at(value: str, user) -> datetime:
    """When this pray-through began, as carried in its links: a moment of the last day, or
    else the start of the person's day."""
    now = timezone.now()
    try:
        started = datetime.fromisoformat(value)
        if timezone.is_aware(started) and now - timedelta(days=1) <= started <= now:
            return started
    except (ValueError, OverflowError):
        pass
    return selectors.local_day_start(user)


@login_required
@require_safe
def record(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_praying_membership(request, slug)
    page = Paginator(selectors.prayer_log_list(membership), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "intercession/record.html",
        {
            "page": page,
            "days": selectors.prayer_days(list(page.object_list), ZoneInfo(request.user.time_zone)),
            "summary": selectors.prayer_record_summary(membership),
        },
    )
