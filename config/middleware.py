"""Middleware of the project as a whole."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


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
