"""Exports, each written to a temporary file (a community of any size takes the same memory)
and recorded in the community's audit trail once it is built."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from typing import IO, TextIO, cast

from django.utils import timezone
from django.utils.translation import gettext as _

from exports.backup import BackupSummary, backup_write
from exports.mine import partner_data_write
from exports.scope import Scope, scope_for
from exports.spreadsheets import spreadsheets_write
from partnerships.audit import audit_export_record
from partnerships.models import Membership, Partner


@dataclass
class ExportFile:
    """A built export: ``file`` is open at its start, and removed once closed."""

    file: IO[bytes]
    filename: str
    content_type: str


def _left_out(scope: Scope) -> str:
    return (
        _("; %(n)s sensitive partners left out") % {"n": scope.left_out} if scope.left_out else ""
    )


def _name(scope: Scope, suffix: str) -> str:
    return f"{scope.community.slug}-{timezone.localdate():%Y-%m-%d}{suffix}"


def community_spreadsheets_export(*, membership: Membership) -> ExportFile:
    """The coordinator's community as CSV files in a zip."""
    scope = scope_for(membership)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it, and so removes it)
    spreadsheets_write(out, scope)
    out.seek(0)
    audit_export_record(
        community_id=membership.community_id,
        user_id=membership.user_id,
        what=_("the community's data as spreadsheets (CSV)") + _left_out(scope),
    )
    return ExportFile(out, _name(scope, "-spreadsheets.zip"), "application/zip")


def community_backup_export(*, membership: Membership) -> ExportFile:
    """The coordinator's community as its JSON backup."""
    scope = scope_for(membership)
    out = _text_file()
    backup_write(out, scope)
    audit_export_record(
        community_id=membership.community_id,
        user_id=membership.user_id,
        what=_("the community's backup (JSON)") + _left_out(scope),
    )
    return ExportFile(_binary(out), _name(scope, "-backup.json"), "application/json")


def community_backup_command(*, scope: Scope, out: TextIO) -> BackupSummary:
    """The backup written by the server's operator (``manage.py export_community``)."""
    summary = backup_write(out, scope)
    audit_export_record(
        community_id=scope.community.pk,
        user_id=None,
        # "manage.py" tells the trail it was the operator, not an account since deleted.
        what=_("the community's backup (JSON), with manage.py on the server") + _left_out(scope),
    )
    return summary


def partner_data_export(*, membership: Membership, partner: Partner) -> ExportFile:
    """Everything about the partner, for the partner themself."""
    out = _text_file()
    partner_data_write(out, membership, partner)
    audit_export_record(
        community_id=membership.community_id,
        user_id=membership.user_id,
        partner=partner,
        what=_("their own data (JSON)"),
    )
    name = f"{membership.community.slug}-my-data-{timezone.localdate():%Y-%m-%d}.json"
    return ExportFile(_binary(out), name, "application/json")


def _text_file() -> io.TextIOWrapper:
    return io.TextIOWrapper(tempfile.TemporaryFile(), encoding="utf-8", newline="")


def _binary(text: io.TextIOWrapper) -> IO[bytes]:
    text.flush()
    binary = cast(IO[bytes], text.detach())
    binary.seek(0)
    return binary
