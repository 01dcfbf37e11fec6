"""The notice email and the in-app notifications that answered prayer sends back."""

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Delivery, Preference
from notifications.send import send_batch
from notifications.tokens import unsubscribe_token
from testimonies import services
from tests.conftest import client_for
from tests.factories import make_testimony

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(story, partner, django_capture_on_commit_callbacks):
    testimony = make_testimony(
        story["hall"],
        author=partner,
        title="A hall at last",
        story="The school lent us its hall.",
        scripture="Psalm 126:3",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.testimony_publish(testimony=testimony)
    return testimony


def test_the_email_says_how_often_they_carried_it(published, intercessor):
    (message,) = [m for m in mail.outbox if m.to == [intercessor.email]]
    assert message.subject == "Answered: a request for Tomasz Nowak you carried 12 times"
    assert "A hall at last" in message.body and "Psalm 126:3" in message.body
    html = message.alternatives[0][0]
    assert "you carried 12 times was answered" in html
    link = reverse("testimonies:testimony", args=[published.partner.community.slug, published.pk])
    assert link in message.body
    assert message.extra_headers["X-Epaphras-Kind"] == "testimony"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Message-ID"].startswith("<reminder-")


def test_one_click_unsubscribe_stops_only_these_emails(intercessor):
    token = unsubscribe_token(user_id=intercessor.pk, kind="testimony")
    response = client_for(None).post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 200
    pref = Preference.objects.get(user=intercessor)
    assert not pref.testimony_enabled and pref.daily_enabled


def test_an_unpublished_testimony_is_not_mailed(story, partner):
    testimony = make_testimony(story["hall"], author=partner)
    services.testimony_publish(testimony=testimony)  # on_commit never runs: nothing sent yet
    services.testimony_unpublish(testimony=testimony)
    ids = list(Delivery.objects.values_list("pk", flat=True))
    assert send_batch(ids) == []
    assert not mail.outbox
    assert set(Delivery.objects.values_list("status", flat=True)) == {"skipped"}


def test_unread_count_in_the_menu_and_the_list_marks_them_read(published, intercessor):
    client = client_for(intercessor)
    slug = published.partner.community.slug
    page = client.get(reverse("partnerships:partner_list", args=[slug])).content.decode()
    assert "1 new notification" in page
    notices = client.get(reverse("testimonies:notifications")).content.decode()
    assert "The request for Tomasz Nowak you carried 12 times was answered." in notices
    assert "New" in notices
    page = client.get(reverse("partnerships:partner_list", args=[slug])).content.decode()
    assert "new notification" not in page


def test_opening_the_testimony_marks_its_notice_read(published, intercessor):
    client = client_for(intercessor)
    client.get(
        reverse("testimonies:testimony", args=[published.partner.community.slug, published.pk])
    )
    assert not intercessor.testimony_notices.filter(read_at__isnull=True).exists()


def test_settings_page_turns_these_emails_off(intercessor):
    client = client_for(intercessor)
    response = client.post(
        reverse("notifications:reminder_settings"),
        {"time_zone": "Europe/London", "daily_enabled": "on", "daily_time": "07:00"},
    )
    assert response.status_code == 302
    assert not Preference.objects.get(user=intercessor).testimony_enabled


def test_send_test_reminder_sends_the_latest_notice_again(published, intercessor, partner):
    from django.core.management import CommandError, call_command

    mail.outbox.clear()
    call_command("send_test_reminder", email=intercessor.email, kind="testimony", stdout=None)
    (message,) = mail.outbox
    assert message.subject == "Answered: a request for Tomasz Nowak you carried 12 times"
    with pytest.raises(CommandError, match="has not been told of a testimony yet"):
        call_command("send_test_reminder", email=partner.email, kind="testimony")
