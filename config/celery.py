"""The Celery app and the one beat schedule of Epaphras.

Every periodic job is declared here, once, with the time it fires. Workers and exactly one
beat process read it: ``celery -A config worker`` and ``celery -A config beat``.
"""

import logging
import os
import time
from contextvars import Token

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("epaphras")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # At the start of every minute: turn due reminder schedules into deliveries (daily lists,
    # weekly group reminders, check-in nudges), each at the recipient's own local time. Due
    # times are whole minutes (07:00), so a tick on the minute finds them as they fall due; a
    # 60-second interval counted from beat's start could be up to a minute behind.
    "dispatch-reminders": {
        "task": "notifications.tasks.dispatch_reminders",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Every 30 seconds: queue again any delivery a dead worker left behind (its one-minute
    # lease ran out) or whose task was lost (Redis restarted empty), so a reminder is at most
    # about two minutes late after such a fault.
    "sweep-reminders": {
        "task": "notifications.tasks.sweep_reminders",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Daily at 03:17 UTC, a quiet hour in most of our communities: drop expired sessions so the
    # session table does not grow without bound.
    "clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    # Daily at 03:47 UTC: throw away spreadsheet imports left unfinished for two weeks, with
    # their uploaded files (names and addresses are not kept longer than they are needed).
    "discard-stale-imports": {
        "task": "imports.tasks.discard_stale_imports",
        "schedule": crontab(hour=3, minute=47),
    },
}


# One line per task, with the task's id on every line logged while it runs: its name, how it
# ended and its time; never its arguments (ids only, but a line need not carry even those).
_started: dict[str, tuple[float, Token[str]]] = {}
task_log = logging.getLogger("epaphras.task")


@signals.task_prerun.connect
def _task_started(task_id=None, **kwargs) -> None:
    from config.logging import current_id

    _started[task_id] = (time.perf_counter(), current_id.set(task_id or "-"))


@signals.task_postrun.connect
def _task_ended(task_id=None, task=None, state=None, **kwargs) -> None:
    from config.logging import current_id

    found = _started.pop(task_id, None)
    if found is None:
        return
    started, token = found
    task_log.info(
        "task %s %s %.1fms",
        getattr(task, "name", "?"),
        state,
        (time.perf_counter() - started) * 1000,
    )
    current_id.reset(token)
