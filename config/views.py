import hashlib
import json
import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.celery import app as celery_app
from notifications.sweep import oldest_waiting_seconds, worker_seen_seconds_ago
from partnerships.access import TwoFactorRequired

logger = logging.getLogger(__name__)


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("healthz: database unreachable", exc_info=True)
        return False


def _broker_reachable() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            # kombu takes float seconds for interval_step; its stubs say int.
            conn.ensure_connection(
                max_retries=1,
                interval_start=0,
                interval_step=0.2,  # type: ignore[arg-type]
                timeout=2,
            )
        return True
    except Exception:
        logger.warning("healthz: broker unreachable", exc_info=True)
        return False


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Reachability of the database and the Celery broker, for load balancers and monitors;
    and, for monitors, how long the longest-waiting email has been due. (A web server is not
    taken out of service because the workers are behind, so that figure leaves the status
    alone: alert on it, e.g. above 300 s.)"""
    checks = {"database": _database_reachable(), "broker": _broker_reachable()}
    healthy = all(checks.values())
    body: dict[str, object] = {
        "status": "ok" if healthy else "unavailable",
        **{name: "ok" if ok else "unreachable" for name, ok in checks.items()},
    }
    if checks["database"]:
        try:
            body["oldest_waiting_delivery_seconds"] = oldest_waiting_seconds()
            # A worker runs beat's sweep every 30 s: above about 90 s, none is running.
            body["worker_seen_seconds_ago"] = worker_seen_seconds_ago()
        except DatabaseError:  # e.g. before the first migrate: the probe still answers
            logger.warning("healthz: deliveries could not be read", exc_info=True)
    return JsonResponse(body, status=200 if healthy else 503)


# What the service worker keeps for a signal-less morning: the files every page needs.
OFFLINE_STATIC_FILES = (
    "css/app.css",
    "js/app.js",
    "js/offline.js",
    "vendor/htmx-2.0.11.min.js",
    "img/icon.svg",
)


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker (templates/service_worker.js), at the site's root so that it may
    look after every page. Its files are named by their static URLs, hashed in production, so
    the script's bytes change, and browsers install it again, whenever one of them does."""
    files = [static(name) for name in OFFLINE_STATIC_FILES]
    config = {
        "version": hashlib.sha256("\n".join(files).encode()).hexdigest()[:12],
        "staticPrefix": static(""),
        "staticFiles": files,
    }
    response = render(
        request,
        "service_worker.js",
        {"config": json.dumps(config)},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: for a sensitive partner kept behind two-factor sign-in, a page that says how to
    turn it on; otherwise Django's own (templates/403.html)."""
    if isinstance(exception, TwoFactorRequired):
        return render(
            request,
            "partnerships/two_factor_required.html",
            {"alias": exception.alias},
            status=403,
        )
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a RequestContext: when the server is failing, the database behind the
    # navigation may be the reason.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
