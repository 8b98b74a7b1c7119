"""Load the reviewed reference data in ``fixtures/`` (areas, memberships, indicators, targets, plan values).

Idempotent: records are matched by code and updated in place; observations go through
``actions.load_observations``, so an unchanged definition file changes nothing, and a file that is
already loaded with the same content is not even re-read into a new extract.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from . import actions
from .models import Area, Extract, Indicator, Target
from .models.choices import AreaLevel

FIXTURES = Path(settings.BASE_DIR) / "fixtures"

INDICATOR_FIELDS = [
    "name",
    "short_name",
    "definition",
    "rationale",
    "numerator_definition",
    "denominator_definition",
    "unit",
    "unit_label",
    "multiplier",
    "decimal_places",
    "polarity",
    "frequency",
    "period_months",
    "fingertips",
    "interval_method",
    "levels",
    "breakdowns",
    "is_additive",
    "partnership_outcome",
    "life_stage",
    "is_jsna",
    "is_core20plus5",
    "is_performance",
    "logic_tier",
    "source",
    "source_url",
    "owner",
    "review_date",
    "comparison_note",
    "sort_order",
]
TARGET_FIELDS = [
    "kind",
    "value",
    "relative_unit",
    "baseline_value",
    "baseline_period_end",
    "lower",
    "upper",
    "due_date",
    "groups",
    "source_text",
    "interpretation",
    "applies_to_each_child",
]


@dataclass
class ReferenceReport:
    areas: int = 0
    aliases: int = 0
    memberships: int = 0
    indicators: int = 0
    targets: int = 0
    observations: actions.LoadResult = field(default_factory=actions.LoadResult)

    def lines(self) -> list[str]:
        o = self.observations
        return [
            f"areas: {self.areas}",
            f"area aliases (former codes): {self.aliases}",
            f"practice memberships: {self.memberships}",
            f"indicators: {self.indicators}",
            f"targets: {self.targets}",
            f"observations: {o.inserted} inserted, {o.superseded} superseded, {o.unchanged} unchanged",
        ]


def _date(value: str | dt.date | None) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _bool(value: str) -> bool:
    return value.strip().lower() == "true"


@transaction.atomic
def load_areas(path: Path | None = None) -> int:
    rows = list(csv.DictReader((path or FIXTURES / "areas.csv").open(encoding="utf-8")))
    by_code: dict[str, Area] = {}
    for row in rows:  # parents are listed before children
        parent = by_code.get(row["parent_code"]) or (
            Area.objects.get(code=row["parent_code"]) if row["parent_code"] else None
        )
        by_code[row["code"]] = actions.upsert_area(
            code=row["code"],
            name=row["name"],
            short_name=row["short_name"],
            level=AreaLevel(row["level"]),
            parent=parent,
            is_comparator=_bool(row["is_comparator"]),
            sort_order=int(row["sort_order"]),
        )
    return len(rows)


@transaction.atomic
def load_aliases(path: Path | None = None) -> int:
    """Former codes of our areas (``area_aliases.csv``): old links redirect, old files load with a warning."""
    rows = list(csv.DictReader((path or FIXTURES / "area_aliases.csv").open(encoding="utf-8")))
    areas = Area.objects.in_bulk([r["area_code"] for r in rows], field_name="code")
    for row in rows:
        actions.set_area_alias(alias=row["alias"], area=areas[row["area_code"]], note=row["note"])
    return len(rows)


@transaction.atomic
def load_memberships(path: Path | None = None) -> int:
    rows = list(csv.DictReader((path or FIXTURES / "practice_memberships.csv").open(encoding="utf-8")))
    areas = Area.objects.in_bulk([r["practice_code"] for r in rows] + [r["pcn_code"] for r in rows], field_name="code")
    for row in rows:
        actions.set_practice_membership(
            practice=areas[row["practice_code"]],
            pcn=areas[row["pcn_code"]],
            start=_date(row["start"]),
            end=_date(row["end"]),
        )
    return len(rows)


def _reference_extract(*, path: Path, content: bytes, format: str) -> Extract | None:
    """A new extract for this file's content, or None if exactly this content is already loaded."""
    digest = hashlib.sha256(content).hexdigest()
    name = str(path.relative_to(settings.BASE_DIR))
    if Extract.objects.filter(
        source=Extract.Source.REFERENCE, file_name=name, sha256=digest, status=Extract.Status.LOADED
    ).exists():
        return None
    return actions.create_extract(file_name=name, content=content, format=format, source=Extract.Source.REFERENCE)


def _target_key(area_id: int, kind: str, comparator_id: int | None, due_date: Any) -> tuple:
    return (area_id, kind, comparator_id, due_date)


def load_targets(indicator: Indicator, specs: list[dict[str, Any]], areas: dict[str, Area]) -> None:
    """Upsert an indicator's targets from its file, matched by area, kind, comparator and due date.

    A target whose definition in the file is unchanged since it was last loaded is left as it is, so an edit made
    on the site since (the board's reading of an ambiguous target, say) survives a re-load; a changed definition
    in the file wins, being the newer reviewed decision. Targets no longer in the file are deactivated, not
    deleted, so assessments already shown can still be traced to them.
    """
    existing = {
        _target_key(t.area_id, t.kind, t.comparator_area_id, t.due_date): t
        for t in Target.objects.filter(indicator=indicator)
    }
    seen = set()
    for spec_target in specs:
        values = {k: spec_target[k] for k in TARGET_FIELDS if k in spec_target}
        for key in ("due_date", "baseline_period_end"):
            values[key] = _date(values.get(key))
        area, comparator = areas[spec_target["area"]], areas.get(spec_target.get("comparator_area", ""))
        digest = hashlib.sha256(json.dumps(spec_target, sort_keys=True, default=str).encode()).hexdigest()
        key = _target_key(area.pk, values["kind"], comparator.pk if comparator else None, values["due_date"])
        seen.add(key)
        target = existing.get(key)
        if target is not None and target.definition_sha256 == digest:
            if not target.is_active:
                target.is_active = True
                target.save(update_fields=["is_active"])
            continue
        target = target or Target(indicator=indicator)
        defaults = {f: Target._meta.get_field(f).get_default() for f in TARGET_FIELDS if f not in values}
        for name, value in {**defaults, **values}.items():
            setattr(target, name, value)
        target.area, target.comparator_area = area, comparator
        target.definition_sha256, target.is_active = digest, True
        target.full_clean()
        target.save()
    for key, target in existing.items():
        if key not in seen and target.is_active:
            target.is_active = False
            target.save(update_fields=["is_active"])


@transaction.atomic
def load_indicator_file(path: Path, areas: dict[str, Area]) -> tuple[Indicator, int, actions.LoadResult]:
    content = path.read_bytes()
    spec = tomllib.loads(content.decode("utf-8"))
    defaults: dict[str, Any] = {k: spec[k] for k in INDICATOR_FIELDS if k in spec}
    defaults["review_date"] = _date(defaults.get("review_date"))
    indicator = Indicator.objects.filter(code=spec["code"]).first() or Indicator(code=spec["code"])
    for key, value in defaults.items():
        setattr(indicator, key, value)
    indicator.full_clean()
    indicator.save()

    load_targets(indicator, spec.get("targets", []), areas)

    result = actions.LoadResult()
    if spec.get("observations"):
        extract = _reference_extract(path=path, content=content, format="reference_toml")
        if extract is not None:
            rows = [
                {
                    "indicator_id": indicator.pk,
                    "area_id": areas[o["area"]].pk,
                    "period_start": _date(o["period_start"]),
                    "period_end": _date(o["period_end"]),
                    "breakdown": o.get("breakdown", "all"),
                    "category": o.get("category", "all"),
                    "numerator": o.get("numerator"),
                    "denominator": o.get("denominator"),
                    "value": o.get("value"),
                    "note": o.get("note", ""),
                }
                for o in spec["observations"]
            ]
            result = actions.load_observations(extract=extract, rows=rows)
            actions.finish_extract(extract=extract, status=Extract.Status.LOADED, result=result, rows_read=len(rows))
    return indicator, len(spec.get("targets", [])), result


def load_generic_csv(path: Path) -> actions.LoadResult:
    """Load a reviewed extract kept in the repository (the plan's diabetes table) through the same validating
    ingest pipeline as any upload; skipped when exactly this content is already loaded."""
    from . import storage
    from .ingest import pipeline

    content = path.read_bytes()
    extract = _reference_extract(path=path, content=content, format="generic")
    if extract is None:
        return actions.LoadResult()
    storage.save(extract, content)
    outcome = pipeline.run_extract(extract.pk)
    if not outcome.ok:
        errors = "; ".join(e["message"] for e in outcome.extract.errors[:5])
        raise ValueError(f"Reference extract {path.name} was refused: {errors}")
    e = outcome.extract
    return actions.LoadResult(e.rows_inserted, e.rows_superseded, e.rows_unchanged)


@transaction.atomic
def load_all() -> ReferenceReport:
    report = ReferenceReport()
    report.areas = load_areas()
    report.aliases = load_aliases()
    report.memberships = load_memberships()
    areas = {a.code: a for a in Area.objects.all()}
    for path in sorted((FIXTURES / "indicators").glob("*.toml")):
        _, n_targets, result = load_indicator_file(path, areas)
        report.indicators += 1
        report.targets += n_targets
        report.observations += result
    for path in sorted((FIXTURES / "data").glob("*.csv")):
        report.observations += load_generic_csv(path)
    return report
