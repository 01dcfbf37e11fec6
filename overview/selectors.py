"""Reads that span partnerships, intercession and testimonies, for the overview pages. Each
runs a fixed number of queries, however many partners or prayers there are."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from intercession.selectors import PrayerCounts, encouragement_list, partner_prayer_counts
from partnerships.models import Membership, Partner, PartnerStatus, PrayerRequest
from partnerships.selectors import PartnerHealthState, partner_health

if TYPE_CHECKING:
    from datetime import date

    from django_stubs_ext import WithAnnotations

STATE_ORDER = {"overdue": 0, "due": 1, "ok": 2, "scheduled": 3, "inactive": 4}


class DashboardRow(PartnerHealthState):
    """A dashboard partner: its health and its prayer ``activity``."""

    activity: PrayerCounts


def dashboard_rows(
    membership: Membership, *, kind: str = "", status: str = ""
) -> list[WithAnnotations[Partner, DashboardRow]]:
    """The coordinator's partners with their health and prayers, overdue check-ins first."""
    partners = Partner.objects.visible_to(membership)
    if kind:
        partners = partners.filter(kind=kind)
    if status:
        partners = partners.filter(status=status)
    # Typed with activity already: the loop below sets it on every row.
    rows = cast(
        "list[WithAnnotations[Partner, DashboardRow]]", partner_health(partners, membership)
    )
    activity = partner_prayer_counts([p.pk for p in rows])
    for partner in rows:
        partner.activity = activity[partner.pk]
    rows.sort(key=lambda p: (STATE_ORDER[p.checkin_state], p.name.lower()))
    return rows


def dashboard_totals(
    rows: list[WithAnnotations[Partner, DashboardRow]], months: list[tuple[date, int]]
) -> dict[str, int]:
    return {
        "partners": sum(1 for p in rows if p.status == PartnerStatus.ACTIVE),
        "kept": sum(1 for p in rows if p.checkin_state in {"ok", "scheduled"}),
        "needing": sum(1 for p in rows if p.checkin_state in {"due", "overdue"}),
        "answered": sum(n for _month, n in months),
        "stale": sum(p.stale_requests for p in rows),
    }


def request_testimony_list(membership: Membership, prayer_request: PrayerRequest) -> list:
    """The published testimonies of this request that this member may read."""
    return list(prayer_request.testimonies.visible_to(membership).published().order_by("pk"))


def request_encouragement_list(membership: Membership, prayer_request: PrayerRequest) -> list:
    """What intercessors shared about this request: for the partner and coordinators only."""
    if not (membership.is_partner or membership.is_coordinator):
        return []
    return encouragement_list(prayer_request.partner, prayer_request)


def sees_partner(membership: Membership, prayer_request: PrayerRequest) -> bool:
    """A community-wide request reaches intercessors whose groups did not adopt the partner:
    they see the request, not the partner's page or real name."""
    return Partner.objects.visible_to(membership).filter(pk=prayer_request.partner_id).exists()
