"""The app's own rate limits, beside allauth's (sign-in, sign-in codes, sign-up, password
reset: ``ACCOUNT_RATE_LIMITS``). Both count in the shared cache (``CACHES``), so a limit holds
however many web processes answer, and both see a client's address through the same
trusted-proxy count (``ALLAUTH_TRUSTED_PROXY_COUNT``)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def client_ip(request: HttpRequest) -> str:
    """The client's address as allauth sees it: behind N trusted proxies, the N-th address
    from the right of X-Forwarded-For; else REMOTE_ADDR. (django-ratelimit's ``ip`` key.)"""
    return get_adapter().get_client_ip(request)


def exceeded(request: HttpRequest, action: str, key: object) -> bool:
    """Count one more ``action`` by ``key`` (a user's id, say) and tell whether that goes past
    the limit in ``settings.RATE_LIMITS[action]`` (django-ratelimit's "30/m" form)."""
    return is_ratelimited(
        request,
        group=f"epaphras.{action}",
        key=lambda _group, _request: str(key),
        rate=settings.RATE_LIMITS[action],
        increment=True,
    )
