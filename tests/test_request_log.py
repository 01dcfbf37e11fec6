"""One structured line per request and per task, with an id that every other line of the same
request carries, and nothing a person sent: the route, never the path."""

import io
import logging
import re

import pytest
from django.urls import reverse

from notifications.tasks import sweep_reminders
from notifications.tokens import action_token
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_each_request_is_one_line_with_its_id_route_status_and_time(
    community, intercessor, log_output
):
    token = action_token(action="prayed", user_id=intercessor.pk, target_id=12345)
    response = client_for(intercessor).get(
        reverse("intercession:prayed_link", args=[token]) + "?q=Pzcanary"
    )
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    lines = [line for line in log_output.getvalue().splitlines() if "epaphras.request" in line]
    assert len(lines) == 1, lines
    assert re.search(
        rf"INFO epaphras\.request \[{request_id}\] request GET /r/prayed/<str:token>/ 404 "
        r"\d+\.\dms$",
        lines[0],
    ), lines[0]
    # Not the token, not the query, not the slug of anything.
    assert token not in log_output.getvalue() and "Pzcanary" not in log_output.getvalue()


def test_a_proxys_request_id_is_kept_and_a_hostile_one_replaced(client, log_output):
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-5f2c9a1b"})
    assert kept["X-Request-ID"] == "edge-5f2c9a1b"
    hostile = "x\nFAKE LINE " + "y" * 100
    replaced = client.get("/healthz", headers={"X-Request-ID": hostile})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])
    assert "FAKE LINE" not in log_output.getvalue()


def test_each_task_is_one_line_with_its_name_state_and_time(log_output):
    sweep_reminders.apply()
    lines = [line for line in log_output.getvalue().splitlines() if "epaphras.task" in line]
    assert len(lines) == 1, lines
    assert re.search(
        r"INFO epaphras\.task \[[0-9a-f-]{36}\] task notifications\.tasks\.sweep_reminders "
        r"SUCCESS \d+\.\dms$",
        lines[0],
    ), lines[0]
