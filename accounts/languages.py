"""Which language a person reads the app and their emails in: their own choice, else the
default of a community they belong to (given by partnerships at start-up, since accounts
knows nothing of communities), else the site's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from accounts.models import User

# ``fallback(user_ids)`` answers {user id: language} for people who have not chosen one.
LanguageFallback = Callable[[list[int]], dict[int, str]]
_fallbacks: list[LanguageFallback] = []
_PRELOADED = "_default_language"


def language_fallback_register(fallback: LanguageFallback) -> None:
    if fallback not in _fallbacks:
        _fallbacks.append(fallback)


def language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def languages_preload(users: Iterable[User]) -> None:
    """Look up the default language of everyone in ``users`` who has not chosen one, in one
    query per fallback, so that sending a batch of emails costs no query per message."""
    unchosen = {user.pk: user for user in users if user.language not in language_codes()}
    found: dict[int, str] = {}
    for fallback in _fallbacks:
        wanted = [pk for pk in unchosen if pk not in found]
        if wanted:
            found.update(
                (pk, code) for pk, code in fallback(wanted).items() if code in language_codes()
            )
    for pk, user in unchosen.items():
        setattr(user, _PRELOADED, found.get(pk, ""))


def chosen_or_default_language(user: User) -> str:
    """The person's chosen language, else their community's default, else "" (the browser's,
    for a page; the site's for an email)."""
    if user.language in language_codes():
        return user.language
    if not hasattr(user, _PRELOADED):
        languages_preload([user])
    return getattr(user, _PRELOADED)


def recipient_language(user: User | None) -> str:
    """The language an email to ``user`` is written in (None: not a member yet)."""
    if user is None:
        return settings.LANGUAGE_CODE
    return chosen_or_default_language(user) or settings.LANGUAGE_CODE
