"""The registry of kinds: how the apps that send email tell notifications about theirs.

Notifications owns the ledger, the schedules, the mute rules and the sending; it knows nothing
of groups, check-ins or testimonies. Each app registers, in its ``AppConfig.ready()``, what its
kind is about, who may receive it, what is due when, and how its message is built.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from accounts.models import User

if TYPE_CHECKING:
    from notifications.models import Delivery

# (template name without its ending, context, attachments as (filename, content, mimetype))
Message = tuple[str, dict[str, Any], list[tuple[str, str | bytes, str]]]


class NothingToSend(Exception):
    """The email has nothing to say, or should no longer go: it is skipped, not failed."""


@dataclass(frozen=True)
class Due:
    """Emails of one kind to write now: one for each person, about one thing, on one local day.
    ``local_date`` None means each person's own date at ``due_at``."""

    kind: str
    user_ids: Collection[int]
    due_at: datetime
    about: int | None = None
    community_id: int | None = None
    local_date: date | None = None


@dataclass(frozen=True)
class KindSpec:
    kind: str
    # Builds the message for one delivery, or raises NothingToSend. Its second argument is what
    # ``prepare`` loaded once for all deliveries of this kind in a sending batch (or None).
    build: Callable[[Delivery, Any], Message]
    # The prefix of the topic of deliveries about one thing (“group” in “group:5”).
    about: str = ""
    # Narrows a set of people to those this kind can reach (whether it is offered on the
    # settings page; who gets a personal schedule).
    audience: Callable[[QuerySet[User]], QuerySet[User]] | None = None
    # For kinds driven by a schedule of their app's own: what is due at ``now``. It is called
    # inside the dispatcher's transaction, so rows it claims and the deliveries written for them
    # commit together.
    due: Callable[[datetime], Iterable[Due]] | None = None
    # Gives the app's own schedule rows that have no due time one (new or moved groups).
    schedule: Callable[[datetime], None] | None = None
    # Loads what the messages of one sending batch share.
    prepare: Callable[[list[Delivery]], Any] | None = None
    # For a test send: the id of what a person's latest email of this kind was about; raises
    # LookupError (with a message for the operator) when there is none.
    sample: Callable[[User], int | None] | None = None
    # The settings page's label for this person, when it differs from the usual one.
    setting_label: Callable[[User], str | None] | None = None

    def topic(self, about: int | None) -> str:
        return f"{self.about}:{about}" if self.about and about is not None else ""


_registry: dict[str, KindSpec] = {}


def register(spec: KindSpec) -> None:
    _registry[spec.kind] = spec


def get(kind: str) -> KindSpec:
    try:
        return _registry[kind]
    except KeyError:
        raise LookupError(f"No app registered the kind of email {kind!r}.") from None


def registered() -> list[KindSpec]:
    return list(_registry.values())
