"""Writes for communities, memberships and invitations. Each function holds its transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import User
from partnerships.audit import audit_community_record
from partnerships.models import Community, Invitation, Membership, Partner, RequestReview, Role

# What the apps above do when someone accepts an invitation (intercession: join the weekly
# groups the invitation kept a place in), registered at start-up: partnerships names none of it.
AcceptanceHook = Callable[[Invitation, Membership], None]
_acceptance_hooks: list[AcceptanceHook] = []


def invitation_acceptance_register(hook: AcceptanceHook) -> None:
    """Call ``hook(invitation, membership)`` inside every acceptance's transaction."""
    if hook not in _acceptance_hooks:
        _acceptance_hooks.append(hook)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50].strip("-") or "community"
    slug, n = base, 1
    while Community.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def community_create(*, creator: User, name: str, kind: str, time_zone: str) -> Community:
    """A new community with its creator as the first coordinator."""
    community = Community(
        name=name.strip(), slug=_unique_slug(name), kind=kind, time_zone=time_zone
    )
    community.full_clean()
    community.save()
    Membership.objects.create(user=creator, community=community, role=Role.COORDINATOR)
    return community


@transaction.atomic
def community_update(
    *,
    community: Community,
    by: Membership,
    name: str,
    kind: str,
    time_zone: str,
    two_factor_for_sensitive: bool = True,
    request_review: str = RequestReview.SENSITIVE,
    language: str | None = None,
) -> Community:
    """Save the community's settings. The rule of two-factor before sensitive partners can be
    switched off only by a coordinator who has two-factor (else the coordinator it holds
    back, or a stolen password, could lift it); switching it either way is audited."""
    # Read from the database: a settings form has already set the instance's fields.
    was_guarded, was_reviewing = (
        Community.objects.select_for_update()
        .values_list("two_factor_for_sensitive", "request_review")
        .get(pk=community.pk)
    )
    if was_guarded and not two_factor_for_sensitive and not by.user.has_two_factor:
        raise ValidationError(
            {
                "two_factor_for_sensitive": _(
                    "Only a coordinator who signs in with two-factor can switch this off. "
                    "Turn it on for yourself first."
                )
            }
        )
    community.name = name.strip()
    community.kind = kind
    community.time_zone = time_zone
    community.two_factor_for_sensitive = two_factor_for_sensitive
    community.request_review = request_review
    if language is not None:
        community.language = language
    community.full_clean()
    community.save(
        update_fields=[
            "name",
            "kind",
            "time_zone",
            "language",
            "two_factor_for_sensitive",
            "request_review",
        ]
    )
    if request_review != was_reviewing:
        audit_community_record(
            by,
            _("review of new requests: %(state)s")
            % {"state": community.get_request_review_display().lower()},
        )
    if two_factor_for_sensitive != was_guarded:
        audit_community_record(
            by,
            _("the rule of two-factor before sensitive partners: %(state)s")
            % {
                "state": pgettext("a rule", "on")
                if two_factor_for_sensitive
                else pgettext("a rule", "off")
            },
        )
    return community


def _enqueue_invitation_email(invitation: Invitation) -> None:
    from partnerships.tasks import send_invitation_email

    transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk))


@transaction.atomic
def invitation_send(
    *,
    community: Community,
    email: str,
    role: str,
    invited_by: User,
    partner: Partner | None = None,
) -> Invitation:
    """Invite ``email`` to ``community`` as ``role`` and email them a signed link.

    Inviting an address that already has an open invitation refreshes it (new role, new
    fourteen days) instead of creating a second one.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose coordinator, intercessor or partner.")})
    if partner is not None and (partner.community_id != community.pk or role != Role.PARTNER):
        raise ValueError("A partner's own invitation is for the partner role in their community.")
    if Membership.objects.filter(community=community, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(community)s.")
                % {"email": email, "community": community.name}
            }
        )
    invitation = (
        Invitation.objects.select_for_update()
        .filter(community=community, email__iexact=email, accepted_at=None, revoked_at=None)
        .first()
    )
    now = timezone.now()
    if invitation is None:
        invitation = Invitation(community=community, email=email)
    invitation.role = role
    invitation.partner = partner
    invitation.invited_by = invited_by
    invitation.sent_at = now
    invitation.full_clean()
    invitation.save()
    _enqueue_invitation_email(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_("This invitation is no longer open."))
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    _enqueue_invitation_email(invitation)
    return invitation


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.accepted_at:
        raise ValidationError(_("This invitation was already accepted."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_matches_user(invitation: Invitation, user: User) -> bool:
    from allauth.account.models import EmailAddress

    if user.email.lower() == invitation.email.lower():
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=invitation.email).exists()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the invitation's community with its role. The link arrived at the invited
    address, so following it also proves that address belongs to the user."""
    from allauth.account.models import EmailAddress

    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError(_("This invitation is no longer open."))
    if not invitation_matches_user(invitation, user):
        raise ValidationError(
            _("This invitation was sent to %(email)s. Sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    membership, created = Membership.objects.get_or_create(
        user=user, community=invitation.community, defaults={"role": invitation.role}
    )
    if not created and membership.role != invitation.role:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    if invitation.partner_id is not None:
        linked = Partner.objects.select_for_update().get(pk=invitation.partner_id)
        already = Partner.objects.filter(community_id=linked.community_id, user=user).exists()
        if linked.user_id is None and not already:
            linked.user = user
            linked.save(update_fields=["user"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    for hook in _acceptance_hooks:
        hook(invitation, membership)
    EmailAddress.objects.filter(user=user, email__iexact=invitation.email).update(verified=True)
    return membership


@transaction.atomic
def membership_role_change(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError(_("Choose coordinator, intercessor or partner."))
    if membership.is_coordinator and role != Role.COORDINATOR:
        _ensure_another_coordinator(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


# What else ends with a membership, given by the apps above at start-up: intercession takes the
# person out of the community's weekly groups. Called inside ``membership_remove``'s transaction.
MembershipEndedStep = Callable[[Membership], None]
_membership_ended_steps: list[MembershipEndedStep] = []


def membership_ended_register(step: MembershipEndedStep) -> None:
    if step not in _membership_ended_steps:
        _membership_ended_steps.append(step)


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """Take the person out of the community (a coordinator removing them, or they leaving):
    the last coordinator is refused. What they did there stays with the community."""
    if membership.is_coordinator:
        _ensure_another_coordinator(membership)
    for step in _membership_ended_steps:
        step(membership)
    membership.delete()


def _ensure_another_coordinator(membership: Membership) -> None:
    others = (
        Membership.objects.select_for_update()
        .filter(community_id=membership.community_id, role=Role.COORDINATOR)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            _("A community needs at least one coordinator. Make someone else a coordinator first.")
        )
