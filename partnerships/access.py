"""Authorization, written once.

Every view that shows community data starts with one of these loaders. They put the user's
memberships into the query itself, so a community the user does not belong to is simply not
found (404), and a role that may not do the thing is refused (403). Anonymous users never get
here: views are wrapped in ``login_required`` first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar, cast

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accounts.http import AuthenticatedRequest
from partnerships.http import MemberRequest
from partnerships.models import CheckIn, Invitation, Membership, Partner, PrayerRequest, Role
from partnerships.models.partners import PartnerQuerySet

CURRENT_COMMUNITY_SESSION_KEY = "epaphras_community"
T = TypeVar("T", bound=Model)


class TwoFactorRequired(PermissionDenied):
    """What was asked for is a security-sensitive partner's (or theirs: a request, a check-in,
    a testimony), and this coordinator must turn on two-factor sign-in before seeing it. The
    403 page says so, naming the partner by alias only."""

    def __init__(self, alias: str):
        super().__init__(alias)
        self.alias = alias


def refuse_if_behind_two_factor(membership: Membership, partners: PartnerQuerySet) -> None:
    """Raise TwoFactorRequired if ``partners`` (the partner of what was not found) holds a
    sensitive partner of this community that the member is kept from only for want of
    two-factor sign-in (``Membership.sees_sensitive``). Else return, and the caller's 404
    stands."""
    alias = partners.kept_from(membership).values_list("alias", flat=True).first()
    if alias is not None:
        raise TwoFactorRequired(alias)


def memberships_of(user) -> list[Membership]:
    """All of a person's memberships with their communities, in one query, each carrying
    ``user`` itself; whether the person signs in with two-factor comes along, so that
    ``user.has_two_factor`` asks nothing more."""
    rows = list(Membership.objects.for_user(user).with_two_factor())
    if rows:
        user.has_two_factor = rows[0].two_factor
    memberships: list[Membership] = list(rows)
    for membership in memberships:
        membership.user = user
    return memberships


def get_membership(
    request: AuthenticatedRequest, slug: str, *, roles: Iterable[Role] | None = None
) -> Membership:
    """The user's membership in the community at ``slug``; 404 for outsiders, 403 for a role
    not in ``roles``. Remembers the community as the one the user is working in."""
    # All of the person's memberships in one query: the menu lists them too.
    memberships = memberships_of(request.user)
    membership = next((m for m in memberships if m.community.slug == slug), None)
    if membership is None:
        raise Http404
    if roles is not None and membership.role not in set(roles):
        raise PermissionDenied
    if request.session.get(CURRENT_COMMUNITY_SESSION_KEY) != membership.community_id:
        # Written only when it changes: a session write is a database write on every page.
        request.session[CURRENT_COMMUNITY_SESSION_KEY] = membership.community_id
    # The request now carries its membership (a MemberRequest), for current_membership, and
    # the others, for the menu.
    cast(MemberRequest, request).membership = membership
    cast(MemberRequest, request).memberships = memberships
    return membership


def current_membership(request: HttpRequest, memberships: list[Membership]) -> Membership | None:
    """The community the person is working in: the one this request loaded, else the last
    one they opened, among ``memberships``."""
    loaded = getattr(request, "membership", None)
    if loaded is not None:
        return loaded
    current_id = (
        request.session.get(CURRENT_COMMUNITY_SESSION_KEY) if hasattr(request, "session") else None
    )
    return next((m for m in memberships if m.community_id == current_id), None)


def get_coordinator_membership(request: AuthenticatedRequest, slug: str) -> Membership:
    return get_membership(request, slug, roles=[Role.COORDINATOR])


def get_invitation_for(membership: Membership, pk: int) -> Invitation:
    """An invitation of the coordinator's own community."""
    if not membership.is_coordinator:
        raise PermissionDenied
    return get_object_or_404(Invitation.objects.filter(community=membership.community), pk=pk)


def get_member_for(membership: Membership, pk: int) -> Membership:
    """Another membership in the coordinator's own community."""
    if not membership.is_coordinator:
        raise PermissionDenied
    return get_object_or_404(
        Membership.objects.filter(community=membership.community).select_related("user"), pk=pk
    )


def found_or_refused(
    membership: Membership, visible: QuerySet[T], pk: int, partners: PartnerQuerySet
) -> T:
    """The object ``pk`` among those ``visible`` to the member. Not there: the two-factor page
    if its partner (``partners``) is one the member is kept from only for want of two-factor,
    else 404."""
    found = visible.filter(pk=pk).first()
    if found is None:
        refuse_if_behind_two_factor(membership, partners)
        raise Http404
    return found


def get_partner_for(membership: Membership, pk: int) -> Partner:
    """A partner this member may see (coordinators: their community's; a partner: their own)."""
    visible = Partner.objects.visible_to(membership)
    return found_or_refused(membership, visible, pk, Partner.objects.filter(pk=pk))


def get_partner_for_edit(membership: Membership, pk: int) -> Partner:
    partner = get_partner_for(membership, pk)
    if not can_write_for(membership, partner):
        raise PermissionDenied
    return partner


def can_write_for(membership: Membership, partner: Partner) -> bool:
    """Coordinators write for every partner of their community; a partner for themself."""
    return membership.is_coordinator or (
        membership.is_partner and partner.user_id == membership.user_id
    )


def get_request_for(membership: Membership, pk: int) -> PrayerRequest:
    visible = PrayerRequest.objects.visible_to(membership).select_related(
        "partner__community", "flagged_by"
    )
    return found_or_refused(membership, visible, pk, Partner.objects.filter(requests__pk=pk))


def get_request_for_edit(membership: Membership, pk: int) -> PrayerRequest:
    """Coordinators edit any request of their community; a partner only their own."""
    request = get_request_for(membership, pk)
    if not can_write_for(membership, request.partner):
        raise PermissionDenied
    return request


def get_checkin_for(membership: Membership, pk: int) -> CheckIn:
    visible = CheckIn.objects.visible_to(membership).select_related("partner")
    return found_or_refused(membership, visible, pk, Partner.objects.filter(checkins__pk=pk))


def get_checkin_for_coordinator(membership: Membership, pk: int) -> CheckIn:
    checkin = get_checkin_for(membership, pk)
    if not membership.is_coordinator:
        raise PermissionDenied
    return checkin
