import zoneinfo
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    """The days of a person's week, numbered as ``date.weekday()`` does."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


@cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


_REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


@cache
def canonical_time_zone_names() -> tuple[str, ...]:
    """The zones worth offering in a list: regional names, plus UTC. Old aliases such as
    "US/Eastern" or "W-SU" stay valid but are not offered."""
    return ("UTC", *(name for name in time_zone_names() if name.startswith(_REGIONS)))


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in canonical_time_zone_names()]


def zone_city(name: str) -> str:
    """“Tokyo” for Asia/Tokyo, “New York” for America/New_York: how a zone is named in a
    sentence."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


def time_zone_choices_keeping(current: str) -> list[tuple[str, str]]:
    """The offered zones, plus ``current`` if it is an older alias a browser gave us
    (Asia/Calcutta), so a person's saved zone stays selectable."""
    choices = time_zone_choices()
    if current and current not in canonical_time_zone_names():
        return [(current, current), *choices]
    return choices


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone we know. Pick one such as Europe/London."),
            code="invalid_time_zone",
            params={"value": value},
        )


def local_to_aware(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in ``zone``: an ambiguous time takes its first occurrence, a time
    that does not exist (spring forward) moves forward by the gap."""
    # With fold=0 zoneinfo reads a gap time with the offset from before the gap, which lands
    # it after the gap once normalised through UTC; an ambiguous time gets its first offset.
    return naive.replace(tzinfo=zone, fold=0).astimezone(ZoneInfo("UTC")).astimezone(zone)
