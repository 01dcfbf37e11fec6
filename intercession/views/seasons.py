"""Seasons of prayer and fasting: the list, the season's page (its clock, the hours one holds,
the days' focus, what was prayed and answered), and the coordinators' forms."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedRequest
from intercession.access import get_own_season_hour, get_praying_membership, get_season_for
from intercession.models import Season, SeasonDay
from intercession.seasons import selectors, services
from intercession.seasons.forms import HourForm, SeasonDayForm, SeasonForm
from partnerships.access import get_coordinator_membership
from partnerships.models import Membership
from partnerships.views.common import add_errors


@login_required
@require_safe
def season_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_praying_membership(request, slug)
    return render(
        request,
        "intercession/seasons/season_list.html",
        {"entries": selectors.season_list(membership)},
    )


def _hour_form(season: Season, page: selectors.SeasonPage, membership: Membership, data=None):
    return HourForm(
        data,
        season=season,
        hours=page.hours,
        days=selectors.days_ahead(season, timezone.now()),
        zone=ZoneInfo(membership.user.time_zone),
    )


def _render_season(request, membership, season, form=None, status=200) -> HttpResponse:
    page = selectors.season_page(season, membership)
    if form is None:
        form = _hour_form(season, page, membership)
        hour = request.GET.get("hour", "")
        if hour.isdigit() and int(hour) < 24:
            form.initial["hour"] = int(hour)
    return render(
        request,
        "intercession/seasons/season_detail.html",
        {
            "season": season,
            "page": page,
            "form": form,
            "over": season.is_over(),
            "zone_differs": season.time_zone != membership.user.time_zone,
        },
        status=status,
    )


@login_required
@require_safe
def season_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_praying_membership(request, slug)
    season = get_season_for(membership, pk)
    return _render_season(request, membership, season)


@login_required
@require_POST
def season_hour_take(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_praying_membership(request, slug)
    season = get_season_for(membership, pk)
    page = selectors.season_page(season, membership)
    form = _hour_form(season, page, membership, data=request.POST)
    if form.is_valid():
        try:
            season_hour = services.season_hour_take(
                season=season, membership=membership, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            starts, ends = selectors.hour_label(
                season,
                season_hour.hour,
                season_hour.day or selectors.season_today(season) or season.starts_on,
                ZoneInfo(request.user.time_zone),
            )
            when = f"{formats.time_format(starts, 'H:i')}–{formats.time_format(ends, 'H:i')}"
            if season_hour.day is None:
                text = _("The hour %(when)s is yours, every day of the season.") % {"when": when}
            else:
                text = _("The hour %(when)s on %(day)s is yours.") % {
                    "when": when,
                    "day": formats.date_format(season_hour.day, _("l j F")),
                }
            messages.success(request, text)
            return redirect("intercession:season", slug=slug, pk=season.pk)
    return _render_season(request, membership, season, form=form, status=400)


@login_required
@require_POST
def season_hour_release(
    request: AuthenticatedRequest, slug: str, pk: int, hour_pk: int
) -> HttpResponse:
    membership = get_praying_membership(request, slug)
    season = get_season_for(membership, pk)
    season_hour = get_own_season_hour(season, request.user, hour_pk)
    services.season_hour_release(season_hour=season_hour, user=request.user)
    messages.success(request, _("You gave up that hour. Someone else may take it."))
    return redirect("intercession:season", slug=slug, pk=season.pk)


@login_required
@require_http_methods(["GET", "POST"])
def season_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    today = timezone.localdate()
    form = SeasonForm(
        request.POST or None,
        initial={
            "time_zone": membership.community.time_zone,
            "starts_on": today,
            "ends_on": date.fromordinal(today.toordinal() + 20),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            season = services.season_save(
                community=membership.community, created_by=request.user, fields=form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(title)s is declared. Give each day a focus.") % {"title": season.title},
            )
            return redirect("intercession:season", slug=slug, pk=season.pk)
    return render(request, "intercession/seasons/season_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def season_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_coordinator_membership(request, slug)
    season = get_season_for(membership, pk)
    form = SeasonForm(request.POST or None, instance=season)
    if request.method == "POST" and form.is_valid():
        try:
            services.season_save(
                community=membership.community,
                season=Season.objects.get(pk=season.pk),
                created_by=request.user,
                fields=form.cleaned_data,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Season saved."))
            return redirect("intercession:season", slug=slug, pk=season.pk)
    season.refresh_from_db()
    return render(
        request, "intercession/seasons/season_form.html", {"form": form, "season": season}
    )


@login_required
@require_http_methods(["GET", "POST"])
def season_day_edit(request: AuthenticatedRequest, slug: str, pk: int, number: int) -> HttpResponse:
    """The focus of the season's day ``number`` (1 is its first day)."""
    membership = get_coordinator_membership(request, slug)
    season = get_season_for(membership, pk)
    if not 1 <= number <= season.length:
        raise Http404
    day = season.days()[number - 1]
    focus = SeasonDay.objects.filter(season=season, day=day).first()
    form = SeasonDayForm(request.POST or None, instance=focus, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kept, kept_requests = [], []
        if focus is not None and not membership.sees_sensitive:
            # Sensitive partners (and their requests) this coordinator cannot see stay.
            kept = list(focus.partners.filter(sensitive=True))
            kept_requests = list(focus.requests.filter(partner__sensitive=True))
        try:
            services.season_day_save(
                season=season,
                day=day,
                focus=data["focus"],
                scripture=data["scripture"],
                partners=[*data["partners"], *kept],
                requests=[*data["requests"], *kept_requests],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The focus of day %(n)d is saved.") % {"n": number},
            )
            return redirect("intercession:season", slug=slug, pk=season.pk)
    return render(
        request,
        "intercession/seasons/season_day_form.html",
        {"form": form, "season": season, "day": day, "number": number},
    )
