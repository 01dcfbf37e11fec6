"""Emails come in threes: ``<name>_subject.txt``, ``<name>.txt`` and ``<name>.html``."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_email(template: str, context: dict, *, to: list[str], **kwargs) -> EmailMultiAlternatives:
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, **kwargs)
    message.attach_alternative(html, "text/html")
    return message
