"""Writes of seasons of prayer: a season and its days' focus (coordinators), and the hours of
its chain that people take and give up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from intercession.models import Season, SeasonDay, SeasonHour
from partnerships.models import Community, Membership, Partner, PrayerRequest

# A season is days, not months: forty days (Lent, Moses, Elijah) is the longest offered.
MAX_DAYS = 40
# When the reminder of an hour goes, before the hour begins.
REMIND_BEFORE = timedelta(minutes=15)


def next_reminder(season_hour: SeasonHour, after: datetime) -> datetime | None:
    """When the holder of this hour is next reminded of it, strictly after ``after``; None
    when no hour of theirs is left. An hour the clocks skip on its day is not reminded of."""
    for _day, start, _end in season_hour.occurrences():
        if start - REMIND_BEFORE > after:
            return start - REMIND_BEFORE
    return None


def _reschedule(season: Season, now: datetime) -> None:
    hours = list(season.hours.all())
    for season_hour in hours:
        season_hour.season = season
        season_hour.remind_at = next_reminder(season_hour, now)
    SeasonHour.objects.bulk_update(hours, ["remind_at"], batch_size=500)


@transaction.atomic
def season_save(
    *,
    community: Community,
    season: Season | None = None,
    created_by: User,
    fields: dict[str, Any],
) -> Season:
    """Declare a season, or change one. Days taken out of it lose their focus and the hours
    held on them; every reminder moves with the days and the clock."""
    if season is None:
        season = Season(community=community, created_by=created_by)
    for name, value in fields.items():
        setattr(season, name, value)
    starts_on, ends_on = season.starts_on, season.ends_on
    if starts_on and ends_on:
        if ends_on < starts_on:
            raise ValidationError({"ends_on": _("The last day comes on or after the first.")})
        if (ends_on - starts_on).days + 1 > MAX_DAYS:
            raise ValidationError(
                {"ends_on": _("A season lasts at most %(days)d days.") % {"days": MAX_DAYS}}
            )
    season.full_clean()
    season.save()
    season.focus_days.exclude(day__range=(starts_on, ends_on)).delete()
    season.hours.filter(day__isnull=False).exclude(day__range=(starts_on, ends_on)).delete()
    _reschedule(season, timezone.now())
    return season


@transaction.atomic
def season_day_save(
    *,
    season: Season,
    day: date,
    focus: str,
    scripture: str,
    partners: Iterable[Partner],
    requests: Iterable[PrayerRequest] = (),
) -> SeasonDay:
    if not season.starts_on <= day <= season.ends_on:
        raise ValidationError(_("That day is not in the season."))
    partners, requests = list(partners), list(requests)
    if any(p.community_id != season.community_id for p in partners):
        raise ValidationError({"partners": _("Choose partners of this community.")})
    if requests and Partner.objects.filter(pk__in={r.partner_id for r in requests}).exclude(
        community_id=season.community_id
    ):
        raise ValidationError({"requests": _("Choose requests of this community's partners.")})
    focus_day, _created = SeasonDay.objects.update_or_create(
        season=season, day=day, defaults={"focus": focus.strip(), "scripture": scripture.strip()}
    )
    focus_day.partners.set(partners)
    focus_day.requests.set(requests)
    return focus_day


def season_hour_take(
    *,
    season: Season,
    membership: Membership,
    hour: int,
    day: date | None,
    fasting: bool,
) -> SeasonHour:
    """Take ``hour`` of the season's clock on ``day`` (every day when None). Taking an hour one
    already holds again changes only whether one fasts."""
    if not membership.prays or membership.community_id != season.community_id:
        raise PermissionDenied
    if not 0 <= hour <= 23:
        raise ValidationError({"hour": _("Choose one of the twenty-four hours.")})
    if day is not None and not season.starts_on <= day <= season.ends_on:
        raise ValidationError({"day": _("That day is not in the season.")})
    now = timezone.now()
    if season.is_over(now):
        raise ValidationError(_("This season is over; its hours can no longer be taken."))
    season_hour = SeasonHour(
        season=season, user_id=membership.user_id, hour=hour, day=day, fasting=fasting
    )
    if day is not None and season.hour_end(day, hour) <= now:
        raise ValidationError({"hour": _("That hour has already passed.")})
    season_hour.remind_at = next_reminder(season_hour, now)
    try:
        with transaction.atomic():
            season_hour.save()
    except IntegrityError:
        # Already held (a second tap, or a second tab): keep it, with this answer on fasting.
        season_hour = SeasonHour.objects.get(
            season=season, user_id=membership.user_id, hour=hour, day=day
        )
        SeasonHour.objects.filter(pk=season_hour.pk).update(fasting=fasting)
        season_hour.fasting = fasting
    return season_hour


def season_hour_release(*, season_hour: SeasonHour, user: User) -> None:
    """Give up an hour: only its holder may."""
    if season_hour.user_id != user.pk:
        raise PermissionDenied
    season_hour.delete()


def season_hours_leave(membership: Membership) -> None:
    """When someone leaves a community (registered with ``membership_ended_register``): the
    hours they held in its seasons are open again."""
    SeasonHour.objects.filter(
        user_id=membership.user_id, season__community_id=membership.community_id
    ).delete()
