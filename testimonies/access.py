"""Loaders: the first line of every testimony view. A testimony outside what the member may
read is not found (404); changing one is for its author and the coordinators (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from partnerships.access import found_or_refused
from partnerships.models import Membership, Partner
from testimonies.models import Testimony


def get_testimony_for(membership: Membership, pk: int) -> Testimony:
    visible = Testimony.objects.visible_to(membership).select_related(
        "partner__community", "author"
    )
    return found_or_refused(membership, visible, pk, Partner.objects.filter(testimonies__pk=pk))


def can_change(membership: Membership, testimony: Testimony) -> bool:
    return membership.is_coordinator or testimony.author_id == membership.user_id


def get_testimony_for_change(membership: Membership, pk: int) -> Testimony:
    testimony = get_testimony_for(membership, pk)
    if not can_change(membership, testimony):
        raise PermissionDenied
    return testimony
