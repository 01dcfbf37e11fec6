"""The ledger moved from the intercession app to notifications: rows written under the old
schema are all there afterwards, with every field, and the old tables are gone."""

from datetime import time, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("notifications", None),
    ("intercession", "0003_delivery_community"),
    ("partnerships", "0002_partners_requests_checkins"),
    ("accounts", "0001_initial"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_reminder_rows_survive_the_move_to_notifications():
    old = migrate(BEFORE)
    user = old.get_model("accounts", "User").objects.create(email="ruth@example.org")
    community = old.get_model("partnerships", "Community").objects.create(
        name="Riverside", slug="riverside"
    )
    now = timezone.now().replace(microsecond=0)
    old.get_model("intercession", "ReminderPreference").objects.create(
        user=user, daily_time=time(6, 15), daily_next_at=now, weekly_enabled=False
    )
    sent = old.get_model("intercession", "ReminderDelivery").objects.create(
        user=user,
        kind="weekly",
        topic="group:7",
        community=community,
        local_date=now.date(),
        due_at=now,
        status="sent",
        email="ruth@example.org",
        attempts=2,
        sent_at=now + timedelta(seconds=3),
    )
    new = migrate(
        [(app, node) for app, node in MigrationExecutor(connection).loader.graph.leaf_nodes()]
    )
    preference = new.get_model("notifications", "Preference").objects.get(user_id=user.pk)
    assert (preference.daily_time, preference.daily_next_at) == (time(6, 15), now)
    assert preference.weekly_enabled is False and preference.testimony_enabled is True
    delivery = new.get_model("notifications", "Delivery").objects.get()
    assert delivery.pk == sent.pk
    assert (delivery.kind, delivery.topic, delivery.community_id) == (
        "weekly",
        "group:7",
        community.pk,
    )
    assert (delivery.status, delivery.attempts, delivery.email) == ("sent", 2, "ruth@example.org")
    assert delivery.sent_at == now + timedelta(seconds=3)
    tables = connection.introspection.table_names()
    assert "intercession_reminderdelivery" not in tables
    assert {"notifications_delivery", "notifications_preference"} <= set(tables)
    # A new delivery after the move gets a fresh id, past the moved ones.
    later = new.get_model("notifications", "Delivery").objects.create(
        user_id=user.pk, kind="daily", local_date=now.date(), due_at=now
    )
    assert later.pk > sent.pk
