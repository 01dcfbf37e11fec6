"""The JSON backup and its restore: export, restore into an emptied database, export again,
and every file is the same to the byte; refusals leave the database as it was."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from exports.backup import backup_write
from exports.scope import Scope
from exports.spreadsheets import spreadsheets_write
from exports.tables import LEFT_OUT, TABLES, TABLES_BY_LABEL
from partnerships.models import Community, Partner
from tests.exports.world import CANARIES, full_community
from tests.factories import make_community, make_user, png_bytes

pytestmark = pytest.mark.django_db

AT = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def export(slug: str) -> tuple[str, dict[str, bytes]]:
    """The backup and every file of the spreadsheets' zip, at a fixed time."""
    scope = Scope(Community.objects.get(slug=slug), include_sensitive=True)
    with time_machine.travel(AT, tick=False):
        backup = io.StringIO()
        backup_write(backup, scope)
        archive = io.BytesIO()
        spreadsheets_write(archive, scope)
    with zipfile.ZipFile(archive) as opened:
        files = {name: opened.read(name) for name in opened.namelist()}
    return backup.getvalue(), files


def emptied() -> None:
    # PostgreSQL will not empty a table with checks pending in this transaction: run them.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not User.objects.exists() and not Community.objects.exists()


def restore(tmp_path: Path, content: str, name: str = "backup.json") -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out = io.StringIO()
    call_command("restore_community", str(path), stdout=out)
    return out.getvalue()


def test_export_restore_export_gives_the_same_files(tmp_path):
    world = full_community()
    slug = world.community.slug
    photo = world.partner.photo.read()
    backup, sheets = export(slug)
    counts = json.loads(backup)["counts"]
    empty = [table.label for table in TABLES if not counts[table.label]]
    assert not empty, f"the test community should have rows in every table: {empty}"

    emptied()
    said = restore(tmp_path, backup)
    assert f"/c/{slug}/" in said

    again, sheets_again = export(slug)
    assert again == backup
    assert sheets_again.keys() == sheets.keys()
    for name in sheets:
        assert sheets_again[name] == sheets[name], name
    # Nothing the file held was lost: the photo's bytes, people who may sign in by code.
    restored = Partner.objects.get(name="Tomasz Nowak")
    assert restored.photo.read() == photo
    grace = User.objects.get(email=world.coordinator.email)
    assert not grace.has_usable_password()
    assert grace.emailaddress_set.get().verified


def test_the_backup_writes_each_row_once_and_times_to_the_microsecond():
    world = full_community()
    backup, _sheets = export(world.community.slug)
    data = json.loads(backup)
    assert data["format"] == "epaphras-community" and data["version"] == 1
    users = [o for o in data["objects"] if o["model"] == "accounts.user"]
    assert {o["pk"] for o in users} == set(range(1, len(users) + 1))
    # The one who left still has their prayer, so their name comes along; passwords never.
    assert "Ruth Former" in {o["fields"]["name"] for o in users}
    assert all(
        set(o["fields"]) == {"email", "name", "time_zone", "is_active", "date_joined"}
        for o in users
    )
    joined = User.objects.get(email=world.coordinator.email).date_joined
    assert joined.isoformat() in backup


def test_every_table_of_the_project_is_in_the_backup_or_left_out_for_a_reason():
    from django.apps import apps

    ours = ("accounts", "partnerships", "intercession", "testimonies", "notifications")
    labels = {
        model._meta.label_lower for name in ours for model in apps.get_app_config(name).get_models()
    }
    missing = labels - TABLES_BY_LABEL.keys() - LEFT_OUT.keys()
    assert not missing, f"add these tables to exports.tables.TABLES, or to LEFT_OUT: {missing}"


def test_restore_refuses_a_database_that_holds_the_community(tmp_path):
    world = full_community()
    backup, _sheets = export(world.community.slug)
    before = _counts()
    with pytest.raises(CommandError, match="already here"):
        restore(tmp_path, backup)
    assert _counts() == before


def test_restore_refuses_people_who_already_have_accounts(tmp_path):
    world = full_community()
    backup, _sheets = export(world.community.slug)
    emptied()
    make_user(email=world.intercessor.email.upper())
    make_community(name="Another")
    before = _counts()
    with pytest.raises(CommandError, match="already have accounts here"):
        restore(tmp_path, backup)
    assert _counts() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not a JSON backup"),
        ('{"format": "epaphras-community", "version": 1, "objects": [', "not a JSON backup"),
        ("[1, 2, 3]", "not an Epaphras community backup"),
        ('{"format": "something-else", "version": 1, "objects": []}', "not an Epaphras"),
        ('{"format": "epaphras-community", "version": 2, "objects": []}', "version 2"),
        ('{"format": "epaphras-community", "version": 1}', "no list of objects"),
        (
            '{"format": "epaphras-community", "version": 1, "objects": [{"model": "auth.user"}]}',
            "Object 1",
        ),
        ('{"format": "epaphras-community", "version": 1, "objects": []}', "exactly one"),
    ],
)
def test_restore_refuses_a_malformed_file(tmp_path, content, message):
    make_community(name="Already here")
    before = _counts()
    with pytest.raises(CommandError, match=message):
        restore(tmp_path, content)
    assert _counts() == before


def _tampered(backup: str, model: str, change) -> str:
    data = json.loads(backup)
    row = next(o for o in data["objects"] if o["model"] == model)
    change(row)
    return json.dumps(data)


@pytest.mark.parametrize(
    ("model", "change", "message"),
    [
        # A row late in the file fails: everything before it is undone.
        ("testimonies.thanks", lambda r: r["fields"].update(user=999), "does not hold"),
        ("intercession.prayerlog", lambda r: r["fields"].update(prayed_at="yesterday"), "rule"),
        ("partnerships.partner", lambda r: r["fields"].update(time_zone="Mars/Olympus"), "valid"),
        ("partnerships.partner", lambda r: r["fields"].update(photo="bm90IGFuIGltYWdl"), "photo"),
        ("accounts.user", lambda r: r["fields"].update(password="pbkdf2$…"), "password"),
        ("partnerships.membership", lambda r: r["fields"].update(role="king"), "valid"),
        (
            "partnerships.checkin",
            lambda r: r["fields"].update(ends_at=r["fields"]["starts_at"]),
            "rule of the database",
        ),
    ],
)
def test_restore_is_all_or_nothing(tmp_path, settings, model, change, message):
    world = full_community()
    backup, _sheets = export(world.community.slug)
    emptied()
    media = Path(settings.MEDIA_ROOT)
    photos_before = sorted(media.rglob("*.jpg"))
    with pytest.raises(CommandError, match=message):
        restore(tmp_path, _tampered(backup, model, change))
    assert not any(_counts().values())
    assert sorted(media.rglob("*.jpg")) == photos_before  # a photo saved before is gone again


def test_restore_puts_photos_back_as_images(tmp_path):
    world = full_community()
    backup, _sheets = export(world.community.slug)
    emptied()
    data = json.loads(backup)
    photo = next(o for o in data["objects"] if o["model"] == "partnerships.partner")
    assert photo["fields"]["photo"]
    restore(tmp_path, backup)
    restored = Partner.objects.exclude(photo="").get()
    assert restored.photo.read() == world.partner.photo.read() == png_bytes()


def _counts() -> dict[str, int]:
    return {table.label: table.model._default_manager.count() for table in TABLES}


def test_the_command_writes_to_standard_output_and_names_an_unknown_community():
    world = full_community()
    out, err = io.StringIO(), io.StringIO()
    call_command("export_community", world.community.slug, stdout=out, stderr=err)
    assert json.loads(out.getvalue())["community"] == world.community.slug
    with pytest.raises(CommandError, match="No community has the address “nowhere”"):
        call_command("export_community", "nowhere", stdout=out, stderr=err)


def test_the_command_writes_a_file_whole_or_not_at_all(tmp_path):
    world = full_community()
    target = tmp_path / "backup.json"
    call_command("export_community", world.community.slug, output=str(target), stderr=io.StringIO())
    assert json.loads(target.read_text())["counts"]["partnerships.partner"] == 3
    assert not list(tmp_path.glob("*.partial"))
    with pytest.raises(CommandError, match="Could not write"):
        call_command(
            "export_community",
            world.community.slug,
            output=str(tmp_path / "missing" / "b.json"),
            stderr=io.StringIO(),
        )


def test_restoring_a_backup_made_without_two_factor_says_who_is_missing(tmp_path):
    world = full_community()
    backup = io.StringIO()
    backup_write(backup, Scope(world.community, include_sensitive=False))
    emptied()
    said = restore(tmp_path, backup.getvalue())
    assert "made without 1 security-sensitive partners" in said
    assert Partner.objects.count() == 2 and not Partner.objects.filter(sensitive=True).exists()
    assert not User.objects.filter(name=CANARIES[0]).exists()
