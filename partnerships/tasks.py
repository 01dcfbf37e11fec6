from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.languages import chosen_or_default_language, recipient_language
from accounts.models import User
from notifications.emails import build_email
from partnerships.models import Invitation
from partnerships.tokens import invitation_token


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_invitation_email(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("community", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_open:
        return
    link = settings.SITE_URL + reverse(
        "partnerships:invitation", kwargs={"token": invitation_token(invitation)}
    )
    # In the language of the person if they already have an account, else the community's.
    invitee = User.objects.filter(email__iexact=invitation.email).first()
    language = (
        (chosen_or_default_language(invitee) if invitee else "")
        or invitation.community.language
        or recipient_language(None)
    )
    with translation.override(language):
        message = build_email(
            "partnerships/email/invitation",
            {"invitation": invitation, "link": link},
            to=[invitation.email],
        )
    message.send()
