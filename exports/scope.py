"""What one export of a community holds: its rows, less the security-sensitive partners (and
what hangs from them) when the person exporting may not take those out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet

from partnerships.models import Community, Membership, Partner


@dataclass
class Scope:
    """``include_sensitive``: whether sensitive partners go into the files. A file leaves the
    app, so a coordinator takes them out only with two-factor sign-in on, whatever the
    community's setting for its pages (``exports.scope.scope_for``); the server's operator
    (``manage.py export_community``) always does."""

    community: Community
    include_sensitive: bool

    def partners(self) -> QuerySet[Partner]:
        partners = Partner.objects.filter(community=self.community)
        return partners if self.include_sensitive else partners.filter(sensitive=False)

    @cached_property
    def left_out(self) -> int:
        """How many sensitive partners this export leaves out."""
        if self.include_sensitive:
            return 0
        return Partner.objects.filter(community=self.community, sensitive=True).count()

    @cached_property
    def users_left_out(self) -> frozenset[int]:
        """The accounts of the partners left out: their names and addresses are theirs."""
        if self.include_sensitive:
            return frozenset()
        return frozenset(
            Partner.objects.filter(
                community=self.community, sensitive=True, user__isnull=False
            ).values_list("user_id", flat=True)
        )


def scope_for(membership: Membership) -> Scope:
    """A coordinator's export: sensitive partners only with two-factor sign-in on."""
    return Scope(membership.community, include_sensitive=membership.user.has_two_factor)
