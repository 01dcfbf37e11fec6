"""Leaving and endings: a member leaves a community, a partnership ends and later its partner's
data is deleted, a person's account goes (the partnerships side of it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from partnerships.audit import audit_record
from partnerships.models import (
    AuditAction,
    AuditEvent,
    CheckIn,
    CheckInStatus,
    Invitation,
    Membership,
    Partner,
    PartnerStatus,
    Role,
)
from partnerships.services.communities import membership_remove


def membership_leave(*, membership: Membership) -> None:
    """The member leaves the community themself: as a coordinator removing them would, the
    last coordinator refused. Their prayers, notes and check-ins stay with the community."""
    try:
        membership_remove(membership=membership)
    except ValidationError as error:
        raise ValidationError(
            _(
                "You are the only coordinator of %(community)s. Make someone else a coordinator "
                "first (Members), then you can leave."
            )
            % {"community": membership.community.name}
        ) from error


def account_leaving_check(user: User) -> None:
    """Refuse to delete the account of the last coordinator of any community (registered with
    ``accounts.services.account_leaving_register``): naming each community, so they know
    whom to hand over to."""
    led = Membership.objects.select_for_update().filter(user=user, role=Role.COORDINATOR)
    alone = [
        membership.community.name
        for membership in led.select_related("community")
        if not Membership.objects.filter(
            community_id=membership.community_id, role=Role.COORDINATOR
        )
        .exclude(user=user)
        .exists()
    ]
    if alone:
        raise ValidationError(
            _(
                "You are the only coordinator of %(communities)s. Make someone else a "
                "coordinator there first (Members), or leave the community once another "
                "coordinator is in place; then you can delete your account."
            )
            % {"communities": ", ".join(sorted(alone))}
        )


def account_leaving(user: User) -> None:
    """The partnerships side of deleting an account (registered with
    ``accounts.services.account_leaving_register``): refuse the last coordinator of any
    community, else forget the invitations sent to their addresses. The rest follows the
    user's foreign keys: memberships and calendar feeds go, stewardships and check-in places
    end, what they wrote stays unsigned."""
    from allauth.account.models import EmailAddress

    account_leaving_check(user)
    known = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    to_them = Q()
    for address in {user.email.lower(), *(email.lower() for email in known)}:
        to_them |= Q(email__iexact=address)
    Invitation.objects.filter(to_them).delete()


@transaction.atomic
def partner_end(*, partner: Partner, by: Membership) -> Partner:
    """End the partnership: the partner leaves the daily lists, the groups' adopted partners,
    the check-in reminders and every email, and their scheduled check-ins are cancelled. Their
    page and history stay for coordinators; making them active again (their profile) resumes
    the partnership."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status == PartnerStatus.ENDED:
        return partner
    partner.status = PartnerStatus.ENDED
    partner.save(update_fields=["status"])
    now = timezone.now()
    for checkin in CheckIn.objects.filter(partner=partner).upcoming():
        checkin.status = CheckInStatus.CANCELLED
        checkin.sequence += 1
        checkin.updated_at = now
        checkin.save(update_fields=["status", "sequence", "updated_at"])
    audit_record(by, partner, AuditAction.CHANGED, "the partnership (ended)")
    return partner


@transaction.atomic
def partner_delete(*, partner: Partner, by: Membership, confirmation: str) -> None:
    """Delete everything of an ended partnership's partner: the profile, family and photo,
    requests with their updates, check-ins with their notes, invitations, the prayers logged
    for them and their testimonies (the rows of the apps above go with the partner's). The
    audit trail of a sensitive partner keeps its events, under the alias only.

    ``confirmation`` is what the coordinator typed: the name the page asked for."""
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.status != PartnerStatus.ENDED:
        raise ValidationError(
            _("End the partnership first; a partner's data can be deleted once it has ended.")
        )
    if " ".join(confirmation.split()).casefold() != partner_confirmation(partner).casefold():
        raise ValidationError(
            {
                "confirmation": _("Type %(name)s exactly as shown to delete their data.")
                % {"name": partner_confirmation(partner)}
            }
        )
    photo = partner.photo.name if partner.photo else ""
    storage = partner.photo.storage
    audit_record(by, partner, AuditAction.CHANGED, "the partner's data (deleted)")
    # The alias is all the trail keeps of who it was; a partner who stopped being sensitive
    # may have events recorded under their name.
    AuditEvent.objects.filter(partner=partner).update(alias=partner.alias or "—")
    partner.stewards.clear()
    partner.delete()
    if photo:
        transaction.on_commit(lambda: storage.delete(photo))


def partner_confirmation(partner: Partner) -> str:
    """What a coordinator types to delete a partner's data: the name this page shows them by
    (the alias of a sensitive partner), spaces tidied."""
    return " ".join(partner.public_name.split())
