"""`manage.py ingest PATH [--format NAME] [--member NAME] [--dry-run] [--max-rows N]`: validate and load one file.

PATH may be a ZIP download as published (``epraccur.zip``, ``gp-reg-pat-prac-all.zip``, a QOF zip): the data file
inside it is read (``--member`` names it when the archive holds several the formats could read).

Exit 0 when loaded (or valid, with --dry-run); exit 1 when refused, when nothing in the file was ours to load,
or when the system failed, always with the reasons on stderr and never a traceback. Nothing is written on
refusal. Runs in this process (no broker needed) and takes files of any size unless given --max-rows. The file
at PATH is only read: even a file refused as patient-identifiable is left where it is (only the system's own
copy is deleted).
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.ingest.readers import READERS
from outcomes.models import Extract
from outcomes.problems import Problem

log = logging.getLogger(__name__)
#: Other names for formats (the names the ODS files were once documented under).
FORMAT_ALIASES = {"ods_epraccur": "epraccur", "ods_pcn": "epcn", "ods_epcn": "epcn", "pcn": "epcn"}


class Command(BaseCommand):
    help = (
        "Validate and load one extract file: CSV, XLSX, or a ZIP download holding one (as NHS Digital and ODS "
        "publish them; --member names the file to read when the archive holds several)."
    )
    # The system checks import the URLconf and so every page builder (plotly, scipy): seconds of start-up for a
    # command that serves no page. `manage.py check`, the tests and every server process still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--format", default="auto", choices=["auto", *sorted(READERS), *sorted(FORMAT_ALIASES)])
        parser.add_argument(
            "--member",
            default="",
            metavar="NAME",
            help="For a ZIP holding several data files: the one to read (its name inside the archive).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")
        parser.add_argument(
            "--max-rows",
            type=int,
            default=None,
            help="Refuse the file at the first row over this many (default: no limit).",
        )

    def handle(
        self,
        *args,
        path: str,
        format: str,
        dry_run: bool,
        max_rows: int | None = None,
        member: str = "",
        **options,
    ) -> None:
        file = Path(path)
        if len(member) > Extract._meta.get_field("member").max_length:
            raise CommandError("--member: give the name of the file inside the ZIP (at most 255 characters).")
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        try:
            extract = actions.receive_extract(
                file_name=file.name,
                content=content,
                format=FORMAT_ALIASES.get(format, format),
                source=Extract.Source.COMMAND,
                dry_run=dry_run,
                member=member,
            )
        except DatabaseError as exc:  # e.g. a database still locked after the timeout, or not migrated
            raise CommandError(
                f"{file.name} could not be recorded: the database refused the write ({type(exc).__name__}: {exc}). "
                "Nothing was written; try again."
            ) from exc
        try:
            outcome = pipeline.run_extract(extract.pk, max_rows=max_rows)
        except Exception as exc:  # a bug must not end in a traceback: the extract is marked failed, exit 1
            # the traceback goes to the log with --traceback (Django's option), not onto an analyst's screen
            log.error("Extract %s failed: %s: %s", extract.pk, type(exc).__name__, exc, exc_info=options["traceback"])
            problem = Problem(
                None,
                None,
                "internal_error",
                f"The system failed while processing this file ({type(exc).__name__}). Nothing was loaded.",
            )
            try:
                actions.finish_extract(extract=extract, status=Extract.Status.FAILED, errors=[problem.as_dict()])
            except DatabaseError:  # the database that failed the load may refuse this too: the run says so below
                log.error("Extract %s could not be marked failed", extract.pk)
            self.stderr.write(
                f"error: the system failed while processing {file.name} ({type(exc).__name__}: {exc}); "
                "nothing was written."
            )
            raise SystemExit(1) from None
        e = outcome.extract
        shown = e.shown_name  # "epraccur.zip \u203a epraccur.csv" for a ZIP download
        for warning in e.warnings:
            self.stderr.write(f"warning: {Problem(**warning)}")
        if not outcome.ok:
            for error in e.errors:
                self.stderr.write(f"error: {Problem(**error)}")
            if [error["code"] for error in e.errors] == ["nothing_loaded"]:
                self.stderr.write(f"Nothing loaded from {shown}: nothing was written.")
            else:
                self.stderr.write(f"Refused {shown}: {counted(e.error_count, 'error')}; nothing was written.")
            raise SystemExit(1)
        verb = "Valid (dry run, no data changed)" if dry_run else "Loaded"
        self.stdout.write(
            f"{verb} {shown} as {e.format}: {counted(e.rows_read, 'row')} read, {e.rows_inserted:,} inserted, "
            f"{e.rows_superseded:,} superseded, {e.rows_unchanged:,} unchanged, {counted(e.warning_count, 'warning')}."
        )


def counted(number: int, noun: str) -> str:
    """'1 warning', '2 warnings', '1,204 errors'."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
