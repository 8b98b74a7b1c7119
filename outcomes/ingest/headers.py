"""Header names: normalised for matching (case, spacing, punctuation) and mapped through known aliases."""

from __future__ import annotations

import re

from .problems import Problem

#: Canonical column -> other names analysts' files use for it (already normalised).
GENERIC_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_code": ("indicator", "indicator_id", "measure", "measure_code", "metric", "metric_code"),
    "org_code": (
        "org",
        "organisation_code",
        "organization_code",
        "ods_code",
        "area_code",
        "practice_code",
        "geography_code",
        "area",
        "code",
    ),
    "period_start": ("start", "start_date", "from", "from_date", "period_from", "date_from"),
    "period_end": ("end", "end_date", "to", "to_date", "period_to", "date_to"),
    "breakdown": ("breakdown_type", "dimension", "category_type"),
    "category": ("breakdown_value", "group", "subgroup"),
    "numerator": ("count", "num", "events", "n"),
    "denominator": ("denom", "population", "d", "base"),
    "value": ("rate", "percentage", "percent", "proportion", "indicator_value"),
    "lower_ci": ("lower", "lcl", "lower_ci_95", "lower_95", "lower_cl", "lowerci"),
    "upper_ci": ("upper", "ucl", "upper_ci_95", "upper_95", "upper_cl", "upperci"),
    "note": ("notes", "comment", "comments", "value_note"),
}


def normalise(name: str) -> str:
    """``' Period Start '`` / ``period-start`` / ``PeriodStart`` -> ``period_start``."""
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name.strip().lstrip("\ufeff"))
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def map_columns(
    header: list[str], aliases: dict[str, tuple[str, ...]], required: set[str]
) -> tuple[dict[str, str], list[Problem]]:
    """Canonical name -> the file's own column name, plus problems for duplicate and missing columns.

    Only exact normalised names and listed aliases match; nothing is guessed, so two different columns can
    never be merged silently.
    """
    lookup = {}
    for canonical, names in aliases.items():
        lookup[canonical] = canonical
        for alias in names:
            lookup[alias] = canonical
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for original in header:
        canonical = lookup.get(normalise(original))
        if canonical is None:
            continue
        if canonical in mapping:
            problems.append(
                Problem(
                    1,
                    original,
                    "duplicate_column",
                    f"'{original}' and '{mapping[canonical]}' both mean {canonical}; keep one.",
                )
            )
            continue
        mapping[canonical] = original
    seen: dict[str, str] = {}
    for original in header:
        key = normalise(original)
        if key and key in seen and lookup.get(key) is None:
            problems.append(Problem(1, original, "duplicate_column", f"The column '{original}' appears twice."))
        seen.setdefault(key, original)
    for canonical in sorted(required - mapping.keys()):
        problems.append(Problem(1, canonical, "missing_column", f"The required column '{canonical}' is missing."))
    return mapping, problems
