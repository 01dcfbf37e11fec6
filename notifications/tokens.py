"""Signed links in emails: actions such as “I prayed” (the page they open acts on POST only:
mail scanners open links) and one-click unsubscribe."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing

UNSUBSCRIBE_SALT = "epaphras.reminder.unsubscribe"
# An action link stays good for a few days: people read email late.
ACTION_LIFETIME = timedelta(days=3)


def _action_salt(action: str) -> str:
    return f"epaphras.reminder.{action}"


class LinkError(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _read(token: str, action: str) -> object:
    try:
        return signing.TimestampSigner(salt=_action_salt(action)).unsign_object(
            token, max_age=ACTION_LIFETIME
        )
    except signing.SignatureExpired as error:
        raise LinkError(expired=True) from error
    except signing.BadSignature as error:
        raise LinkError(expired=False) from error


def action_token(*, action: str, user_id: int, target_id: int) -> str:
    """A link for ``user_id`` to do ``action`` (“prayed”) on ``target_id``."""
    return signing.TimestampSigner(salt=_action_salt(action)).sign_object(
        {"u": user_id, "r": target_id}
    )


def read_action_token(token: str, *, action: str) -> tuple[int, int]:
    """(user id, target id) of a link made by action_token for this action."""
    data = _read(token, action)
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("u", "r")):
        raise LinkError(expired=False)
    return data["u"], data["r"]


def list_action_token(*, action: str, user_id: int, target_ids: list[int]) -> str:
    """A link for ``user_id`` to do ``action`` (“prayed for all”) on each of ``target_ids``."""
    return signing.TimestampSigner(salt=_action_salt(action)).sign_object(
        {"u": user_id, "rs": target_ids}
    )


def read_list_action_token(token: str, *, action: str) -> tuple[int, list[int]]:
    """(user id, target ids) of a link made by list_action_token for this action."""
    data = _read(token, action)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("u"), int)
        or not isinstance(data.get("rs"), list)
        or not all(isinstance(pk, int) for pk in data["rs"])
    ):
        raise LinkError(expired=False)
    return data["u"], data["rs"]


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
