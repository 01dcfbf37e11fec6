from celery import shared_task
from django.conf import settings
from django.urls import reverse

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
    build_email(
        "partnerships/email/invitation",
        {"invitation": invitation, "link": link},
        to=[invitation.email],
    ).send()
