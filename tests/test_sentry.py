"""Error reports to Sentry (``SENTRY_DSN``) carry where and how it failed, and nothing of the
person, what they sent or the sensitive partner in the view: canaries everywhere, none in
what would leave for Sentry."""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from django.test import Client
from django.urls import reverse
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from config.sentry import scrub, sentry_init
from partnerships.models import Role
from tests.factories import give_two_factor, make_member, make_partner

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.support.crash_urls")]

CANARY = "Qxcanary"


class Captured(Transport):
    """Keeps every envelope instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict]:
        return [e.get_event() for e in self.envelopes if e.get_event() is not None]  # type: ignore[misc]

    def sent(self) -> str:
        return "".join(envelope.serialize().decode() for envelope in self.envelopes)


@pytest.fixture
def reported():
    transport = Captured()
    sentry_init(dsn="https://key@sentry.invalid/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: off again for the other tests


def test_sentry_is_off_without_a_dsn(settings):
    assert settings.SENTRY_DSN == ""
    assert not sentry_sdk.get_client().is_active()


def test_an_error_in_a_view_about_a_sensitive_partner_reaches_sentry_without_them(
    community, settings, monkeypatch, reported
):
    settings.DEBUG = False
    coordinator = make_member(
        community, Role.COORDINATOR, name=f"{CANARY}-person", email=f"{CANARY.lower()}@example.org"
    )
    give_two_factor(coordinator)
    partner = make_partner(
        community,
        name=f"{CANARY}-name",
        location=f"{CANARY}-place",
        alias="A. in Central Asia",
        sensitive=True,
    )

    def failing_health(partners, membership):
        hidden = partners.get()  # the sensitive partner, in scope as the view's own variable
        raise ValueError(f"no health for {hidden.name} in {hidden.location}")

    monkeypatch.setattr("partnerships.views.partners.partner_health", failing_health)
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    client.cookies["note"] = f"{CANARY}-cookie"
    url = reverse("partnerships:partner", kwargs={"slug": community.slug, "pk": partner.pk})

    response = client.get(url, {"q": f"{CANARY}-query"}, HTTP_X_NOTE=f"{CANARY}-header")

    assert response.status_code == 500
    sentry_sdk.flush()
    assert CANARY not in reported.sent()
    assert CANARY.lower() not in reported.sent().lower()
    # What helps to find the bug is still there: the route, the type, the frames.
    errors = [e for e in reported.events() if e.get("exception")]
    assert errors, "the error was not reported"
    [exception] = errors[0]["exception"]["values"]
    assert exception["type"] == "ValueError" and exception["value"] == "(withheld)"
    assert errors[0]["transaction"] == "/c/{slug}/partners/{pk}/"
    assert any(f["function"] == "failing_health" for f in exception["stacktrace"]["frames"])
    assert "user" not in errors[0] and "vars" not in json.dumps(errors[0])


def test_what_a_person_sent_does_not_reach_sentry(settings, reported):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).post(
        f"/crash/{CANARY}-url/?q={CANARY}-query",
        {"note": f"Pray for Yusuf {CANARY}-form", "csrfmiddlewaretoken": "x"},
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    assert reported.events()
    assert CANARY not in reported.sent()


def test_a_log_line_reported_as_an_event_loses_its_text():
    event = {
        "logentry": {"message": "could not send to %s", "params": [CANARY]},
        "message": CANARY,
        "request": {"method": "POST", "url": f"https://x/{CANARY}", "data": CANARY},
        "user": {"email": CANARY},
        "extra": {"celery-job": {"args": [CANARY]}},
        "breadcrumbs": {"values": [{"message": CANARY}]},
        "transaction": "/c/{slug}/",
    }
    scrubbed = scrub(event)
    assert CANARY not in json.dumps(scrubbed)
    assert scrubbed["request"] == {"method": "POST"} and scrubbed["transaction"] == "/c/{slug}/"
