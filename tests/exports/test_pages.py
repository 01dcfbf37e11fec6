"""The export page and its downloads: who may download what, sensitive partners only with
two-factor, a partner's own data and nobody else's, an audit event per download."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from partnerships.models import AuditEvent, Role
from tests.conftest import client_for
from tests.exports.world import CANARIES, full_community
from tests.factories import give_two_factor, make_member

pytestmark = pytest.mark.django_db


def download(client, name: str, slug: str) -> bytes:
    response = client.post(reverse(f"exports:{name}", args=[slug]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def files_of(zipped: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def everything(client, slug: str) -> dict[str, str]:
    """Every file a coordinator can download: the spreadsheets and the backup."""
    found = files_of(download(client, "spreadsheets", slug))
    found["backup.json"] = download(client, "backup", slug).decode()
    return found


def test_only_the_communitys_coordinators_export_it():
    world = full_community()
    slug = world.community.slug
    outsider = make_member(full_community().community, Role.COORDINATOR)
    for user, expected in [
        (outsider, 404),
        (world.intercessor, 403),
        (world.partner_user, 403),
        (world.coordinator, 200),
    ]:
        client = client_for(user)
        assert client.get(reverse("exports:export", args=[slug])).status_code == expected
        for name in ("spreadsheets", "backup"):
            assert client.post(reverse(f"exports:{name}", args=[slug])).status_code == expected
    assert (
        client_for(world.coordinator).post(reverse("exports:mine", args=[slug])).status_code == 403
    )


def test_without_two_factor_no_sensitive_partner_leaves(settings):
    world = full_community()
    slug = world.community.slug
    # Even where the community lets coordinators see them on its pages without two-factor:
    # a file leaves the app.
    world.community.two_factor_for_sensitive = False
    world.community.save()
    client = client_for(world.coordinator)
    page = client.get(reverse("exports:export", args=[slug])).content.decode()
    assert "One security-sensitive partner will be left out" in page
    assert reverse("mfa_activate_totp") in page
    files = everything(client, slug)
    assert set(files) >= {"members.csv", "partners.csv", "prayer_requests.csv", "README.txt"}
    for name, content in files.items():
        for canary in CANARIES:
            assert canary.lower() not in content.lower(), (name, canary)
        assert "canary" not in content.lower(), name
    assert "Marcus Bell" in files["partners.csv"]
    assert "1 security-sensitive partner" in files["README.txt"].replace("One", "1")
    assert json.loads(files["backup.json"])["sensitive_partners_left_out"] == 1


def test_with_two_factor_sensitive_partners_are_in_every_file():
    world = full_community()
    give_two_factor(world.coordinator)
    client = client_for(world.coordinator)
    slug = world.community.slug
    page = client.get(reverse("exports:export", args=[slug])).content.decode()
    assert "left out" not in page
    files = everything(client, slug)
    for name in ("partners.csv", "prayer_requests.csv", "backup.json"):
        assert CANARIES[0] in files[name], name
    assert CANARIES[1] in files["partners.csv"]
    assert CANARIES[2] in files["prayer_requests.csv"] and CANARIES[2] in files["backup.json"]
    assert json.loads(files["backup.json"])["sensitive_partners_left_out"] == 0


def test_the_page_counts_what_the_files_hold():
    world = full_community()
    client = client_for(world.coordinator)
    response = client.get(reverse("exports:export", args=[world.community.slug]))
    summary = response.context["summary"]
    files = files_of(download(client, "spreadsheets", world.community.slug))
    rows = {name: content.count("\r\n") - 1 for name, content in files.items()}
    assert summary.partners == rows["partners.csv"] == 2
    assert summary.requests == rows["prayer_requests.csv"]
    assert summary.prayers == rows["prayers.csv"]
    assert summary.members == rows["members.csv"] == 3  # not the sensitive partner's account
    assert summary.left_out == 1


def test_a_formula_typed_into_a_field_stays_text():
    world = full_community()
    files = files_of(download(client_for(world.coordinator), "spreadsheets", world.community.slug))
    assert '"\'=HYPERLINK(""http://evil.example"")"' in files["partners.csv"]


def test_every_export_is_in_the_audit_trail():
    world = full_community()
    give_two_factor(world.coordinator)
    slug = world.community.slug
    download(client_for(world.coordinator), "spreadsheets", slug)
    download(client_for(world.coordinator), "backup", slug)
    download(client_for(world.partner_user), "mine", slug)
    call_command("export_community", slug, stdout=io.StringIO(), stderr=io.StringIO())
    events = AuditEvent.objects.filter(community=world.community, action="exported")
    assert [(e.user_id, e.alias, e.what) for e in events.order_by("pk")] == [
        (world.coordinator.pk, "—", "the community's data as spreadsheets (CSV)"),
        (world.coordinator.pk, "—", "the community's backup (JSON)"),
        (world.partner_user.pk, "Tomasz Nowak", "their own data (JSON)"),
        (None, "—", "the community's backup (JSON), with manage.py on the server"),
    ]
    events.filter(user=world.coordinator).update(user=None)  # as after deleting an account
    newcomer = client_for(make_member(world.community, Role.COORDINATOR))
    rows = newcomer.get(reverse("partnerships:audit", args=[slug])).content.decode()
    assert rows.count("the server's operator") == 1 and rows.count("a deleted account") == 2


def test_without_two_factor_the_trail_says_how_many_were_left_out():
    world = full_community()
    download(client_for(world.coordinator), "backup", world.community.slug)
    event = AuditEvent.objects.get(action="exported")
    assert event.what == "the community's backup (JSON); 1 sensitive partners left out"


def test_a_partner_downloads_their_own_data_and_nobody_elses():
    world = full_community()
    client = client_for(world.partner_user)
    corner = client.get(reverse("testimonies:corner", args=[world.community.slug]))
    assert reverse("exports:mine", args=[world.community.slug]) in corner.content.decode()
    content = download(client, "mine", world.community.slug).decode()
    data = json.loads(content)
    assert data["profile"]["name"] == "Tomasz Nowak"
    assert data["profile"]["children"] == [{"name": "Micah", "birth_year": 2018}]
    assert data["profile"]["photo_jpeg_base64"]
    assert {r["request"] for r in data["requests"]} == {"For the visa", "For Anna's surgery"}
    visa = next(r for r in data["requests"] if r["request"] == "For the visa")
    assert visa["times_prayed_for"] == 2 and visa["updates"][0]["update"] == "Moved to Friday"
    assert data["checkins"][0]["who_goes"] == ["Grace Whitfield", "Tomasz Nowak"]
    prayed = data["prayed_for_you"]
    assert prayed["groups"][0]["members"] == ["Daniel", "Grace"]
    assert sum(month["prayers"] for month in prayed["by_month"]) == 3
    assert (
        sum(month["people"] for month in prayed["by_month"]) == 2
    )  # Daniel, and one who deleted their account
    assert [n["note"] for n in prayed["notes_shared_with_you"]] == ["Ps 121"]
    assert [t["title"] for t in data["testimonies"]] == ["Healed"]
    # Nobody else's: not Marcus's private request, not the sensitive partner, no check-in notes.
    for other in ("Marcus", "private matter", "Good coffee", "We prayed", *CANARIES):
        assert other.lower() not in content.lower(), other


def test_export_leads_each_person_to_their_own_download():
    world = full_community()
    slug = world.community.slug
    for user, expected in [
        (world.coordinator, reverse("exports:export", args=[slug])),
        (world.partner_user, reverse("testimonies:corner", args=[slug])),
        (world.intercessor, reverse("partnerships:home")),
    ]:
        response = client_for(user).get(reverse("exports:export_home"))
        assert response["Location"] == expected
