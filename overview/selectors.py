"""Reads that span partnerships, intercession and testimonies, for the overview pages. Each
runs a fixed number of queries, however many partners or prayers there are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from intercession.models import IntercessorGroup, PrayerLog
from intercession.selectors import PrayerCounts, encouragement_list, partner_prayer_counts
from notifications.models import Delivery, DeliveryStatus, Preference
from partnerships.models import (
    CalendarFeed,
    CheckIn,
    Child,
    Invitation,
    Membership,
    Partner,
    PartnerStatus,
    PrayerRequest,
    RequestUpdate,
)
from partnerships.selectors import PartnerHealthState, partner_health
from testimonies.models import Testimony

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


def _count(rows: QuerySet, link: str) -> Coalesce:
    """How many of ``rows`` point at the outer row through ``link``, as one subquery."""
    counted = rows.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


@dataclass
class PartnerDeletion:
    """What deleting a partner's data takes with it, for the page that asks first."""

    requests: int
    updates: int
    checkins: int
    checkin_notes: int
    children: int
    prayers: int
    testimonies: int
    invitations: int


def partner_deletion_get(partner: Partner) -> PartnerDeletion:
    """Everything of ``partner`` that their deletion removes, counted in one query."""
    row = (
        Partner.objects.filter(pk=partner.pk)
        .annotate(
            n_requests=_count(PrayerRequest.objects.all(), "partner"),
            n_updates=_count(RequestUpdate.objects.all(), "request__partner"),
            n_checkins=_count(CheckIn.objects.all(), "partner"),
            n_checkin_notes=_count(
                CheckIn.objects.exclude(notes="", family_update="", group_summary=""), "partner"
            ),
            n_children=_count(Child.objects.all(), "partner"),
            n_prayers=_count(PrayerLog.objects.all(), "partner"),
            n_testimonies=_count(Testimony.objects.all(), "partner"),
            n_invitations=_count(Invitation.objects.all(), "partner"),
        )
        .values(
            "n_requests",
            "n_updates",
            "n_checkins",
            "n_checkin_notes",
            "n_children",
            "n_prayers",
            "n_testimonies",
            "n_invitations",
        )
        .get()
    )
    return PartnerDeletion(**{key.removeprefix("n_"): cast(int, n) for key, n in row.items()})


@dataclass
class AccountDeletion:
    """What deleting a person's account takes with it, for the page that asks first."""

    communities: list[str]
    prayers: int
    notes: int
    groups: int
    calendar_feed: bool
    reminder_settings: bool
    waiting_emails: int
    partner_profiles: int


def account_deletion_get(user: User) -> AccountDeletion:
    """Everything of ``user`` that deleting their account removes or anonymises, in two
    queries."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            n_prayers=_count(PrayerLog.objects.all(), "user"),
            n_notes=_count(PrayerLog.objects.exclude(note=""), "user"),
            n_groups=_count(IntercessorGroup.members.through.objects.all(), "user"),
            n_feeds=_count(CalendarFeed.objects.all(), "user"),
            n_preferences=_count(Preference.objects.all(), "user"),
            n_waiting=_count(
                Delivery.objects.filter(
                    status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
                ),
                "user",
            ),
            n_profiles=_count(Partner.objects.all(), "user"),
        )
        .values(
            "n_prayers",
            "n_notes",
            "n_groups",
            "n_feeds",
            "n_preferences",
            "n_waiting",
            "n_profiles",
        )
        .get()
    )
    return AccountDeletion(
        communities=list(
            Membership.objects.filter(user=user)
            .order_by("community__name")
            .values_list("community__name", flat=True)
        ),
        prayers=row["n_prayers"],
        notes=row["n_notes"],
        groups=row["n_groups"],
        calendar_feed=row["n_feeds"] > 0,
        reminder_settings=row["n_preferences"] > 0,
        waiting_emails=row["n_waiting"],
        partner_profiles=row["n_profiles"],
    )
