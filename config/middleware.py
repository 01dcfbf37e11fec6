"""Middleware of the project as a whole."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from config.logging import current_id, request_id_from, route_of

log = logging.getLogger("epaphras.request")
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class PrivateResponsesMiddleware:
    """Nothing this app answers is kept by a browser's cache, a proxy or a CDN: its pages and
    files (partners' stories and photos, calendar files and feeds, the print page) are
    personal, and a shared or lost device must not hold them. Every response gets
    ``Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private``. Static files
    are answered before this (by WhiteNoise, with their own long cache lifetime)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class RejectNulMiddleware:
    """A NUL byte in the path, the query string or a submitted field can never be meant, and
    PostgreSQL refuses to store or even compare one: it is answered 400 here, before any view
    or form sees it, rather than becoming a server error wherever it reaches the database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return render(request, "400.html", status=400)
        return self.get_response(request)


class RequestLogMiddleware:
    """One line per request: its id (echoed in ``X-Request-ID``), method, route (the pattern,
    never the path: a path can hold a token), status and time. Every other line logged while
    it is handled carries the same id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        token = current_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            log.info(
                "request %s %s %s %.1fms",
                request.method if request.method in KNOWN_METHODS else "OTHER",
                route_of(request),
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            return response
        finally:
            current_id.reset(token)
