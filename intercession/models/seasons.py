"""Seasons of prayer and fasting: a community prays around the clock for a number of days,
each day with a focus, each hour of the day held by someone who signed up for it.

The chain's twenty-four hours are hours of the season's own clock (its time zone, the
community's by default): hour 3 is 03:00–04:00 there on each day of the season, whatever the
zone of the person who holds it; pages show it in the reader's own time. On a day the clocks
change there, the missing hour starts when the clocks resume and a repeated one is its first
occurrence (the same rule as every other wall-clock time in the app).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.timezones import local_to_aware, validate_time_zone
from partnerships.models import Community, Partner, PrayerRequest

HOURS = range(24)
UTC = ZoneInfo("UTC")


class SeasonQuerySet(models.QuerySet["Season"]):
    def visible_to(self, membership) -> SeasonQuerySet:
        """Everyone who prays in the community sees its seasons; partners are prayed for."""
        if not membership.prays:
            return self.none()
        return self.filter(community_id=membership.community_id)


class Season(models.Model):
    """Days of prayer and fasting around the clock (“from the rising of the sun to its
    setting”), e.g. twenty-one days, or the week before a partner's big decision."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="seasons")
    title = models.CharField(_("title"), max_length=120)
    purpose = models.TextField(_("why we pray"), max_length=2000, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SeasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("season of prayer")
        verbose_name_plural = _("seasons of prayer")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="season_ends_after_start",
                violation_error_message=_("The last day comes on or after the first."),
            ),
        ]

    def __str__(self) -> str:
        # Not the title: a coordinator may have named a sensitive partner in it, and str()
        # ends up in logs and admin lists.
        return f"Season #{self.pk}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def length(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    def days(self) -> list[date]:
        return [self.starts_on + timedelta(days=n) for n in range(self.length)]

    def hour_start(self, day: date, hour: int) -> datetime:
        """In UTC: Python compares and subtracts two datetimes of one zone by their wall
        clocks, which is wrong across a change of the clocks."""
        return local_to_aware(datetime.combine(day, time(hour)), self.zone).astimezone(UTC)

    def hour_end(self, day: date, hour: int) -> datetime:
        """The next hour's start: a missing or repeated hour is as long as the clocks make it."""
        if hour == 23:
            return self.hour_start(day + timedelta(days=1), 0)
        return self.hour_start(day, hour + 1)

    @property
    def begins_at(self) -> datetime:
        return self.hour_start(self.starts_on, 0)

    @property
    def finishes_at(self) -> datetime:
        return self.hour_start(self.ends_on + timedelta(days=1), 0)

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def is_over(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.finishes_at

    def has_begun(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.begins_at

    def state(self, now: datetime | None = None) -> str:
        """“running”, “coming” or “over”."""
        now = now or timezone.now()
        return "over" if self.is_over(now) else "running" if self.has_begun(now) else "coming"


class SeasonDay(models.Model):
    """What a season prays for on one of its days: a focus, a scripture, partners."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="focus_days")
    day = models.DateField(_("day"))
    focus = models.CharField(_("focus"), max_length=200, blank=True)
    scripture = models.CharField(_("scripture"), max_length=200, blank=True)
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="+", verbose_name=_("partners to pray for")
    )
    requests = models.ManyToManyField(
        PrayerRequest, blank=True, related_name="+", verbose_name=_("requests to pray for")
    )

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["season", "day"], name="season_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.season} on {self.day}"


class SeasonHour(models.Model):
    """Someone's hour in a season's chain: ``hour`` of the season's clock on one day of the
    season, or on every day when ``day`` is empty. ``remind_at`` is when they next hear of it
    (a little before it begins); empty once the last one has gone."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="hours")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="season_hours"
    )
    hour = models.PositiveSmallIntegerField(_("hour"), validators=[MaxValueValidator(23)])
    day = models.DateField(_("day"), null=True, blank=True)
    fasting = models.BooleanField(_("I will fast"), default=False)
    remind_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["hour", "day"]
        constraints = [
            models.UniqueConstraint(
                fields=["season", "user", "hour"],
                condition=Q(day__isnull=True),
                name="season_hour_every_day_once",
            ),
            models.UniqueConstraint(
                fields=["season", "user", "hour", "day"],
                condition=Q(day__isnull=False),
                name="season_hour_one_day_once",
            ),
            models.CheckConstraint(condition=Q(hour__lte=23), name="season_hour_of_the_day"),
        ]

    def __str__(self) -> str:
        return f"Hour {self.hour} of season #{self.season_id} for user #{self.user_id}"

    def days(self) -> list[date]:
        """The days of the season this hour is held."""
        if self.day is not None:
            return [self.day]
        return self.season.days()

    def occurrences(self) -> Iterator[tuple[date, datetime, datetime]]:
        """Each (day, start, end) this hour is held, but for the hour the clocks skip on the
        day they go forward (it begins and ends at the same instant)."""
        for day in self.days():
            start = self.season.hour_start(day, self.hour)
            end = self.season.hour_end(day, self.hour)
            if start < end:
                yield day, start, end
