from collections.abc import Callable

from django.db import transaction

from accounts.models import User
from accounts.timezones import time_zone_names


def user_signup_apply(*, user: User, name: str, time_zone: str) -> None:
    """Fill in what allauth's sign-up form does not know about.

    Called by allauth right after it saved the new user. The time zone comes from the
    browser; an unknown value is ignored rather than failing the sign-up.
    """
    user.name = name.strip()
    if time_zone in time_zone_names():
        user.time_zone = time_zone
    user.save(update_fields=["name", "time_zone"])


def user_profile_update(
    *, user: User, name: str, time_zone: str, language: str | None = None
) -> User:
    user.name = name.strip()
    user.time_zone = time_zone
    if language is not None:
        user.language = language
    user.full_clean()
    user.save(update_fields=["name", "time_zone", "language"])
    return user


# What must happen before a person's account goes, given by the apps above this one at
# start-up (their AppConfig.ready): partnerships refuses the last coordinator of a community,
# intercession keeps their prayers as anonymous counts. A step raises ValidationError to refuse.
AccountLeavingStep = Callable[[User], object]
_leaving_steps: list[AccountLeavingStep] = []


def account_leaving_register(step: AccountLeavingStep) -> None:
    """Run ``step(user)`` inside ``account_delete``'s transaction, before the account goes."""
    if step not in _leaving_steps:
        _leaving_steps.append(step)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete a person's account and everything that is theirs alone: memberships, reminder
    settings and deliveries, calendar feeds, group places, allauth's email addresses and
    authenticators. What the community keeps (partners' histories, testimonies, audit events)
    outlives them without their name. All or nothing: a refusing step changes nothing."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user = User.objects.select_for_update().get(pk=user.pk)
    for step in _leaving_steps:
        step(user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.delete()
