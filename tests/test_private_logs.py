"""A server error caused by what a person wrote leaves what they wrote in no log line and no
error email: not the form, not the address, not the query string, not the exception."""

import logging

import pytest
from django.core import mail
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.support.crash_urls")]

CANARY = "Pzcanary"


@pytest.fixture
def log_output():
    """Everything the configured handlers write, as they write it."""
    import io

    stream = io.StringIO()
    handler = logging.getLogger("django").handlers[0]
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def test_a_server_error_logs_the_route_and_the_code_not_what_was_sent(settings, log_output):
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.org")]
    client = Client(raise_request_exception=False)
    response = client.post(
        f"/crash/{CANARY}-url/?q={CANARY}-query",
        {"note": f"Pray for Yusuf {CANARY}-form", "csrfmiddlewaretoken": "x"},
    )
    assert response.status_code == 500
    logged = log_output.getvalue()
    [email] = mail.outbox
    for text in (logged, email.subject, email.body, str(email.alternatives)):
        assert CANARY not in text, text
    # What helps to find the bug is still there.
    assert "Internal Server Error: /crash/<str:word>/" in logged
    assert "tests/support/crash_urls.py" in logged and "ValueError (message withheld)" in logged
    assert "crash/<str:word>/" in email.subject
    assert "crash_urls.py" in email.body and "Status: 500" in email.body


def test_a_refused_host_is_logged_as_a_kind_of_refusal_not_as_itself(settings, log_output):
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@example.org")]
    response = Client().get("/accounts/login/", HTTP_HOST=f"{CANARY}.example.net")
    assert response.status_code == 400
    logged = log_output.getvalue()
    assert "Refused as suspicious (DisallowedHost)" in logged
    assert CANARY not in logged and all(CANARY not in m.subject + m.body for m in mail.outbox)


def test_a_failed_task_is_logged_by_the_type_of_its_error():
    import logging as std

    from config.logging import RoutesNotPaths

    record = std.LogRecord(
        "celery.app.trace",
        std.ERROR,
        __file__,
        1,
        "Task %(name)s raised: %(exc)s",
        None,
        None,
    )
    record.args = {"name": "notifications.tasks.send", "exc": f"ValueError('{CANARY}')"}
    RoutesNotPaths().filter(record)
    assert record.getMessage() == "Task notifications.tasks.send raised: ValueError"
