"""Loading a community's JSON backup (``exports.backup``) into a database that does not hold
it: all of it, or nothing.

Refused before anything is written: a file that is not JSON, not a community backup, or of
another version; a community whose address is taken here; people who already have accounts
here. Every row is checked as a form would check it (lengths, choices, time zones) and by the
database's own rules; the first fault stops the restore, and nothing of it stays (photos
already saved are removed again).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.base import DeserializationError
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DatabaseError, transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from accounts.models import User
from exports.backup import CHUNK, FORMAT, VERSION
from exports.tables import TABLES, TABLES_BY_LABEL, Table
from partnerships.models import Community, Partner
from partnerships.models.partners import partner_photo_path


class RestoreError(Exception):
    """Why the backup was not restored; nothing of it was written."""


@dataclass
class RestoreSummary:
    community: Community
    counts: dict[str, int] = field(default_factory=dict)
    # Sensitive partners the backup was made without (a coordinator's, without two-factor).
    left_out: int = 0


def community_restore(*, source: IO) -> RestoreSummary:
    """Restore the community backed up in ``source`` (a file open for reading)."""
    data = _envelope(source)
    rows = _rows_by_table(data)
    _refuse_conflicts(rows)
    saved: list[str] = []
    try:
        with transaction.atomic():
            summary = _create(rows, saved)
    except (DatabaseError, DeserializationError) as error:
        _remove(saved)
        raise RestoreError(
            _("The backup breaks a rule of the database, so nothing was restored: %(error)s")
            % {"error": error}
        ) from error
    except BaseException:
        _remove(saved)
        raise
    left_out = data.get("sensitive_partners_left_out")
    summary.left_out = left_out if isinstance(left_out, int) else 0
    return summary


def _envelope(source: IO) -> dict:
    try:
        data = json.load(source)
    except (ValueError, UnicodeDecodeError) as error:
        raise RestoreError(
            _("This file is not a JSON backup: %(error)s") % {"error": error}
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RestoreError(
            _("This file is not an Epaphras community backup (its format should be “%(format)s”).")
            % {"format": FORMAT}
        )
    if data.get("version") != VERSION:
        raise RestoreError(
            _("This backup is version %(version)s; this server restores version %(ours)s.")
            % {"version": data.get("version"), "ours": VERSION}
        )
    if not isinstance(data.get("objects"), list):
        raise RestoreError(_("This backup has no list of objects."))
    return data


def _rows_by_table(data: dict) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = defaultdict(list)
    for position, row in enumerate(data["objects"], start=1):
        if (
            not isinstance(row, dict)
            or row.get("model") not in TABLES_BY_LABEL
            or not isinstance(row.get("pk"), int)
            or not isinstance(row.get("fields"), dict)
        ):
            raise RestoreError(
                _("Object %(n)s of the backup is not one this server knows how to restore.")
                % {"n": position}
            )
        rows[row["model"]].append(row)
    if len(rows["partnerships.community"]) != 1:
        raise RestoreError(_("A backup holds exactly one community."))
    counts = data.get("counts")
    if counts is not None and counts != {t.label: len(rows[t.label]) for t in TABLES}:
        raise RestoreError(_("The backup holds other numbers of rows than it says: is it whole?"))
    return rows


def _refuse_conflicts(rows: dict[str, list[dict]]) -> None:
    slug = rows["partnerships.community"][0]["fields"].get("slug")
    if not isinstance(slug, str) or not slug:
        raise RestoreError(_("The backup's community has no address (slug)."))
    if Community.objects.filter(slug=slug).exists():
        raise RestoreError(
            _(
                "A community with the address “%(slug)s” is already here. Restore into a "
                "database without it (the backup is of a whole community, not an update)."
            )
            % {"slug": slug}
        )
    emails = [str(row["fields"].get("email", "")).lower() for row in rows["accounts.user"]]
    taken: list[str] = []
    for start in range(0, len(emails), CHUNK):
        taken += (
            User.objects.annotate(lowered=Lower("email"))
            .filter(lowered__in=emails[start : start + CHUNK])
            .values_list("email", flat=True)[:6]
        )
    taken.sort()
    if taken:
        raise RestoreError(
            _(
                "People of the backup already have accounts here (%(emails)s). Restore into a "
                "database without them."
            )
            % {"emails": ", ".join(taken[:5]) + (", …" if len(taken) > 5 else "")}
        )


def _create(rows: dict[str, list[dict]], saved: list[str]) -> RestoreSummary:
    keys: dict[type[Model], dict[int, Any]] = {}
    summary = RestoreSummary(community=Community())
    for table in TABLES:
        table_rows = rows[table.label]
        keys[table.model] = {}
        for start in range(0, len(table_rows), CHUNK):
            _create_chunk(table, table_rows[start : start + CHUNK], keys, saved)
        summary.counts[table.label] = len(table_rows)
    summary.community = Community.objects.get(pk=next(iter(keys[Community].values())))
    return summary


def _create_chunk(
    table: Table, chunk: list[dict], keys: dict[type[Model], dict[int, Any]], saved: list[str]
) -> None:
    photos: list[str] = []
    objects: list[Model] = []
    many: list[dict[str, list]] = []
    for row, built in zip(chunk, _built(table, chunk, keys, photos), strict=True):
        obj, m2m = built
        _check(table, row, obj)
        objects.append(obj)
        many.append(m2m)
    # bulk_create stamps auto_now_add fields with the time of the restore: put theirs back.
    stamped = [
        f.attname for f in table.model._meta.concrete_fields if getattr(f, "auto_now_add", False)
    ]
    kept = [[getattr(obj, name) for name in stamped] for obj in objects]
    table.model._default_manager.bulk_create(objects)
    if stamped:
        for obj, values in zip(objects, kept, strict=True):
            for name, value in zip(stamped, values, strict=True):
                setattr(obj, name, value)
        table.model._default_manager.bulk_update(objects, stamped)
    for row, obj in zip(chunk, objects, strict=True):
        keys[table.model][row["pk"]] = obj.pk
    _link(table, objects, many)
    if table.model is Partner:
        _save_photos(chunk, objects, photos, saved)


def _built(
    table: Table, chunk: list[dict], keys: dict[type[Model], dict[int, Any]], photos: list[str]
) -> Iterator[tuple[Model, dict[str, list]]]:
    """Each row as an unsaved object (Django's deserializer), its references translated from
    the backup's numbers to this database's keys."""

    def translated() -> Iterator[dict]:
        for row in chunk:
            fields = dict(row["fields"])
            if table.model is Partner:
                photos.append(fields.pop("photo", "") or "")
            for relation in table.relations:
                number = fields.get(relation.name)
                if number is not None:
                    fields[relation.name] = _key(keys, relation.model, number, table, row)
            for relation in table.many:
                numbers = fields.get(relation.name) or []
                if not isinstance(numbers, list):
                    raise RestoreError(_bad(table, row, relation.name))
                fields[relation.name] = [_key(keys, relation.model, n, table, row) for n in numbers]
            unknown = set(fields) - {f.name for f in table.model._meta.get_fields()}
            if unknown or (table.fields is not None and set(fields) - set(table.fields)):
                raise RestoreError(_bad(table, row, ", ".join(sorted(unknown or fields))))
            yield {"model": table.label, "fields": fields}

    for deserialized in PythonDeserializer(translated()):
        obj = deserialized.object
        if isinstance(obj, User):
            obj.set_unusable_password()
        yield obj, deserialized.m2m_data or {}


def _key(keys, model: type[Model], number: Any, table: Table, row: dict) -> Any:
    try:
        return keys[model][number]
    except (KeyError, TypeError):
        raise RestoreError(
            _("%(model)s #%(pk)s names %(other)s #%(number)s, which the backup does not hold.")
            % {
                "model": table.label,
                "pk": row["pk"],
                "other": model._meta.label_lower,
                "number": number,
            }
        ) from None


def _bad(table: Table, row: dict, what: str) -> str:
    return _("%(model)s #%(pk)s: “%(what)s” is not something this server can restore.") % {
        "model": table.label,
        "pk": row["pk"],
        "what": what,
    }


def _check(table: Table, row: dict, obj: Model) -> None:
    """What a form would check: lengths, choices, required values, time zones. (References
    are already checked, and the database checks the rest.)"""
    exclude = [r.name for r in table.relations] + ["password", "photo"]
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as error:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        raise RestoreError(
            _("%(model)s #%(pk)s is not valid: %(problems)s")
            % {"model": table.label, "pk": row["pk"], "problems": problems}
        ) from error


def _link(table: Table, objects: list[Model], many: list[dict[str, list]]) -> None:
    for relation in table.many:
        m2m = table.model._meta.get_field(relation.name)
        through = m2m.remote_field.through  # type: ignore[union-attr]
        source = f"{m2m.m2m_field_name()}_id"  # type: ignore[union-attr]
        target = f"{m2m.m2m_reverse_field_name()}_id"  # type: ignore[union-attr]
        links = [
            through(**{source: obj.pk, target: key})
            for obj, m2m_data in zip(objects, many, strict=True)
            for key in m2m_data.get(relation.name, [])
        ]
        through._default_manager.bulk_create(links, batch_size=CHUNK)


def _save_photos(chunk: list[dict], partners: list[Model], photos: list[str], saved: list[str]):
    changed = []
    for row, partner, content in zip(chunk, partners, photos, strict=True):
        if not content:
            continue
        assert isinstance(partner, Partner)
        partner.photo.save(
            partner_photo_path(partner, "photo.jpg"), ContentFile(_image(row, content)), save=False
        )
        saved.append(partner.photo.name or "")
        changed.append(partner)
    if changed:
        Partner.objects.bulk_update(changed, ["photo"])


def _image(row: dict, content: Any) -> bytes:
    try:
        data = base64.b64decode(str(content), validate=True)
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (binascii.Error, ValueError, UnidentifiedImageError, OSError) as error:
        raise RestoreError(
            _("The photo of partner #%(pk)s in the backup is not an image we can read.")
            % {"pk": row["pk"]}
        ) from error
    return data


def _remove(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)
