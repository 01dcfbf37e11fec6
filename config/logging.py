"""Logging that never carries what people wrote: no request bodies, no query strings, no
paths (a path can hold a token or a search), no exception messages (a database error quotes
the row it refused). A log line or an error email says which route failed, how, and where in
the code; the person who hit it can say the rest."""

from __future__ import annotations

import logging
import re
import traceback
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import mail_admins
from django.http import HttpRequest

UNRESOLVED = "(an address no route matches)"


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return f"/{match.route}" if match is not None and match.route else UNRESOLVED


class RoutesNotPaths(logging.Filter):
    """Django's request loggers name the path ("Internal Server Error: /c/x/partners/5/"):
    the route is named instead ("/c/<slug:slug>/partners/<int:pk>/"). Its security loggers
    log the refused input itself as the message (a Host header, a file name): only the kind
    of refusal is kept. Celery's task failures quote the exception: only its type is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if record.name.startswith("django.security"):
            record.msg = "Refused as suspicious (%s) at %s"
            record.args = (record.name.rsplit(".", 1)[-1], route_of(request))
        elif record.name.startswith("celery") and isinstance(record.args, dict):
            if "exc" in record.args:
                record.args = {**record.args, "exc": str(record.args["exc"]).split("(", 1)[0]}
        elif isinstance(request, HttpRequest) and isinstance(record.args, tuple):
            path = request.path
            paths = {path, path.encode("unicode_escape").decode("ascii")}
            record.args = tuple(route_of(request) if a in paths else a for a in record.args)
        return True


def private_traceback(exc_info) -> str:
    """The traceback's frames (file, line, function, source line) and each exception's type,
    without its message or any variable's value."""
    _type, error, _tb = exc_info
    lines: list[str] = []
    seen: set[int] = set()
    chain = []
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or error.__context__
    for error in reversed(chain):
        if lines:
            lines.append("\nWhile handling that, another exception:\n")
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_list(traceback.extract_tb(error.__traceback__)))
        kind = type(error)
        lines.append(f"{kind.__module__}.{kind.__qualname__} (message withheld)\n")
    return "".join(lines).rstrip("\n")


class PrivateFormatter(logging.Formatter):
    def formatException(self, ei) -> str:  # noqa: N802 — logging's name
        return private_traceback(ei)


class PrivateAdminEmailHandler(logging.Handler):
    """Server errors to ``ADMINS`` by email: the route, the status, the private traceback.
    Unlike Django's own, no request report (no GET, POST, cookies, headers or local
    variables)."""

    def emit(self, record: logging.LogRecord) -> None:
        if not settings.ADMINS:
            return
        try:
            subject = f"{record.levelname}: {record.getMessage()}"[:200].replace("\n", " ")
            body = [record.getMessage()]
            status = getattr(record, "status_code", None)
            if status is not None:
                body.append(f"Status: {status}")
            if record.exc_info:
                body.append(private_traceback(record.exc_info))
            mail_admins(subject, "\n\n".join(body), fail_silently=True)
        except Exception:
            self.handleError(record)


# The request (or task) being handled, for every line logged while it runs.
current_id: ContextVar[str] = ContextVar("current_id", default="-")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_from(header: str | None) -> str:
    """A proxy's X-Request-ID when it looks like one, so a line here matches the proxy's;
    otherwise a new one. Whatever else the header holds is never logged."""
    if header and REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class WithId(logging.Filter):
    """Puts the id of the request or task being handled on every record (``%(id)s``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.id = current_id.get()
        return True
