"""Sending deliveries. Each one is claimed before it is sent, so however many times a worker
is handed the same id (retries, a restarted worker, the sweeper), it goes out once."""

from __future__ import annotations

import contextlib
import logging
import math
import smtplib
import socket
import time
from collections.abc import Iterable
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import InterfaceError, OperationalError, transaction
from django.db import connection as database
from django.db.models import F, Min, Q
from django.utils import timezone

from accounts.languages import languages_preload
from notifications import kinds
from notifications.emails import build_message
from notifications.kinds import NothingToSend
from notifications.models import Delivery, DeliveryStatus, Preference

logger = logging.getLogger(__name__)

# Give up on a delivery after this many attempts; it is then marked failed.
MAX_ATTEMPTS = 8
# Codes meaning the address itself does not exist: we stop mailing it.
HARD_BOUNCE_CODES = {550, 551, 553}
# While the server cannot be reached, a delivery is tried again for this long after it was due
# (a day-old reminder has missed its day); then it counts attempts like any other failure.
GIVE_UP_UNREACHABLE = timedelta(days=1)


class Outcome(Enum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"


def lease() -> timedelta:
    return timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


def claim(delivery_ids: Iterable[int]) -> list[Delivery]:
    """Take deliveries for sending, leaving those that are done or that another worker holds.
    Rows another transaction is claiming right now are skipped, not waited for."""
    now = timezone.now()
    with transaction.atomic():
        taken = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=list(delivery_ids), attempts__lt=MAX_ATTEMPTS)
            .filter(
                Q(status=DeliveryStatus.PENDING)
                | Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
            )
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=taken).update(
            status=DeliveryStatus.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1
        )
    return list(
        Delivery.objects.filter(pk__in=taken)
        .select_related("user__reminder_preference")
        .order_by("pk")
    )


def retry_countdown(retries: int) -> int:
    """Seconds before the next attempt after a transient failure: base, 2×base, 4×base …,
    at most an hour."""
    return min(settings.REMINDER_RETRY_BASE_SECONDS * 2**retries, 3600)


# A lost or refused database connection: worth another try on a new connection. (An error in
# the data, such as an IntegrityError, is not.)
DATABASE_DOWN = (OperationalError, InterfaceError)


def _on_a_live_connection(write, *, until):
    """Run a database write; when the connection is lost (terminated, restarted, a network
    cut), drop it and try again on a new one, backing off, until ``until``."""
    pause = 0.2
    while True:
        try:
            return write()
        except DATABASE_DOWN as error:
            if timezone.now() >= until:
                raise
            logger.warning("reminders: database unavailable, trying again: %s", _for_log(error))
            with contextlib.suppress(Exception):
                database.close()  # the next query opens a new connection
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def _finish(delivery: Delivery, status: str, error: str = "", **extra) -> None:
    """Record a claimed delivery's outcome. It is retried on fresh connections for as long as
    the claim's lease holds, since a sent message whose outcome is lost would go out again once
    the lease ends."""
    fields = {"lease_until": None, **extra}

    def write() -> None:
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=status, last_error=error[:500], **fields
        )

    deadline = (delivery.lease_until or timezone.now()) - timedelta(seconds=1)
    try:
        _on_a_live_connection(write, until=deadline)
    except DATABASE_DOWN:
        logger.critical(
            "reminder %s: its outcome (%s) could not be recorded before its lease ended",
            delivery.pk,
            status,
        )
        raise


def _for_log(error: Exception) -> str:
    """An error as a log line may say it: its type and SMTP code, never its message (which
    quotes addresses, server replies, rows)."""
    code = _smtp_code(error)
    return f"{type(error).__name__}" + (f" {code}" if code else "")


def _smtp_code(error: Exception) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return min(codes) if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def is_transient(error: Exception) -> bool:
    code = _smtp_code(error)
    if code is not None:
        return 400 <= code < 500
    return isinstance(
        error,
        (
            smtplib.SMTPServerDisconnected,
            smtplib.SMTPConnectError,
            ConnectionError,
            socket.timeout,
            TimeoutError,
            OSError,
        ),
    )


def server_unreachable(error: Exception) -> bool:
    """A failure to talk to the server at all (refused, cut, timed out), as against the
    server answering this message with a code."""
    return _smtp_code(error) is None and is_transient(error)


def next_try_in(delivery_ids: Iterable[int]) -> int:
    """Seconds until the soonest of these deliveries may be tried again: each one's own
    "not before" (its back-off after a refusal, or the steady pace while the server is
    unreachable); that steady pace when none has one (the server could not be reached before
    any was claimed)."""
    soonest = Delivery.objects.filter(
        pk__in=list(delivery_ids), status=DeliveryStatus.PENDING, lease_until__isnull=False
    ).aggregate(soonest=Min("lease_until"))["soonest"]
    if soonest is None:
        return settings.REMINDER_SERVER_RETRY_SECONDS
    return max(1, math.ceil((soonest - timezone.now()).total_seconds()))


def _retry_plan(delivery: Delivery, error: Exception) -> tuple[int, dict] | None:
    """When a failed send is tried again: (seconds to wait, fields to change), or None when it
    has failed for good.

    A server that cannot be reached at all (down, or the network is) is not this message's
    fault: it costs none of the attempts and is tried at a steady pace, so the message goes out
    soon after the server is back. A message the server turned away for now backs off."""
    if server_unreachable(error) and timezone.now() - delivery.due_at < GIVE_UP_UNREACHABLE:
        return settings.REMINDER_SERVER_RETRY_SECONDS, {"attempts": F("attempts") - 1}
    if is_transient(error) and delivery.attempts < MAX_ATTEMPTS:
        return retry_countdown(delivery.attempts - 1), {}
    return None


def send_one(delivery: Delivery, shared: object, connection: BaseEmailBackend) -> Outcome:
    """Send a claimed delivery and record the outcome at once: a worker killed later in the
    batch must not leave this one to be sent again."""
    try:
        message = build_message(delivery, shared)
    except NothingToSend as reason:
        _finish(delivery, DeliveryStatus.SKIPPED, str(reason))
        return Outcome.SKIPPED
    except DATABASE_DOWN as error:
        # Not the email's fault: build it again later, on a working connection.
        logger.warning(
            "reminder %s: database unavailable while building it: %s", delivery.pk, _for_log(error)
        )
        _finish(
            delivery,
            DeliveryStatus.PENDING,
            f"Database unavailable: {type(error).__name__}",
            lease_until=timezone.now() + timedelta(seconds=retry_countdown(delivery.attempts - 1)),
        )
        return Outcome.RETRY
    except Exception as error:  # noqa: BLE001 — one unbuildable email must not hold up the rest
        logger.exception("reminder %s: could not be built", delivery.pk)
        _finish(delivery, DeliveryStatus.FAILED, f"Could not build it: {type(error).__name__}")
        return Outcome.FAILED
    email = delivery.user.email
    message.connection = connection
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 — every failure is recorded on the delivery
        description = f"{type(error).__name__}: {error}"
        retry = _retry_plan(delivery, error)
        if retry is not None:
            wait, extra = retry
            logger.warning(
                "reminder %s: will retry in %s s: %s", delivery.pk, wait, _for_log(error)
            )
            # Not before then: the task's own retry comes at that time, the sweeper after it.
            _finish(
                delivery,
                DeliveryStatus.PENDING,
                description,
                email=email,
                lease_until=timezone.now() + timedelta(seconds=wait),
                **extra,
            )
            return Outcome.RETRY
        logger.error("reminder %s: failed: %s", delivery.pk, _for_log(error))
        _finish(delivery, DeliveryStatus.FAILED, description, email=email)
        if _smtp_code(error) in HARD_BOUNCE_CODES:
            Preference.objects.update_or_create(
                user_id=delivery.user_id,
                defaults={"bounced_at": timezone.now(), "bounce_reason": description[:300]},
            )
        return Outcome.FAILED
    _finish(delivery, DeliveryStatus.SENT, email=email, sent_at=timezone.now())
    return Outcome.SENT


def send_batch(delivery_ids: Iterable[int]) -> list[int]:
    """Send several deliveries over one SMTP connection; return the ids to try again later."""
    delivery_ids = list(delivery_ids)
    retry: list[int] = []
    connection = get_connection()
    try:
        try:
            connection.open()
        except Exception as error:  # noqa: BLE001 — the server is unreachable: retry all
            logger.warning("reminders: cannot reach the mail server: %s", _for_log(error))
            return delivery_ids
        try:
            deliveries = claim(delivery_ids)
            shared = prepare(deliveries)
        except DATABASE_DOWN as error:
            # Nothing was sent. What was claimed waits out its lease; the rest is retried.
            logger.warning("reminders: database unavailable before sending: %s", _for_log(error))
            with contextlib.suppress(Exception):
                database.close()
            return delivery_ids
        for index, delivery in enumerate(deliveries):
            try:
                _keep_leases(deliveries[index:])
            except DATABASE_DOWN:
                # The leases could not be renewed in time: stop, and leave the rest to the
                # sweeper once they run out, rather than send what another worker may take.
                break
            try:
                outcome = send_one(delivery, shared.get(delivery.kind), connection)
            except DATABASE_DOWN:
                # Its outcome could not be written within its lease (logged): the sweeper
                # takes it up once the lease ends. The rest of the batch goes on.
                continue
            if outcome is Outcome.RETRY:
                retry.append(delivery.pk)
                _reopen(connection)
    finally:
        # Closing a broken connection may fail too.
        with contextlib.suppress(Exception):
            connection.close()
    return retry


def _keep_leases(remaining: list[Delivery]) -> None:
    """Renew the lease of what a long batch has not sent yet once half of it is gone. A short
    lease brings a dead worker's deliveries back quickly; this keeps a slow but living worker's
    from being handed to another."""
    now = timezone.now()
    held_until = remaining[0].lease_until
    if held_until is None or held_until - now > lease() / 2:
        return
    until = now + lease()
    ids = [delivery.pk for delivery in remaining]
    _on_a_live_connection(
        lambda: Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).update(
            lease_until=until
        ),
        until=held_until - timedelta(seconds=1),
    )
    for delivery in remaining:
        delivery.lease_until = until


def prepare(deliveries: list[Delivery]) -> dict[str, object]:
    """What each kind's messages in this batch share, loaded once per kind."""
    by_kind: dict[str, list[Delivery]] = {}
    for delivery in deliveries:
        by_kind.setdefault(delivery.kind, []).append(delivery)
    languages_preload(delivery.user for delivery in deliveries)
    shared: dict[str, object] = {}
    for kind, of_kind in by_kind.items():
        spec = kinds.get(kind)
        if spec.prepare is not None:
            shared[kind] = spec.prepare(of_kind)
    return shared


def _reopen(connection: BaseEmailBackend) -> None:
    """After a failure the SMTP session may be unusable: start a fresh one."""
    with contextlib.suppress(Exception):
        connection.close()
    with contextlib.suppress(Exception):  # the next send reports it
        connection.open()
