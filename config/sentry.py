"""Error reports to Sentry, when ``SENTRY_DSN`` is set: the same rule as the logs
(config/logging.py). A report says which route or task failed, with what type of exception,
where in the code; never who was signed in, what they sent, what the address or its query
held, their cookies or headers, what a variable held, or the exception's message (a database
error quotes the row it refused; a message may name a security-sensitive partner)."""

from __future__ import annotations

import logging
from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.transport import Transport

WITHHELD = "(withheld)"

# What of an event is kept, everything else is dropped: which route or task, what kind of
# error and where (frames without their variables), what version on which machine.
KEPT = {
    "event_id",
    "timestamp",
    "platform",
    "level",
    "logger",
    "transaction",
    "transaction_info",
    "server_name",
    "release",
    "environment",
    "exception",
    "threads",
    "contexts",
    "tags",
    "sdk",
    "modules",
    "fingerprint",
    "type",
}
# Of a frame: where it is and its source lines (code, not data).
FRAME_KEPT = {
    "filename",
    "abs_path",
    "module",
    "function",
    "lineno",
    "colno",
    "in_app",
    "context_line",
    "pre_context",
    "post_context",
}
# Contexts that describe the machine and the trace, not the person.
CONTEXTS_KEPT = {"runtime", "os", "trace", "celery", "django"}


def _frames(stacktrace: dict | None) -> dict | None:
    if not stacktrace:
        return stacktrace
    frames = [
        {key: value for key, value in frame.items() if key in FRAME_KEPT}
        for frame in stacktrace.get("frames", [])
    ]
    return {"frames": frames}


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """``before_send``: keep only what says where and how it failed (``KEPT``)."""
    kept = {key: value for key, value in event.items() if key in KEPT}
    method = (event.get("request") or {}).get("method")
    if method:
        kept["request"] = {"method": method}
    for exception in (kept.get("exception") or {}).get("values", []):
        exception["value"] = WITHHELD
        exception["stacktrace"] = _frames(exception.get("stacktrace"))
    for thread in (kept.get("threads") or {}).get("values", []):
        thread["stacktrace"] = _frames(thread.get("stacktrace"))
    if "logentry" in event or "message" in event:
        # A log line as an event: its text may quote anything (Django's names the path).
        kept["logentry"] = {"message": WITHHELD}
    kept["contexts"] = {
        name: value for name, value in (kept.get("contexts") or {}).items() if name in CONTEXTS_KEPT
    }
    kept["tags"] = {
        name: value
        for name, value in (kept.get("tags") or {}).items()
        if name not in {"url", "user", "user.email", "user.id"}
    }
    return kept


def sentry_init(
    *, dsn: str, environment: str, release: str = "", transport: Transport | None = None
) -> None:
    """Start reporting errors of web requests and Celery tasks to ``dsn``, scrubbed."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        transport=transport,
        integrations=[
            DjangoIntegration(transaction_style="url"),
            CeleryIntegration(),
            # Error logs become events (scrubbed like the rest); no breadcrumbs.
            LoggingIntegration(level=None, event_level=logging.ERROR),
        ],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        max_breadcrumbs=0,
        before_send=scrub,  # type: ignore[arg-type]
        before_send_transaction=scrub,  # type: ignore[arg-type]
        traces_sample_rate=0,
    )
