import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.languages import chosen_or_default_language, language_codes


class UserTimeZoneMiddleware:
    """Show times in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            timezone.activate(ZoneInfo(user.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLanguageMiddleware:
    """Pages in the signed-in person's language: their own choice, else their community's
    default (looked up once a session), else what LocaleMiddleware read from the browser."""

    KEY = "epaphras_language"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            code = user.language if user.language in language_codes() else None
            if code is None:
                code = request.session.get(self.KEY)
                if code is None:
                    code = request.session[self.KEY] = chosen_or_default_language(user)
            if code:
                translation.activate(code)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Sign out a person who has done nothing for ``SESSION_IDLE_TIMEOUT`` seconds (0: never,
    the session then lasts ``SESSION_COOKIE_AGE``). The time of the last request is written
    at most once a minute, so an active person's pages do not each write the session."""

    WRITE_EVERY = 60
    KEY = "epaphras_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        idle = settings.SESSION_IDLE_TIMEOUT
        user = getattr(request, "user", None)
        if idle and user is not None and user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(self.KEY)
            if seen is not None and now - seen > idle:
                logout(request)
                messages.info(request, _("You were signed out after a while without activity."))
            elif seen is None or now - seen >= self.WRITE_EVERY:
                request.session[self.KEY] = now
        return self.get_response(request)
