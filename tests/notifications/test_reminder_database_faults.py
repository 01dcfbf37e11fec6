"""A send that loses its database connection: the outcome is written on a new connection, a
message the server accepted is not sent again, and a database error is never taken for an
email that cannot be built."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus
from notifications.send import send_batch
from tests.factories import make_group, make_member, make_partner, make_request

# Outside a test transaction, as a worker runs: a failed query inside one spoils it.
pytestmark = pytest.mark.django_db(transaction=True)


class LostConnection:
    """Fails the first ``times`` queries that ``matches`` as a terminated connection does."""

    def __init__(self, matches, times: int):
        self.matches, self.left, self.failed = matches, times, 0

    def __call__(self, execute, sql, params, many, context):
        if self.left > 0 and self.matches(sql, params or ()):
            self.left -= 1
            self.failed += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


def outcome_write(status: str, pk: int | None = None):
    def matches(sql, params):
        return (
            sql.startswith('UPDATE "notifications_delivery"')
            and status in params
            and (pk is None or pk in params)
        )

    return matches


@pytest.fixture
def due(community):
    partner = make_partner(community, name="Tomasz Nowak")
    make_request(partner, text="Favour at the visa office")
    people = [make_member(community, "intercessor") for _ in range(3)]
    make_group(community, members=people, partners=[partner])
    return [
        Delivery.objects.create(
            user=person, kind="daily", local_date=timezone.localdate(), due_at=timezone.now()
        )
        for person in people
    ]


def statuses(deliveries) -> list[str]:
    return [Delivery.objects.get(pk=d.pk).status for d in deliveries]


def test_the_sent_mark_is_written_again_on_a_new_connection(due):
    cut = LostConnection(outcome_write(DeliveryStatus.SENT, due[0].pk), times=2)
    with connection.execute_wrapper(cut):
        assert send_batch([d.pk for d in due]) == []
    assert cut.failed == 2
    assert statuses(due) == [DeliveryStatus.SENT] * 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(d.user.email for d in due)


def test_a_database_error_while_building_is_tried_again_not_failed(due, monkeypatch):
    from notifications import send

    real = send.build_message
    calls = []

    def build_once_without_a_database(delivery, shared):
        calls.append(delivery.pk)
        if len(calls) == 1:
            raise OperationalError("the database system is starting up")
        return real(delivery, shared)

    monkeypatch.setattr(send, "build_message", build_once_without_a_database)
    assert send_batch([d.pk for d in due]) == [due[0].pk]
    first = Delivery.objects.get(pk=due[0].pk)
    assert first.status == DeliveryStatus.PENDING
    assert first.last_error == "Database unavailable: OperationalError"
    assert statuses(due[1:]) == [DeliveryStatus.SENT] * 2
    # The task's retry sends it, once.
    assert send_batch([due[0].pk]) == []
    assert statuses(due) == [DeliveryStatus.SENT] * 3
    assert len(mail.outbox) == 3


def test_the_rest_of_the_batch_goes_on_when_an_outcome_cannot_be_written(due, settings, caplog):
    settings.REMINDER_LEASE_SECONDS = 2
    cut = LostConnection(outcome_write(DeliveryStatus.SENT, due[0].pk), times=1000)
    with (
        caplog.at_level(logging.CRITICAL, "notifications.send"),
        connection.execute_wrapper(cut),
    ):
        assert send_batch([d.pk for d in due]) == []
    # The first stays claimed (its lease, then the sweeper); the others were sent and marked.
    assert statuses(due) == [DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.SENT]
    assert len(mail.outbox) == 3
    assert f"reminder {due[0].pk}: its outcome (sent) could not be recorded" in caplog.text


def test_a_long_batch_renews_the_lease_of_what_it_has_not_sent(due, settings, monkeypatch):
    """A slow server: each message takes more than half the lease. The deliveries still to be
    sent keep a lease that has not run out, so the sweeper never hands them to another
    worker while this one is alive."""
    from notifications import send
    from notifications.sweep import stuck_deliveries

    settings.REMINDER_LEASE_SECONDS = 60
    clock = [timezone.now()]
    monkeypatch.setattr(send.timezone, "now", lambda: clock[0])
    swept: list[list[int]] = []
    real = send.send_one

    def slow_send(delivery, shared, connection):
        swept.append(stuck_deliveries(clock[0]))
        outcome = real(delivery, shared, connection)
        clock[0] += timedelta(seconds=40)  # the server took 40 s to answer
        return outcome

    monkeypatch.setattr(send, "send_one", slow_send)
    assert send_batch([d.pk for d in due]) == []
    assert swept == [[], [], []]
    assert statuses(due) == [DeliveryStatus.SENT] * 3 and len(mail.outbox) == 3
