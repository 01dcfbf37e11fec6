"""The weekly prayer guide on paper: a group's week (``selectors.group_week``) made fit to
leave the building. Paper is read by whoever picks it up, so it carries only what the group
prays for together (no coordinators-only request) and a security-sensitive partner by alias
alone: no name, family, place or request text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from intercession.models import IntercessorGroup
from intercession.selectors import group_week
from partnerships.models import (
    CheckIn,
    Membership,
    Partner,
    PartnerStatus,
    PrayerRequest,
    RequestUpdate,
    Visibility,
)


@dataclass
class GuidePartner:
    """One partner as the guide prints them. For a sensitive partner only ``name`` (the
    alias) is set."""

    name: str
    sensitive: bool = False
    kind: str = ""
    place: str = ""
    family: str = ""
    requests: list[PrayerRequest] = field(default_factory=list)


@dataclass
class Guide:
    week_of: date
    partners: list[GuidePartner]
    answered: list[PrayerRequest]
    checkin_news: list[CheckIn]
    new_requests: list[PrayerRequest]
    updates: list[RequestUpdate]


def _for_paper(prayer_request: PrayerRequest) -> bool:
    return (
        prayer_request.visibility != Visibility.COORDINATORS
        and not prayer_request.partner.sensitive
    )


def group_guide(group: IntercessorGroup, membership: Membership, week_of: date) -> Guide:
    """The group's partners with their families and this week's requests, as the group's page
    shows them, for paper: the queries of ``group_week`` and one more for the sensitive
    partners the member is kept from (they are on the group's paper too, by alias)."""
    week = group_week(group, membership)
    partners: list[GuidePartner] = []
    for partner in week["partners"]:
        if partner.sensitive:
            partners.append(GuidePartner(name=partner.alias, sensitive=True))
            continue
        partners.append(
            GuidePartner(
                name=partner.name,
                kind=partner.get_kind_display(),
                place=partner.location,
                family=partner.family_labelled,
                requests=[r for r in partner.week_requests if _for_paper(r)],
            )
        )
    kept = (
        Partner.objects.kept_from(membership)
        .filter(intercessor_groups=group, status=PartnerStatus.ACTIVE)
        .values_list("alias", flat=True)
    )
    partners += [GuidePartner(name=alias, sensitive=True) for alias in kept]
    partners.sort(key=lambda p: p.name.lower())
    return Guide(
        week_of=week_of,
        partners=partners,
        answered=[r for r in week["answered"] if _for_paper(r)],
        checkin_news=[c for c in week["checkin_news"] if not c.partner.sensitive],
        new_requests=[r for r in week["new_requests"] if _for_paper(r)],
        updates=[u for u in week["updates"] if _for_paper(u.request)],
    )
