"""Writing a community's JSON backup: every row of the community, in one file that
``exports.restore`` loads into another database with nothing lost.

Rows are Django's own serialization (``django.core.serializers``' python serializer), with two
changes that let a backup go anywhere and come back the same: each table's rows are numbered
1, 2, 3… in the order of their keys, and every reference is written in those numbers (a
restore gives them new keys, in the same order, so a backup of the restored community is the
same file); and a partner's photo is written as its content (base64), not as a file name.

The file is written a row at a time (the tables are read with ``.iterator()``), so a large
community's backup takes no more memory than a small one's. The envelope::

    {"format": "epaphras-community", "version": 1, "exported_at": "…", "community": "slug",
     "sensitive_partners_left_out": 0,
     "objects": [{"model": "accounts.user", "pk": 1, "fields": {…}}, …],
     "counts": {"accounts.user": 12, …}}
"""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from exports.scope import Scope
from exports.tables import REFERENCED, TABLES, Table
from partnerships.models import Partner

FORMAT = "epaphras-community"
VERSION = 1
CHUNK = 1000


class BackupEncoder(DjangoJSONEncoder):
    """Django's, keeping times to the microsecond (Django's stops at the millisecond)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def dumps(value: Any) -> str:
    return json.dumps(value, cls=BackupEncoder, ensure_ascii=False)


class RowSerializer(PythonSerializer):
    """Django's python serializer, handing each row on as it is done instead of keeping them
    all in a list."""

    def __init__(self, emit) -> None:
        super().__init__()
        self.emit = emit

    def end_object(self, obj: Model) -> None:
        self.emit(obj, self._current)  # type: ignore[has-type]
        self._current = None


@dataclass
class BackupSummary:
    counts: dict[str, int] = field(default_factory=dict)
    left_out: int = 0

    @property
    def partners(self) -> int:
        return self.counts.get("partnerships.partner", 0)


@contextmanager
def snapshot() -> Iterator[None]:
    """Every read inside sees the database as it was at the first: a prayer logged meanwhile
    cannot point at a request the file does not hold. SQLite's transactions do so already;
    PostgreSQL's default reads each statement afresh. (Inside a transaction begun before, as in
    tests, the reads are that transaction's, which cannot change its isolation any more.)"""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def backup_write(out: TextIO, scope: Scope) -> BackupSummary:
    """Write the backup of ``scope`` to ``out``, as one snapshot of the database."""
    with snapshot():
        return _write(out, scope)


def _write(out: TextIO, scope: Scope) -> BackupSummary:
    summary = BackupSummary(left_out=scope.left_out)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now(),
        "community": scope.community.slug,
        "sensitive_partners_left_out": scope.left_out,
    }
    out.write(dumps(header)[:-1] + ', "objects": [')
    user_ids = sorted(people(scope))
    numbers: dict[type[Model], dict[Any, int]] = {}
    first = True
    for table in TABLES:
        numbered: dict[Any, int] = {}
        count = 0

        def emit(obj: Model, fields: dict, table: Table = table, numbered=numbered) -> None:
            nonlocal count, first
            kept = renumbered(table, fields, numbers)
            if kept is None:
                return
            if isinstance(obj, Partner):
                kept["photo"] = photo_content(obj)
            count += 1
            if table.model in REFERENCED:
                numbered[obj.pk] = count
            row = {"model": table.label, "pk": count, "fields": kept}
            out.write(("\n" if first else ",\n") + dumps(row))
            first = False

        serializer = RowSerializer(emit)
        for rows in table_rows(table, scope, user_ids):
            serializer.serialize(rows, fields=table.fields)
        numbers[table.model] = numbered
        summary.counts[table.label] = count
    out.write("\n], " + dumps({"counts": summary.counts})[1:] + "\n")
    return summary


def table_rows(table: Table, scope: Scope, user_ids: list[int]) -> Iterator[Iterator[Model]]:
    """The table's rows for this export, in their order, a chunk of people at a time for the
    tables kept per person."""
    rows = table.rows(scope).order_by(*table.order)
    if table.prefetch:
        rows = rows.prefetch_related(*table.prefetch)
    if not table.per_user:
        yield rows.iterator(chunk_size=CHUNK)
        return
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start : start + CHUNK]
        yield rows.filter(**{f"{table.per_user}__in": chunk}).iterator(chunk_size=CHUNK)


def people(scope: Scope) -> set[int]:
    """Everyone a row of the export names: members, authors, attendees, people who prayed
    (also those who have left the community since), less the accounts of partners left out."""
    from accounts.models import User

    found: set[int] = set()
    for table in TABLES:
        if table.per_user:
            continue
        rows = table.rows(scope)
        for relation in [*table.relations, *table.many]:
            if relation.model is User:
                found.update(rows.values_list(relation.name, flat=True).distinct().order_by())
    found.discard(None)
    return found - scope.users_left_out


def renumbered(
    table: Table, fields: dict, numbers: dict[type[Model], dict[Any, int]]
) -> dict | None:
    """The row's references in the export's numbers; None when a CASCADE reference points at
    a row the export leaves out (the row goes too)."""
    for relation in table.relations:
        key = fields[relation.name]
        if key is None:
            continue
        number = numbers[relation.model].get(key)
        if number is None and relation.cascade:
            return None
        fields[relation.name] = number
    for relation in table.many:
        known = numbers[relation.model]
        fields[relation.name] = sorted(known[key] for key in fields[relation.name] if key in known)
    return fields


def photo_content(partner: Partner) -> str:
    """The photo's bytes in base64, or "" when there is none (or its file is gone)."""
    if not partner.photo:
        return ""
    try:
        with partner.photo.open("rb") as photo:
            return base64.b64encode(photo.read()).decode("ascii")
    except OSError:
        return ""
