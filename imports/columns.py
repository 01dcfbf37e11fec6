"""What each kind of import can fill in, and a first guess at which column is which."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from imports.models import ImportKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Column:
    field: str
    label: StrOrPromise
    # Headings people use for it, compared without case, accents or punctuation.
    headings: tuple[str, ...]
    required: bool = False
    help: StrOrPromise = ""


PARTNER_COLUMNS = (
    Column(
        "name",
        _("Name"),
        ("name", "full name", "partner", "partner name", "missionary", "contact", "who"),
        required=True,
    ),
    Column(
        "kind",
        _("Kind"),
        ("kind", "type", "category", "partner type", "kind of partner"),
        help=_("Missionary, marketplace leader, pastor, church planter, ministry leader, other."),
    ),
    Column(
        "organisation",
        _("Organisation"),
        ("organisation", "organization", "org", "agency", "mission", "sending agency", "church"),
    ),
    Column("role_title", _("Role"), ("role", "title", "position", "job", "job title")),
    Column(
        "location",
        _("Location"),
        ("location", "place", "city", "country", "where", "based in", "field", "region"),
    ),
    Column(
        "time_zone",
        _("Time zone"),
        ("time zone", "timezone", "tz", "zone"),
        help=_("Like Europe/Warsaw. Empty: the community's time zone."),
    ),
    Column("email", _("Email"), ("email", "e mail", "email address", "mail")),
    Column("spouse_name", _("Spouse"), ("spouse", "spouse name", "wife", "husband", "married to")),
    Column(
        "children",
        _("Children"),
        ("children", "kids", "children birth years", "children and birth years"),
        help=_("Names with birth years, like “Micah 2018; Ruth 2021”."),
    ),
    Column(
        "partnership_started",
        _("Partnership started"),
        ("partnership started", "started", "since", "start date", "partner since", "start"),
    ),
    Column("life_notes", _("Life notes"), ("life notes", "notes", "note", "comments", "about")),
    Column(
        "sensitive",
        _("Security-sensitive"),
        ("sensitive", "security sensitive", "security", "creative access", "restricted"),
        help=_("Yes or no."),
    ),
    Column(
        "alias",
        _("Alias"),
        ("alias", "code name", "public name", "safe name"),
        help=_("Required for a security-sensitive partner, like “A. in Central Asia”."),
    ),
)

INTERCESSOR_COLUMNS = (
    Column("name", _("Name"), ("name", "full name", "intercessor", "person", "who")),
    Column("email", _("Email"), ("email", "e mail", "email address", "mail"), required=True),
    Column(
        "group",
        _("Group"),
        ("group", "prayer group", "weekly group", "intercessor group", "team"),
        help=_("The name of one of your weekly groups."),
    ),
)


def columns_for(kind: str) -> tuple[Column, ...]:
    return PARTNER_COLUMNS if kind == ImportKind.PARTNERS else INTERCESSOR_COLUMNS


def plain(text: str) -> str:
    """“E-Mail Address ” → “e mail address”: for comparing headings."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def guess_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """Each heading's likeliest field ("" for none), each field given to one heading at most:
    exact names first, then headings that contain a name (“Email (work)”)."""
    columns = columns_for(kind)
    mapping = dict.fromkeys(headers, "")
    taken: set[str] = set()
    plain_headers = {header: plain(header) for header in headers}
    for exact in (True, False):
        for header, text in plain_headers.items():
            if mapping[header] or not text:
                continue
            for column in columns:
                if column.field in taken:
                    continue
                names = (*column.headings, plain(str(column.label)))
                found = text in names if exact else any(_contains(text, n) for n in names)
                if found:
                    mapping[header] = column.field
                    taken.add(column.field)
                    break
    return mapping


def _contains(text: str, name: str) -> bool:
    return f" {name} " in f" {text} "
