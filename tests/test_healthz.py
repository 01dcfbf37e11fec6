import pytest
from django.urls import reverse
from kombu import Connection

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "oldest_waiting_delivery_seconds": 0,
        "worker_seen_seconds_ago": None,
    }
    assert "no-cache" in response["Cache-Control"]


def test_unavailable_when_the_broker_is_unreachable(client, monkeypatch):
    # Nothing listens on port 1: the connection is refused at once.
    monkeypatch.setattr(
        celery_app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0")
    )
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unreachable",
        "oldest_waiting_delivery_seconds": 0,
        "worker_seen_seconds_ago": None,
    }


def test_unavailable_when_the_database_fails(client, monkeypatch):
    from config import views

    def broken_cursor():
        raise OSError("database down")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_reports_how_long_the_longest_waiting_email_has_been_due(client, community):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Delivery, DeliveryStatus
    from tests.factories import make_member

    now = timezone.now()
    person = make_member(community, "intercessor")
    for kind, status, minutes in [
        ("daily", DeliveryStatus.SENT, 60),  # done: not waiting
        ("weekly", DeliveryStatus.SENDING, 7),  # held by a worker that may be gone
        ("checkin_digest", DeliveryStatus.PENDING, 3),
        ("checkin_eve", DeliveryStatus.PENDING, -5),  # not due yet
    ]:
        Delivery.objects.create(
            user=person,
            kind=kind,
            local_date=now.date(),
            due_at=now - timedelta(minutes=minutes),
            status=status,
            sent_at=now if status == DeliveryStatus.SENT else None,
        )
    seconds = client.get(reverse("healthz")).json()["oldest_waiting_delivery_seconds"]
    assert 7 * 60 <= seconds < 7 * 60 + 30


def test_answers_when_the_deliveries_cannot_be_read(client, monkeypatch):
    """A database that answers but has no deliveries table yet (before the first migrate)."""
    from django.db import ProgrammingError

    from config import views

    def no_table():
        raise ProgrammingError('relation "notifications_delivery" does not exist')

    monkeypatch.setattr(views, "oldest_waiting_seconds", no_table)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert "oldest_waiting_delivery_seconds" not in response.json()


def test_reports_when_a_worker_last_ran_the_sweep(client):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.tasks import sweep_reminders

    sweep_reminders()  # as a worker runs it when beat schedules it
    # Seconds, not minutes, however loaded the machine running the test.
    assert 0 <= client.get(reverse("healthz")).json()["worker_seen_seconds_ago"] <= 30
    later = timezone.now() + timedelta(minutes=5)
    from notifications.sweep import worker_seen_seconds_ago

    assert 299 <= worker_seen_seconds_ago(later) <= 301
