"""Signed links in reminder emails: “I prayed” (acts on POST only) and unsubscribe."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

PRAYED_SALT = "epaphras.reminder.prayed"
UNSUBSCRIBE_SALT = "epaphras.reminder.unsubscribe"
# A daily list's links stay good for a few days: people read email late.
PRAYED_LIFETIME = timedelta(days=3)


class LinkError(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def prayed_token(*, user_id: int, request_id: int) -> str:
    return signing.TimestampSigner(salt=PRAYED_SALT).sign_object({"u": user_id, "r": request_id})


def read_prayed_token(token: str) -> tuple[int, int]:
    try:
        data = signing.TimestampSigner(salt=PRAYED_SALT).unsign_object(
            token, max_age=PRAYED_LIFETIME
        )
    except signing.SignatureExpired as error:
        raise LinkError(expired=True) from error
    except signing.BadSignature as error:
        raise LinkError(expired=False) from error
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("u", "r")):
        raise LinkError(expired=False)
    return data["u"], data["r"]


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except signing.BadSignature as error:
        raise LinkError(expired=False) from error
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("u"), int)
        or not isinstance(data.get("k"), str)
    ):
        raise LinkError(expired=False)
    return data["u"], data["k"]
