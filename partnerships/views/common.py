from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.ratelimits import exceeded


def query_id(value: str) -> int | None:
    """A database id from a query string, or None for anything else (“²”, “-1”, 10**30)."""
    if value.isascii() and value.isdigit() and 0 < len(value) < 10:
        return int(value)
    return None


def add_errors(form, error: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form, next to the field it names."""
    field_map = field_map or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = field_map.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def invitation_allowed(request: HttpRequest) -> None:
    """Count one invitation sent by this person; refuse it past ``RATE_LIMITS["invite"]`` (60
    an hour by default), so a stolen coordinator's session cannot mail the world."""
    if exceeded(request, "invite", request.user.pk):
        raise ValidationError(
            _("You have sent many invitations in the last hour. Wait a while, then send more.")
        )


def act_and_tell(
    request: HttpRequest, act: Callable[[], object], success: Callable[[], str]
) -> bool:
    """Run a one-button action (a service call) and tell the person how it went: the service's
    own explanation if it refused, else ``success()``. Returns whether it went through."""
    try:
        act()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success())
    return True
