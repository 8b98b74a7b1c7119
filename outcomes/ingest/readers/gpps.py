"""The GP Patient Survey practice-level results file (CSV or XLSX) -> OUT2_GP_ACCESS and OUT2_GP_ACCESS_POOR.

Which variable holds what changes from year to year, so the mapping is a reviewed fixture,
``fixtures/sources/gpps.toml``. The survey year comes from the file name (``GPPS_2023_Practice_data...``,
which the pipeline passes as ``table.file_name``) or, failing that, from the header when only one configured
year has exactly those variables. See docs/formats/gpps.md.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import pandas as pd
from django.conf import settings

from ..parsed import LINE, Table
from ..problems import Problem
from .base import CANONICAL, Reader, ReaderOutput, register

SOURCE = "fixtures/sources/gpps.toml"
SUPPRESSED = {"", "*", "-", "..", "[c]", "[x]", "n/a", "na"}


@dataclass(frozen=True)
class SurveyYear:
    year: int
    practice_code: str
    good: tuple[str, ...]
    poor: tuple[str, ...]
    base: str
    period: tuple[dt.date, dt.date]
    series_break: bool
    note: str

    @property
    def variables(self) -> tuple[str, ...]:
        return (self.practice_code, *self.good, *self.poor, self.base)


@dataclass(frozen=True)
class Mapping:
    good_indicator: str
    poor_indicator: str
    years: dict[int, SurveyYear]


def load_mapping(path: Path | None = None) -> Mapping:
    """Read gpps.toml; the note of the latest series break at or before a year applies to that year."""
    path = path or Path(settings.BASE_DIR) / SOURCE
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    years: dict[int, SurveyYear] = {}
    break_note = ""
    for key in sorted(data["years"], key=int):
        spec = data["years"][key]
        if spec.get("series_break"):
            break_note = spec.get("note", f"GPPS series break in {key}: not comparable with earlier years")
        years[int(key)] = SurveyYear(
            year=int(key),
            practice_code=spec["practice_code"],
            good=tuple(spec["good"]),
            poor=tuple(spec["poor"]),
            base=spec["base"],
            period=(dt.date.fromisoformat(spec["period"][0]), dt.date.fromisoformat(spec["period"][1])),
            series_break=bool(spec.get("series_break")),
            note=break_note,
        )
    return Mapping(data["indicators"]["good"], data["indicators"]["poor"], years)


@lru_cache(maxsize=1)
def _mapping() -> Mapping:
    return load_mapping()


def _columns(header: list[str]) -> dict[str, str]:
    """Lower-cased variable name -> the file's own spelling."""
    return {h.strip().lower(): h for h in reversed(header)}


def year_of(table: Table, mapping: Mapping) -> tuple[SurveyYear | None, Problem | None]:
    """The survey year: from the file name if it holds one year (20xx), else from the header's variables."""
    name = str(getattr(table, "file_name", "") or "")
    found = sorted({int(y) for y in re.findall(r"(?<!\d)(20\d{2})(?!\d)", Path(name).name)})
    if len(found) == 1:
        if found[0] not in mapping.years:
            known = ", ".join(str(y) for y in mapping.years)
            return None, Problem(
                None,
                None,
                "gpps_year_unknown",
                f"The file name says {found[0]}, but fixtures/sources/gpps.toml maps only {known}. "
                "Add the year's variables there (reviewed) first.",
            )
        return mapping.years[found[0]], None
    if len(found) > 1:
        return None, Problem(
            None,
            None,
            "gpps_year_unknown",
            f"The file name holds several years ({', '.join(map(str, found))}); rename it so it holds only the "
            "survey year, e.g. GPPS_2023_Practice_data.csv.",
        )
    present = set(_columns(table.header))
    fits = [y for y in mapping.years.values() if {v.lower() for v in y.variables} <= present]
    if len(fits) == 1:
        return fits[0], None
    return None, Problem(
        None,
        None,
        "gpps_year_unknown",
        "The survey year cannot be told from the columns (several years use the same variable names). "
        "Put the survey year in the file name, e.g. GPPS_2023_Practice_data.csv.",
    )


def _fraction(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _percent_text(fraction: Decimal) -> str:
    """0.6812 -> '68.12' exactly (decimal shift, at most 6 decimals)."""
    value = fraction.scaleb(2)
    if value.as_tuple().exponent < -6:
        value = value.quantize(Decimal("0.000001"))
    text = format(value.normalize(), "f")
    return text


def _consistent(value: str, numerator: int, base: float) -> bool:
    decimals = len(value.split(".")[1]) if "." in value else 0
    computed = numerator / base * 100
    return abs(float(value) - computed) <= max(0.5 * 10.0**-decimals * 1.0001, 1e-9 * computed)


@register
class GPPSReader(Reader):
    name = "gpps"
    label = "GP Patient Survey practice results (CSV or XLSX)"

    def matches(self, table: Table) -> bool:
        present = set(_columns(table.header))
        return any(
            y.practice_code.lower() in present and {v.lower() for v in y.good} <= present
            for y in _mapping().years.values()
        )

    def read(self, table: Table) -> ReaderOutput:
        from ...models import Area

        return convert(table, _mapping(), set(Area.objects.filter(level="practice").values_list("code", flat=True)))


def convert(table: Table, mapping: Mapping, practices: set[str]) -> ReaderOutput:
    """Two rows (good, poor) per practice of ours; pure, so it is testable without a database."""
    survey, problem = year_of(table, mapping)
    names = _columns(table.header)
    columns = {
        "indicator_code": "(from gpps.toml)",
        "org_code": survey.practice_code if survey else "practice code",
        "period_start": "(survey year)",
        "period_end": "(survey year)",
    }
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in [LINE, *CANONICAL]})
    if problem:
        return ReaderOutput(frame=frame, columns=columns, problems=[problem])
    missing = [v for v in survey.variables if v.lower() not in names]
    if missing:
        return ReaderOutput(
            frame=frame,
            columns=columns,
            problems=[
                Problem(
                    1,
                    v,
                    "missing_column",
                    f"The {survey.year} survey's variable '{v}' (fixtures/sources/gpps.toml) is not in the file.",
                )
                for v in missing
            ],
        )
    for role in ("good", "poor"):
        columns[f"value_{role}"] = " + ".join(names[v.lower()] for v in getattr(survey, role))
    columns["value"] = f"{columns['value_good']} / {columns['value_poor']}"
    columns["denominator"] = names[survey.base.lower()]
    raw = table.frame
    codes = raw[names[survey.practice_code.lower()]].astype(str)  # exactly as in the file: never re-cased
    ours = codes.isin(practices)
    # A code of ours in lower case or with spaces is refused, never silently corrected (nor silently skipped).
    miscased = ~ours & codes.str.strip().str.upper().isin(practices)
    problems: list[Problem] = [
        Problem(
            int(raw.at[i, LINE]),
            columns["org_code"],
            "code_not_canonical",
            f"ODS practice codes are upper case with no spaces (did you mean '{codes[i].strip().upper()}'?). "
            "Codes are never re-cased or trimmed; correct it in the file.",
        )
        for i in raw.index[miscased]
    ]
    skipped = ~ours & ~miscased
    if skipped.any():
        problems.append(
            Problem(
                None,
                columns["org_code"],
                "untracked_area",
                f"{int(skipped.sum()):,} practices that are not ours were skipped.",
                "warning",
            )
        )
    start, end = (d.isoformat() for d in survey.period)
    rows = []
    for i in raw.index[ours]:
        line = int(raw.at[i, LINE])
        base_text = str(raw.at[i, names[survey.base.lower()]]).strip()
        base = _fraction(base_text)
        for role, indicator in (("good", mapping.good_indicator), ("poor", mapping.poor_indicator)):
            cells = [str(raw.at[i, names[v.lower()]]).strip() for v in getattr(survey, role)]
            notes = [survey.note] if survey.note else []
            value = numerator = denominator = ""
            if any(c.lower() in SUPPRESSED for c in cells) or any((_fraction(c) or 0) < 0 for c in cells):
                value = "*"
                notes.append("Not reported by GPPS (too few respondents)")
            else:
                parts = [_fraction(c) for c in cells]
                if any(p is None for p in parts):
                    bad = next(v for v, p in zip(getattr(survey, role), parts, strict=True) if p is None)
                    problems.append(Problem(line, names[bad.lower()], "not_a_number", "This is not a number."))
                    continue
                fraction = sum(parts, Decimal(0))
                if fraction > 1:
                    problems.append(
                        Problem(
                            line,
                            columns[f"value_{role}"],
                            "not_a_fraction",
                            f"GPPS gives percentages as fractions (0.68 = 68%), but this is {fraction}. "
                            "Is the file already in per cent, or the mapping in gpps.toml wrong?",
                        )
                    )
                    continue
                value = _percent_text(fraction)
                if base is not None and base > 0:
                    count = int((fraction * base).to_integral_value())
                    if _consistent(value, count, float(base)):
                        numerator, denominator = str(count), base_text
                    else:
                        notes.append(f"GPPS base {base_text} respondents")
            rows.append(
                {
                    LINE: line,
                    "indicator_code": indicator,
                    "org_code": codes[i],
                    "period_start": start,
                    "period_end": end,
                    "breakdown": "all",
                    "category": "all",
                    "numerator": numerator,
                    "denominator": denominator,
                    "value": value,
                    "lower_ci": "",
                    "upper_ci": "",
                    "note": "; ".join(notes),
                }
            )
    if rows:
        frame = pd.DataFrame(rows, columns=[LINE, *CANONICAL])
    return ReaderOutput(frame=frame, columns=columns, problems=problems)
