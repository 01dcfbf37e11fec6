"""Load a community's JSON backup into this database: ``manage.py restore_community FILE``."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exports.restore import RestoreError, community_restore


class Command(BaseCommand):
    help = (
        "Restore a community from its backup (manage.py export_community, or the coordinators' "
        "Export and backup page) into a database that does not hold it or its people. All of it "
        "or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup (.json).")

    def handle(self, *args, file: str, **options) -> None:
        started = time.perf_counter()
        try:
            with open(file, "rb") as source:
                summary = community_restore(source=source)
        except OSError as error:
            raise CommandError(f"Could not read {file}: {error.strerror}") from error
        except RestoreError as error:
            raise CommandError(f"Nothing was restored. {error}") from error
        rows = sum(summary.counts.values())
        self.stdout.write(
            f"Restored {summary.community.name} at /c/{summary.community.slug}/: "
            f"{summary.counts.get('accounts.user', 0)} people, "
            f"{summary.counts.get('partnerships.partner', 0)} partners, {rows} rows "
            f"in {time.perf_counter() - started:.1f} s. People sign in with a code sent to "
            "their email (passwords are not in backups); coordinators set up two-factor again."
        )
        if summary.left_out:
            self.stdout.write(
                f"This backup was made without {summary.left_out} security-sensitive partners "
                "(its coordinator did not sign in with two-factor): they are not restored."
            )
