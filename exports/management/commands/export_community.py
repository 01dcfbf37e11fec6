"""Write one community's JSON backup: ``manage.py export_community <slug> [--output FILE]``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exports.scope import Scope
from exports.services import community_backup_command
from partnerships.models import Community


class Command(BaseCommand):
    help = (
        "Write a community's whole backup (JSON, sensitive partners and photos included) to "
        "FILE, or to standard output. manage.py restore_community loads it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The community's address, as in /c/<slug>/.")
        parser.add_argument("--output", "-o", help="The file to write (default: standard output).")

    def handle(self, *args, slug: str, output: str | None, **options) -> None:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise CommandError(f"No community has the address “{slug}”.")
        scope = Scope(community, include_sensitive=True)
        started = time.perf_counter()
        if output is None:
            # The stream itself: the command's wrapper would end every write with a new line.
            summary = community_backup_command(scope=scope, out=cast(TextIO, self.stdout._out))
            report = sys.stderr
        else:
            path = Path(output)
            partial = path.with_name(path.name + ".partial")
            try:
                with partial.open("w", encoding="utf-8", newline="") as out:
                    summary = community_backup_command(scope=scope, out=out)
                partial.replace(path)
            except OSError as error:
                partial.unlink(missing_ok=True)
                raise CommandError(f"Could not write {output}: {error.strerror}") from error
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            report = self.stderr
        rows = sum(summary.counts.values())
        report.write(
            f"Backed up {community.slug}: {summary.partners} partners, {rows} rows "
            f"in {time.perf_counter() - started:.1f} s.\n"
        )
