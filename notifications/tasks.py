"""Celery tasks: a few lines each, passing ids; the work is in dispatch, send and sweep."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction

from notifications.dispatch import dispatch_due
from notifications.send import next_try_in, send_batch
from notifications.sweep import heartbeat_record, stuck_deliveries


def enqueue_deliveries(ids: list[int]) -> None:
    size = settings.REMINDER_BATCH_SIZE
    for start in range(0, len(ids), size):
        send_reminders.delay(ids[start : start + size])


@shared_task(ignore_result=True)
def dispatch_reminders() -> int:
    ids = dispatch_due()
    # Each of the dispatcher's steps has committed by now; on_commit also covers a caller that
    # holds a transaction of its own.
    transaction.on_commit(lambda: enqueue_deliveries(ids))
    return len(ids)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def send_reminders(self, delivery_ids: list[int]) -> None:
    retry = send_batch(delivery_ids)
    if retry:
        raise self.retry(args=[retry], countdown=next_try_in(retry))


@shared_task(ignore_result=True)
def sweep_reminders() -> int:
    heartbeat_record()  # a worker is running, and beat is scheduling
    ids = stuck_deliveries()
    enqueue_deliveries(ids)
    return len(ids)
