"""Reminder emails in the language of the person they go to, whoever triggers them."""

import pytest
from django.core import mail
from django.utils import translation

from tests.notifications.conftest import deliver

pytestmark = pytest.mark.django_db


def test_the_daily_email_is_in_the_recipients_language_whoever_sends_it(world):
    intercessor = world["intercessor"]
    intercessor.language = "es"
    intercessor.save()
    with translation.override("en"):  # a worker, or an English coordinator's request
        deliver(intercessor, "daily")
    [message] = mail.outbox
    assert message.subject.startswith("Ora hoy por Tomasz")
    html = message.alternatives[0][0]
    assert "Oré" in message.body and "Oré" in html and "I prayed" not in html
    assert "Cambiar tus recordatorios" in html


def test_an_english_recipient_still_gets_english_from_a_spanish_sender(world):
    with translation.override("es"):
        deliver(world["intercessor"], "daily")
    [message] = mail.outbox
    assert message.subject.startswith("Pray today for Tomasz")


def test_the_date_in_the_email_is_written_the_spanish_way(world):
    world["coordinator"].language = "es"
    world["coordinator"].save()
    deliver(world["coordinator"], "weekly", topic=f"group:{world['group'].pk}")
    [message] = mail.outbox
    spanish_days = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
    assert any(day in message.body for day in spanish_days), message.body
