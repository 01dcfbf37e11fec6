"""Shared pieces for the reminder tests."""

from __future__ import annotations

import smtplib
from collections import deque

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class ScriptedBackend(LocmemBackend):
    """Delivers to the outbox like locmem, but first plays back scripted failures:
    ``ScriptedBackend.script.append(smtplib.SMTPResponseException(451, b"try later"))``."""

    script: deque = deque()

    def send_messages(self, messages):
        if ScriptedBackend.script:
            error = ScriptedBackend.script.popleft()
            if error is not None:
                raise error
        return super().send_messages(messages)


def transient() -> Exception:
    return smtplib.SMTPResponseException(451, b"4.3.0 Try again later")


def hard_bounce() -> Exception:
    return smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"5.1.1 No such user")})
