"""`manage.py export_indicator_definitions [--code X] [--out fixtures/indicators]`: write definitions approved on
the site (from a Fingertips draft) as reviewed TOML files, one per indicator, for review in git.

Without --code, every indicator created by an approved draft is written; with --code, that one indicator. A file
that already holds targets or plan values is not overwritten (the export writes the definition only, and loading
a file without its targets would deactivate them): edit such a file by hand.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from outcomes.indicator_toml import render
from outcomes.models import Indicator, IndicatorDraft


class Command(BaseCommand):
    help = "Write approved indicator definitions as fixtures/indicators/<CODE>.toml files for review in git."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--code", help="Export this indicator only (any indicator without targets).")
        parser.add_argument(
            "--out", default=str(Path(settings.BASE_DIR) / "fixtures" / "indicators"), help="Folder to write to."
        )

    def handle(self, *args, code: str | None = None, out: str, **options) -> None:
        if code is not None:
            indicators = list(Indicator.objects.filter(code=code))
            if not indicators:
                raise CommandError(f"No indicator has the code '{code[:64]}'.")
        else:
            indicators = list(Indicator.objects.filter(draft__status=IndicatorDraft.Status.APPROVED).order_by("code"))
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for indicator in indicators:
            if indicator.targets.exists():
                raise CommandError(
                    f"{indicator.code} has targets, which this export does not write; edit its file by hand."
                )
            path = folder / f"{indicator.code}.toml"
            if path.exists() and _has_tables(path):
                raise CommandError(f"{path} holds targets or plan values; it is not overwritten. Edit it by hand.")
            path.write_text(render(indicator), encoding="utf-8")
            written += 1
            self.stdout.write(f"wrote {path}")
        self.stdout.write(f"{written} definition{'s' if written != 1 else ''} written")


def _has_tables(path: Path) -> bool:
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        return True  # not ours to overwrite blindly
    return bool(spec.get("targets") or spec.get("observations"))
