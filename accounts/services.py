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


def user_profile_update(*, user: User, name: str, time_zone: str) -> User:
    user.name = name.strip()
    user.time_zone = time_zone
    user.full_clean()
    user.save(update_fields=["name", "time_zone"])
    return user
