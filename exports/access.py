"""Loaders of the export pages: a community's export is its coordinators' (outsiders 404,
other roles 403); a partner's own data is the partner's."""

from __future__ import annotations

from django.http import Http404

from accounts.http import AuthenticatedRequest
from partnerships.access import get_membership
from partnerships.models import Membership, Partner, Role


def get_own_partner(request: AuthenticatedRequest, slug: str) -> tuple[Membership, Partner]:
    """The partner member's own profile in the community at ``slug``; 404 when their account
    is not linked to one yet."""
    membership = get_membership(request, slug, roles=[Role.PARTNER])
    partner = (
        Partner.objects.filter(community_id=membership.community_id, user=request.user)
        .prefetch_related("children")
        .order_by("pk")
        .first()
    )
    if partner is None:
        raise Http404
    return membership, partner
