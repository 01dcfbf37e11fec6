from __future__ import annotations

from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def offline_owner(request: HttpRequest) -> dict[str, str]:
    """Whose pages the phone's offline copy holds: an opaque mark of the signed-in person
    (empty when nobody is signed in). static/js/offline.js clears the copy and the queued
    prayers when the mark changes, so nobody meets another person's pages or sends their
    prayers on a shared phone. Not the id: the mark means nothing outside this site."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"offline_owner": ""}
    return {"offline_owner": salted_hmac("epaphras.offline-owner", str(user.pk)).hexdigest()[:24]}
