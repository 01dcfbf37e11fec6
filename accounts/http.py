"""The request a signed-in view receives, as the type checker should see it."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request behind ``login_required``: the user is a signed-in ``User`` (never anonymous),
    and ``htmx`` (from django-htmx's middleware) says whether htmx sent it."""

    user: User
    htmx: HtmxDetails
