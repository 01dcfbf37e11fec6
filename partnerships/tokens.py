"""Signed invitation links."""

from __future__ import annotations

from enum import Enum

from django.core import signing

from partnerships.models import INVITATION_LIFETIME, Invitation

_SALT = "epaphras.invitation"


class InvitationProblem(Enum):
    TAMPERED = "tampered"
    EXPIRED = "expired"
    NOT_FOUND = "not_found"
    USED = "used"
    REVOKED = "revoked"


class InvitationLinkError(Exception):
    def __init__(self, problem: InvitationProblem, invitation: Invitation | None = None):
        super().__init__(problem.value)
        self.problem = problem
        self.invitation = invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=_SALT).sign_object({"i": invitation.pk})


def invitation_from_token(token: str) -> Invitation:
    """The open invitation behind ``token``, or InvitationLinkError saying what is wrong."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        payload = signer.unsign_object(token, max_age=INVITATION_LIFETIME)
    except signing.SignatureExpired as error:
        raise InvitationLinkError(InvitationProblem.EXPIRED) from error
    except signing.BadSignature as error:
        raise InvitationLinkError(InvitationProblem.TAMPERED) from error
    pk = payload.get("i") if isinstance(payload, dict) else None
    invitation = (
        Invitation.objects.select_related("community", "invited_by").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if invitation is None:
        raise InvitationLinkError(InvitationProblem.NOT_FOUND)
    if invitation.accepted_at is not None:
        raise InvitationLinkError(InvitationProblem.USED, invitation)
    if invitation.revoked_at is not None:
        raise InvitationLinkError(InvitationProblem.REVOKED, invitation)
    if invitation.is_expired:
        raise InvitationLinkError(InvitationProblem.EXPIRED, invitation)
    return invitation
