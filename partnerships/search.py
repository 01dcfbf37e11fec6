"""Search within one community: partners, prayer requests, their updates and check-in notes.

Each kind is one selector over what the member may already see (the same ``visible_to``
querysets the pages use), so a search never finds more than the pages show. On PostgreSQL it
is full-text search (``websearch`` syntax, the ``simple`` configuration: docs/decisions.md);
elsewhere (SQLite, the embedded default) every word of the query must appear, anywhere, in one
of the same fields (``icontains``). Each selector runs one query and returns at most
``PER_KIND`` rows, best first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict, TypeVar, cast

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery

from partnerships.models import (
    CheckIn,
    Child,
    Membership,
    Partner,
    PrayerRequest,
    RequestUpdate,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class SeesPartner(TypedDict):
    """Whether the member may open the partner's page, and so see their name."""

    sees_partner: bool


# The longest query we search for: enough for a sentence; longer is refused with a message.
MAX_QUERY = 200
# Rows shown per kind: enough to find the one meant, bounded whatever the community's size.
PER_KIND = 20
# No language's stemming or stop words: names, places and requests come in many languages.
CONFIG = "simple"
# At most this many words of a query are searched for on the fallback (each is a clause).
MAX_WORDS = 10

M = TypeVar("M", bound=Model)

PARTNER_FIELDS = ["name", "alias", "organisation", "role_title", "location", "spouse_name"]
REQUEST_FIELDS = ["text", "answer_note"]
UPDATE_FIELDS = ["text"]
CHECKIN_FIELDS = ["notes", "family_update", "group_summary"]

_PUNCTUATION = ".,;:!?()[]{}<>\"'“”‘’«»"


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Words:
    """The words of a query: those to find and those to leave out (``-word``), as
    PostgreSQL's ``websearch`` reads them; “or” joins alternatives there, and is no word."""

    wanted: list[str]
    unwanted: list[str] = field(default_factory=list)


def query_words(query: str) -> Words:
    wanted: list[str] = []
    unwanted: list[str] = []
    for token in query.split():
        excluded = token.startswith("-")
        word = token.lstrip("-").strip(_PUNCTUATION)
        if not word or word.lower() == "or":
            continue
        (unwanted if excluded else wanted).append(word)
    return Words(wanted[:MAX_WORDS], unwanted[:MAX_WORDS])


def _children_names() -> Subquery:
    """A partner's children's names, as one text for the partner's search vector."""
    return Subquery(
        Child.objects.filter(partner=OuterRef("pk"))
        .order_by()
        .values("partner")
        .annotate(names=StringAgg("name", " "))
        .values("names")
    )


def _full_text(rows: QuerySet, vector: SearchVector, query: str, also: Q | None = None) -> QuerySet:
    """Rows whose ``vector`` matches the query (or that match ``also``), best first."""
    search = SearchQuery(query, search_type="websearch", config=CONFIG)
    matching = Q(search=search)
    if also is not None:
        matching |= also
    return (
        rows.annotate(search=vector, rank=SearchRank(vector, search))
        .filter(matching)
        .order_by("-rank", "-pk")
    )


def _contains(fields: Sequence[str], word: str) -> Q:
    found = Q()
    for name in fields:
        found |= Q(**{f"{name}__icontains": word})
    return found


def _fallback(
    rows: QuerySet[M], fields: Sequence[str], query: str, extra: dict[str, QuerySet] | None = None
) -> QuerySet[M]:
    """Every wanted word in one of ``fields`` (or in ``extra``: a field of related rows, as
    ``{"pk__in": children.filter(name__icontains=...)}`` is built for each word), no unwanted
    word in any; newest first."""
    words = query_words(query)
    if not words.wanted:
        return rows.none()
    for word in words.wanted:
        rows = rows.filter(_contains(fields, word) | _extra(extra, word))
    for word in words.unwanted:
        rows = rows.exclude(_contains(fields, word) | _extra(extra, word))
    return rows.order_by("-pk")


def _extra(extra: dict[str, QuerySet] | None, word: str) -> Q:
    found = Q()
    for lookup, related in (extra or {}).items():
        found |= Q(**{lookup: related.filter(name__icontains=word).values("partner_id")})
    return found


def _chosen(full_text: bool | None) -> bool:
    return full_text_available() if full_text is None else full_text


def partner_search(
    membership: Membership, query: str, *, full_text: bool | None = None
) -> list[Partner]:
    """Partners the member may see, by name, alias, organisation, role, place, spouse or
    children's names."""
    partners = Partner.objects.visible_to(membership)
    if _chosen(full_text):
        vector = SearchVector(*PARTNER_FIELDS, _children_names(), config=CONFIG)
        # Whole words are what full-text search matches; a name is also found by its start
        # (“Tom” finds Tomasz), as people look partners up.
        also = Q(name__icontains=query) | Q(alias__icontains=query)
        found = _full_text(partners, vector, query, also)
    else:
        found = _fallback(partners, PARTNER_FIELDS, query, {"pk__in": Child.objects.all()})
    return list(found[:PER_KIND])


def _with_partner_seen(rows: QuerySet, membership: Membership, link: str) -> QuerySet:
    """``sees_partner`` on each row: whether the member may open its partner's page (and so
    see their name). A request shared with the whole community reaches intercessors whose
    groups did not adopt its partner: they see it under the partner's public name."""
    visible = Partner.objects.visible_to(membership).filter(pk=OuterRef(link))
    return rows.annotate(sees_partner=Exists(visible))


def prayer_request_search(
    membership: Membership, query: str, *, full_text: bool | None = None
) -> list[WithAnnotations[PrayerRequest, SeesPartner]]:
    """Prayer requests the member may see, by their text or what happened (the answer); none
    held for review (coordinators find those in their review queue)."""
    requests = _with_partner_seen(
        PrayerRequest.objects.visible_to(membership).released().select_related("partner"),
        membership,
        "partner_id",
    )
    if _chosen(full_text):
        found = _full_text(requests, SearchVector(*REQUEST_FIELDS, config=CONFIG), query)
    else:
        found = _fallback(requests, REQUEST_FIELDS, query)
    return cast("list[WithAnnotations[PrayerRequest, SeesPartner]]", list(found[:PER_KIND]))


def request_update_search(
    membership: Membership, query: str, *, full_text: bool | None = None
) -> list[WithAnnotations[RequestUpdate, SeesPartner]]:
    """Updates on the prayer requests the member may see."""
    updates = _with_partner_seen(
        RequestUpdate.objects.filter(
            request__in=PrayerRequest.objects.visible_to(membership).released().values("pk")
        ).select_related("request__partner"),
        membership,
        "request__partner_id",
    )
    if _chosen(full_text):
        found = _full_text(updates, SearchVector(*UPDATE_FIELDS, config=CONFIG), query)
    else:
        found = _fallback(updates, UPDATE_FIELDS, query)
    return cast("list[WithAnnotations[RequestUpdate, SeesPartner]]", list(found[:PER_KIND]))


def checkin_search(
    membership: Membership, query: str, *, full_text: bool | None = None
) -> list[CheckIn]:
    """Check-ins by their notes, family news and what was passed on to the groups: notes stay
    with coordinators, so nobody else finds any."""
    if not membership.is_coordinator:
        return []
    checkins = CheckIn.objects.visible_to(membership).select_related("partner")
    if _chosen(full_text):
        found = _full_text(checkins, SearchVector(*CHECKIN_FIELDS, config=CONFIG), query)
    else:
        found = _fallback(checkins, CHECKIN_FIELDS, query)
    return list(found[:PER_KIND])


def hidden_alias_search(membership: Membership, query: str) -> list[str]:
    """The aliases of the sensitive partners the member is kept from until they turn on
    two-factor sign-in (``Partner.objects.kept_from``) that the query names: found by alias
    only, never by their name, place or requests."""
    words = query_words(query)
    if not words.wanted:
        return []
    kept = Partner.objects.kept_from(membership)
    for word in words.wanted:
        kept = kept.filter(alias__icontains=word)
    return list(kept.order_by("alias").values_list("alias", flat=True)[:PER_KIND])


@dataclass
class SearchResults:
    query: str
    words: list[str]
    partners: list[Partner]
    requests: list[WithAnnotations[PrayerRequest, SeesPartner]]
    updates: list[WithAnnotations[RequestUpdate, SeesPartner]]
    checkins: list[CheckIn]
    hidden: list[str]

    @property
    def found(self) -> bool:
        return bool(self.partners or self.requests or self.updates or self.checkins or self.hidden)


def search(membership: Membership, query: str, *, full_text: bool | None = None) -> SearchResults:
    """Everything the member may see that ``query`` finds, by kind: five queries at most."""
    return SearchResults(
        query=query,
        words=query_words(query).wanted,
        partners=partner_search(membership, query, full_text=full_text),
        requests=prayer_request_search(membership, query, full_text=full_text),
        updates=request_update_search(membership, query, full_text=full_text),
        checkins=checkin_search(membership, query, full_text=full_text),
        hidden=hidden_alias_search(membership, query),
    )


def highlight_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for the words to mark in a result, longest first."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
