"""Building emails. They come in threes: ``<name>_subject.txt``, ``<name>.txt`` and
``<name>.html``; every reminder also carries its signed one-click unsubscribe (RFC 8058) and a
Message-ID that stays the same for every attempt."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.languages import recipient_language
from notifications import kinds
from notifications.kinds import NothingToSend
from notifications.models import Delivery, Kind
from notifications.tokens import unsubscribe_token


def build_email(
    template: str, context: dict[str, Any], *, to: list[str], **kwargs: Any
) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, **kwargs)
    message.attach_alternative(html, "text/html")
    return message


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "epaphras.localhost"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def build_message(delivery: Delivery, shared: Any) -> EmailMultiAlternatives:
    """The email for one delivery. ``shared`` is what its kind's ``prepare`` loaded for the
    sending batch. Raises NothingToSend when it should not go."""
    user = delivery.user
    if not user.is_active or not user.email:
        raise NothingToSend("the account is closed or has no address")
    pref = getattr(user, "reminder_preference", None)
    if pref is not None and not pref.enabled(delivery.kind):
        raise NothingToSend("turned off by the recipient")
    if (
        delivery.kind == Kind.DAILY
        and pref is not None
        and pref.daily_skip_on == delivery.local_date
    ):
        raise NothingToSend("the recipient asked for no list that day")
    # Words and date formats are the recipient's own, whoever triggers the email.
    with translation.override(recipient_language(user)):
        template, context, attachments = kinds.get(delivery.kind).build(delivery, shared)
        unsubscribe = absolute(
            reverse(
                "notifications:unsubscribe",
                args=[unsubscribe_token(user_id=user.pk, kind=delivery.kind)],
            )
        )
        context.update(
            user=user,
            delivery=delivery,
            unsubscribe_url=unsubscribe,
            settings_url=absolute(reverse("notifications:reminder_settings")),
            kind_label=delivery.get_kind_display(),
        )
        # Dates and times in the email are the recipient's own.
        with timezone.override(ZoneInfo(user.time_zone)):
            message = build_email(
                template,
                context,
                to=[user.email],
                headers={
                    "Message-ID": delivery.message_id(site_host()),
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                    "Auto-Submitted": "auto-generated",
                    "X-Epaphras-Kind": delivery.kind,
                },
            )
        for name, content, mimetype in attachments:
            message.attach(name, content, mimetype)
        return message
