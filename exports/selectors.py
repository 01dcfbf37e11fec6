"""What the export page tells before a download: how much each file will hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from exports.scope import Scope
from exports.tables import of_partners
from intercession.models import GroupMeeting, IntercessorGroup, PrayerLog
from partnerships.models import CheckIn, Community, Membership, Partner, PrayerRequest
from testimonies.models import Testimony


@dataclass
class ExportSummary:
    members: int
    partners: int
    requests: int
    checkins: int
    groups: int
    meetings: int
    prayers: int
    testimonies: int
    left_out: int


def _count(rows: QuerySet, path: str) -> Coalesce:
    """How many of ``rows`` belong to the community of the outer query (``path`` leads from a
    row to its community), as a subquery of it."""
    counted = (
        rows.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def export_summary(scope: Scope) -> ExportSummary:
    """Every count in one query."""
    community = scope.community
    members = Membership.objects.all()
    if not scope.include_sensitive:
        members = members.exclude(
            user__partner_profiles__in=Partner.objects.filter(community=community, sensitive=True)
        )
    row = (
        Community.objects.filter(pk=community.pk)
        .annotate(
            members_count=_count(members, "community"),
            partners_count=_count(scope.partners(), "community"),
            requests_count=_count(
                of_partners(PrayerRequest.objects, "partner", scope), "partner__community"
            ),
            checkins_count=_count(
                of_partners(CheckIn.objects, "partner", scope), "partner__community"
            ),
            groups_count=_count(IntercessorGroup.objects.all(), "community"),
            meetings_count=_count(GroupMeeting.objects.all(), "group__community"),
            prayers_count=_count(of_partners(PrayerLog.objects, "partner", scope), "community"),
            testimonies_count=_count(
                of_partners(Testimony.objects, "partner", scope), "partner__community"
            ),
            left_out_count=_count(Partner.objects.filter(sensitive=True), "community"),
        )
        .values(
            "members_count",
            "partners_count",
            "requests_count",
            "checkins_count",
            "groups_count",
            "meetings_count",
            "prayers_count",
            "testimonies_count",
            "left_out_count",
        )
        .get()
    )
    counts: dict[str, Any] = {name.removesuffix("_count"): n for name, n in row.items()}
    if scope.include_sensitive:
        counts["left_out"] = 0
    return ExportSummary(**counts)
