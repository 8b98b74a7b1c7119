"""`manage.py ingest PATH [--format NAME] [--dry-run] [--max-rows N]`: validate and load one file.

Exit 0 when loaded (or valid, with --dry-run); exit 1 when refused, with every error on stderr. Nothing is
written on refusal. Runs in this process (no broker needed) and takes files of any size unless given --max-rows.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.ingest.problems import Problem
from outcomes.ingest.readers.base import READERS, _import_all
from outcomes.models import Extract


class Command(BaseCommand):
    help = "Validate and load one extract file (CSV or XLSX)."
    # The system checks import the URLconf and so every page builder (plotly, scipy): seconds of start-up for a
    # command that serves no page. `manage.py check`, the tests and every server process still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        _import_all()
        parser.add_argument("path")
        parser.add_argument("--format", default="auto", choices=["auto", *sorted(READERS)])
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")
        parser.add_argument(
            "--max-rows",
            type=int,
            default=None,
            help="Refuse the file at the first row over this many (default: no limit).",
        )

    def handle(self, *args, path: str, format: str, dry_run: bool, max_rows: int | None = None, **options) -> None:
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        extract = actions.receive_extract(
            file_name=file.name,
            content=file.read_bytes(),
            format=format,
            source=Extract.Source.COMMAND,
            dry_run=dry_run,
        )
        outcome = pipeline.run_extract(extract.pk, max_rows=max_rows)
        e = outcome.extract
        for warning in e.warnings:
            self.stderr.write(f"warning: {Problem(**warning)}")
        if not outcome.ok:
            for error in e.errors:
                self.stderr.write(f"error: {Problem(**error)}")
            self.stderr.write(f"Refused {file.name}: {e.error_count:,} errors; nothing was written.")
            raise SystemExit(1)
        verb = "Valid (dry run, nothing written)" if dry_run else "Loaded"
        self.stdout.write(
            f"{verb} {file.name} as {e.format}: {e.rows_read:,} rows read, {e.rows_inserted:,} inserted, "
            f"{e.rows_superseded:,} superseded, {e.rows_unchanged:,} unchanged, {e.warning_count:,} warnings."
        )
