"""Loaders for the intercession app; see partnerships/access.py for the pattern."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.http import AuthenticatedRequest
from accounts.models import User
from intercession.models import IntercessorGroup, PrayerLog, Season, SeasonHour
from partnerships.access import get_membership
from partnerships.models import PRAYING_ROLES, Membership, Partner, PrayerRequest
from partnerships.models.partners import PartnerQuerySet


def get_praying_membership(request: AuthenticatedRequest, slug: str) -> Membership:
    """Coordinators and intercessors pray; partners are prayed for."""
    return get_membership(request, slug, roles=PRAYING_ROLES)


def get_group_for(membership: Membership, pk: int) -> IntercessorGroup:
    return get_object_or_404(IntercessorGroup.objects.visible_to(membership), pk=pk)


def get_prayable_partner(membership: Membership, pk: int) -> Partner:
    """A partner one may pray for as a whole: one they can see, or one with a community-wide
    request they can see."""
    visible = Partner.objects.visible_to(membership).values("pk")
    via_requests = PrayerRequest.objects.visible_to(membership).active().values("partner_id")
    partners = Partner.objects.filter(community_id=membership.community_id).filter(
        Q(pk__in=visible) | Q(pk__in=via_requests)
    )
    return get_object_or_404(partners, pk=pk)


def get_link_target(user_id: int, request_id: int) -> tuple[User, PrayerRequest, Membership] | None:
    """For a signed “I prayed” link: the person, the request and their praying membership, if
    the person may still see that request; otherwise None (the link shows it no longer works)."""
    found = get_link_targets(user_id, [request_id])
    if found is None or not found[1]:
        return None
    user, [(prayer_request, membership)] = found
    return user, prayer_request, membership


def get_link_targets(
    user_id: int, request_ids: list[int]
) -> tuple[User, list[tuple[PrayerRequest, Membership]]] | None:
    """For a signed “I prayed for all of these” link: the person, and each of the requests
    they may still see with their praying membership (in the order of the link); None when
    the account is gone. A fixed number of queries, plus one for each community."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    memberships = {
        m.community_id: m
        for m in Membership.objects.praying().filter(user=user).select_related("community")
    }
    for membership in memberships.values():
        membership.user = user
    requests = {
        r.pk: r
        for r in PrayerRequest.objects.select_related("partner__community").filter(
            pk__in=request_ids[:100], partner__community_id__in=memberships
        )
    }
    visible: set[int] = set()
    for community_id in {r.partner.community_id for r in requests.values()}:
        visible |= set(
            PrayerRequest.objects.visible_to(memberships[community_id])
            .filter(pk__in=requests)
            .values_list("pk", flat=True)
        )
    return user, [
        (requests[pk], memberships[requests[pk].partner.community_id])
        for pk in dict.fromkeys(request_ids)
        if pk in visible
    ]


def get_own_prayer(membership: Membership, pk: int) -> PrayerLog:
    log = get_object_or_404(
        PrayerLog.objects.filter(partner__community_id=membership.community_id), pk=pk
    )
    if log.user_id != membership.user_id:
        raise PermissionDenied
    return log


def adopted(partners: PartnerQuerySet, user_ids: list[int]) -> PartnerQuerySet:
    """The rule partnerships' ``Partner.objects.adopted_by`` applies: partners adopted by a
    weekly group (not paused) of one of these people. One filter() call, so the group that is
    not paused is the group they belong to."""
    return partners.filter(
        intercessor_groups__paused=False, intercessor_groups__members__in=user_ids
    )


def get_season_for(membership: Membership, pk: int) -> Season:
    return get_object_or_404(
        Season.objects.visible_to(membership).select_related("community"), pk=pk
    )


def get_own_season_hour(season: Season, user: User, pk: int) -> SeasonHour:
    """An hour of the season the person holds; anyone else's is not found."""
    season_hour = get_object_or_404(SeasonHour.objects.filter(season=season, user=user), pk=pk)
    season_hour.season = season
    return season_hour
