"""The audit trail of security-sensitive partners: who opened, changed, downloaded or
exported what, and when. Views call ``audit_record`` once what they did has succeeded."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from partnerships.models import AuditAction, AuditEvent, Membership, Partner

# Opening the same page again within this long is not written again: a trail of who looked,
# not of every reload.
OPENED_AGAIN_AFTER = timedelta(minutes=10)


def audit_community_record(membership: Membership, what: str) -> None:
    """A change to how the community guards its sensitive partners (no one partner's)."""
    AuditEvent.objects.create(
        community_id=membership.community_id,
        partner=None,
        alias="—",
        user_id=membership.user_id,
        action=AuditAction.CHANGED,
        what=what[:120],
    )


def audit_record(
    membership: Membership, partner: Partner, action: str, what: str, *, was_sensitive=False
) -> None:
    """Record ``action`` on ``what`` ("the partner's page", "request #12") by the member, if
    the partner is sensitive (or was, before this change); nothing for anyone else's."""
    if not (partner.sensitive or was_sensitive):
        return
    now = timezone.now()
    if (
        action == AuditAction.OPENED
        and AuditEvent.objects.filter(
            user_id=membership.user_id,
            partner=partner,
            action=action,
            what=what,
            at__gt=now - OPENED_AGAIN_AFTER,
        ).exists()
    ):
        return
    AuditEvent.objects.create(
        community_id=membership.community_id,
        partner=partner,
        alias=partner.alias or partner.public_name,
        user_id=membership.user_id,
        action=action,
        what=what,
        at=now,
    )


def audit_export_record(
    *, community_id: int, user_id: int | None, what: str, partner: Partner | None = None
) -> None:
    """An export of the community's data, or of a partner's own: every one is written,
    whether or not it holds a sensitive partner (``user_id`` None: the server's operator)."""
    AuditEvent.objects.create(
        community_id=community_id,
        partner=partner,
        alias=(partner.alias or partner.public_name) if partner else "—",
        user_id=user_id,
        action=AuditAction.EXPORTED,
        what=what[:120],
    )
