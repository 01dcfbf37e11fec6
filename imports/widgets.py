"""How a spreadsheet cell becomes a field's value: django-import-export widgets that accept
what people type and, when they cannot, say why in words a coordinator can act on (the
message becomes the row's problem in the preview)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from dateutil import parser as date_parser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import widgets

from accounts.timezones import time_zone_names
from imports.columns import plain
from partnerships.models import PartnerKind

# Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers from 1 January 1900 to the end of 2199: anything else is not a date.
EXCEL_SERIALS = range(1, 109_574)
OLDEST_CHILD = 80


class TextWidget(widgets.Widget):
    """Text, trimmed, with runs of spaces made one; ``required`` says what is missing."""

    def __init__(self, *, missing: str = "", **kwargs):
        super().__init__(**kwargs)
        self.missing = missing

    def clean(self, value, row=None, **kwargs) -> str:
        text = " ".join(str(value or "").split())
        if not text and self.missing:
            raise ValueError(self.missing)
        return text


class EmailWidget(TextWidget):
    """An address, in lower case (“Anna.Nowak@Example.ORG ” is anna.nowak@example.org)."""

    def clean(self, value, row=None, **kwargs) -> str:
        email = super().clean(value, row, **kwargs).lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValueError(
                    _("“%(value)s” is not an email address.") % {"value": email}
                ) from None
        return email


class KindWidget(widgets.Widget):
    """A partner's kind by its value or its label, in any case (“Church planter”,
    “church_planter”); a few common words too (“business” is a marketplace leader). Empty:
    other."""

    WORDS = {
        "business": PartnerKind.MARKETPLACE,
        "business leader": PartnerKind.MARKETPLACE,
        "marketplace": PartnerKind.MARKETPLACE,
        "planter": PartnerKind.CHURCH_PLANTER,
        "minister": PartnerKind.PASTOR,
        "ministry": PartnerKind.MINISTRY_LEADER,
        "leader": PartnerKind.MINISTRY_LEADER,
        "missionaries": PartnerKind.MISSIONARY,
    }

    def clean(self, value, row=None, **kwargs) -> str:
        text = plain(str(value or ""))
        if not text:
            return PartnerKind.OTHER
        for kind in PartnerKind:
            if text in (plain(kind.value), plain(str(kind.label))):
                return kind.value
        if text in self.WORDS:
            return self.WORDS[text].value
        raise ValueError(
            _("“%(value)s” is not a kind we know. Use one of: %(kinds)s.")
            % {
                "value": str(value).strip(),
                "kinds": ", ".join(str(kind.label).lower() for kind in PartnerKind),
            }
        )


class TimeZoneWidget(widgets.Widget):
    """A time zone name in any case (“europe/warsaw”); empty: the community's."""

    def __init__(self, *, default: str, **kwargs):
        super().__init__(**kwargs)
        self.default = default
        self.names = {name.lower(): name for name in time_zone_names()}

    def clean(self, value, row=None, **kwargs) -> str:
        text = str(value or "").strip().replace(" ", "_")
        if not text:
            return self.default
        name = self.names.get(text.lower())
        if name is None:
            raise ValueError(
                _("“%(value)s” is not a time zone we know. Use a name like Europe/Warsaw.")
                % {"value": str(value).strip()}
            )
        return name


class SpreadsheetDateWidget(widgets.Widget):
    """A date as spreadsheets hold them: 2019-05-01, 1/5/2019, 1 May 2019, an Excel serial
    number (43586), or a real date from a workbook. Day and month in a slashed date are read
    the community's way round (``dayfirst``)."""

    def __init__(self, *, dayfirst: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.dayfirst = dayfirst

    def clean(self, value, row=None, **kwargs) -> date | None:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        if re.fullmatch(r"\d{1,6}(\.0+)?", text):
            serial = int(float(text))
            if serial in EXCEL_SERIALS:
                return EXCEL_EPOCH + timedelta(days=serial)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}( .*)?", text):
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                pass
        else:
            try:
                return date_parser.parse(text, dayfirst=self.dayfirst, fuzzy=False).date()
            except (ValueError, OverflowError):
                pass
        raise ValueError(
            _("“%(value)s” is not a date we can read. Write it like 2019-05-01.") % {"value": text}
        )


class YesNoWidget(widgets.Widget):
    """Yes or no, as people write it (yes, y, x, true, 1, ✓ / no, n, false, 0, empty)."""

    YES = {"yes", "y", "x", "true", "1", "✓", "✔", "ja", "oui", "si", "sí"}
    NO = {"no", "n", "false", "0", "", "-", "nein", "non"}

    def clean(self, value, row=None, **kwargs) -> bool:
        text = str(value or "").strip().lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": str(value).strip()})


# A name, then a four-digit year (in brackets or after a comma too), then a separator.
CHILD = re.compile(r"\s*([^\d;,/()&]+?)\s*[,(]?\s*(\d{4})\s*\)?\s*(?:[;,/&]|\band\b|$)")


def parse_children(text: str) -> list[tuple[str, int]]:
    """“Micah 2018; Ruth (2021)”, “Micah 2018, Ruth 2021” or one per line: each child's name
    and birth year. ValueError, saying how to write it, for anything else."""
    text = " ".join(text.split())
    if not text:
        return []
    this_year = timezone.localdate().year
    children = []
    pairs = CHILD.findall(text)
    if not pairs or re.search(r"\w", CHILD.sub(" ", text)):
        raise ValueError(_("Write each child's name and birth year, like “Micah 2018; Ruth 2021”."))
    for name, year in pairs:
        birth_year = int(year)
        if not this_year - OLDEST_CHILD <= birth_year <= this_year:
            raise ValueError(
                _("%(year)d is not a birth year we can take for %(name)s.")
                % {"year": birth_year, "name": name.strip()}
            )
        children.append((name.strip()[:80], birth_year))
    return children
