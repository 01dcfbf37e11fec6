"""Sending deliveries. Each one is claimed before it is sent, so however many times a worker
is handed the same id (retries, a restarted worker, the sweeper), it goes out once."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
from collections.abc import Iterable
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F, Q
from django.utils import timezone

from intercession.models import DeliveryStatus, ReminderDelivery, ReminderPreference
from intercession.reminders.content import NothingToSend, build_message, shared_lists

logger = logging.getLogger(__name__)

# Give up on a delivery after this many attempts; it is then marked failed.
MAX_ATTEMPTS = 8
# Codes meaning the address itself does not exist: we stop mailing it.
HARD_BOUNCE_CODES = {550, 551, 553}


class Outcome(Enum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"
    NOT_MINE = "not_mine"


def lease() -> timedelta:
    return timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


def claim(delivery_id: int) -> ReminderDelivery | None:
    """Take a delivery for sending, unless it is done or another worker holds it."""
    now = timezone.now()
    taken = (
        ReminderDelivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, lease_until__lt=now)
        )
        .update(
            status=DeliveryStatus.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1
        )
    )
    if not taken:
        return None
    return ReminderDelivery.objects.select_related("user__reminder_preference").get(pk=delivery_id)


def _finish(delivery: ReminderDelivery, status: str, error: str = "", **extra) -> None:
    ReminderDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status, last_error=error[:500], lease_until=None, **extra
    )


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


def send_one(delivery_id: int, connection) -> Outcome:
    delivery = claim(delivery_id)
    if delivery is None:
        return Outcome.NOT_MINE
    try:
        message = build_message(delivery)
    except NothingToSend as reason:
        _finish(delivery, DeliveryStatus.SKIPPED, str(reason))
        return Outcome.SKIPPED
    delivery.email = delivery.user.email
    ReminderDelivery.objects.filter(pk=delivery.pk).update(email=delivery.email)
    message.connection = connection
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 — every failure is recorded on the delivery
        description = f"{type(error).__name__}: {error}"
        if is_transient(error) and delivery.attempts < MAX_ATTEMPTS:
            logger.warning(
                "reminder %s: transient failure, will retry: %s", delivery.pk, description
            )
            _finish(delivery, DeliveryStatus.PENDING, description)
            return Outcome.RETRY
        logger.error("reminder %s: failed: %s", delivery.pk, description)
        _finish(delivery, DeliveryStatus.FAILED, description)
        if _smtp_code(error) in HARD_BOUNCE_CODES:
            ReminderPreference.objects.update_or_create(
                user_id=delivery.user_id,
                defaults={"bounced_at": timezone.now(), "bounce_reason": description[:300]},
            )
        return Outcome.FAILED
    _finish(delivery, DeliveryStatus.SENT, sent_at=timezone.now())
    return Outcome.SENT


def send_batch(delivery_ids: Iterable[int]) -> list[int]:
    """Send several deliveries over one SMTP connection; return the ids to try again later."""
    retry: list[int] = []
    connection = get_connection()
    try:
        try:
            connection.open()
        except Exception as error:  # noqa: BLE001 — the server is unreachable: retry all
            logger.warning("reminders: cannot reach the mail server: %s", error)
            return list(delivery_ids)
        with shared_lists():
            for delivery_id in delivery_ids:
                outcome = send_one(delivery_id, connection)
                if outcome is Outcome.RETRY:
                    retry.append(delivery_id)
                    _reopen(connection)
    finally:
        # Closing a broken connection may fail too.
        with contextlib.suppress(Exception):
            connection.close()
    return retry


def _reopen(connection) -> None:
    """After a failure the SMTP session may be unusable: start a fresh one."""
    with contextlib.suppress(Exception):
        connection.close()
    with contextlib.suppress(Exception):  # the next send reports it
        connection.open()
