"""QOF practice-level files (NHS England / NHS Digital, one zip of CSVs per year) -> observations.

- ``PREVALENCE_YYZZ.csv`` (long: ``PRACTICE_CODE, GROUP_CODE, REGISTER, PATIENT_LIST_TYPE, PRACTICE_LIST_SIZE``):
  each mapped disease group gives register / list size for the QOF year.
- ``ACHIEVEMENT_YYZZ.csv`` (long: ``PRACTICE_CODE, INDICATOR_CODE, MEASURE, VALUE``; one row per practice,
  indicator and measure): the NUMERATOR and DENOMINATOR of the mapped QOF indicator codes, summed.

Which group or indicator code is which of ours is the reviewed fixture ``fixtures/sources/qof.toml``; rows of
groups and codes not in it are counted and reported, never refused. The QOF year (1 April to 31 March) comes
from the file name as published (``PREVALENCE_2223.csv`` = 2022/23; ``PREVALENCE_2021_v2.csv`` = 2020/21), since
the files do not hold it. See docs/formats/qof.md.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from django.conf import settings

from ...problems import Problem
from ..headers import find_roles
from ..parsed import LINE, Table
from . import practice_codes
from .base import CANONICAL, Reader, ReaderOutput, register

SOURCE = "fixtures/sources/qof.toml"
PREVALENCE = {
    "practice": ("practice_code",),
    "group": ("group_code", "indicator_group_code"),  # INDICATOR_GROUP_CODE up to 2018/19
    "register": ("register",),
    "list_type": ("patient_list_type",),
    "list_size": ("practice_list_size", "patient_list_size", "list_size"),  # PATIENT_ in 2019/20
}
ACHIEVEMENT = {
    "practice": ("practice_code",),
    "indicator": ("indicator_code",),
    "measure": ("measure",),
    "value": ("value",),
}


@dataclass(frozen=True)
class Mapping:
    #: GROUP_CODE -> (our indicator, the PATIENT_LIST_TYPE it is measured against)
    prevalence: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: our indicator -> the QOF indicator codes whose numerators and denominators are summed
    achievement: dict[str, tuple[str, ...]] = field(default_factory=dict)


def load_mapping(path: Path | None = None) -> Mapping:
    path = path or Path(settings.BASE_DIR) / SOURCE
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    prevalence = {
        group: (spec["indicator"], spec["list_type"]) for group, spec in (data.get("prevalence") or {}).items()
    }
    achievement = {ours: tuple(spec["codes"]) for ours, spec in (data.get("achievement") or {}).items()}
    return Mapping(prevalence, achievement)


@lru_cache(maxsize=1)
def _mapping() -> Mapping:
    return load_mapping()


def _roles(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return find_roles(header, aliases)


def qof_year(file_name: str) -> int | None:
    """The first calendar year of the QOF year named in a published file name, or None.

    ``PREVALENCE_2223.csv`` -> 2022, ``ACHIEVEMENT_2021_v2.csv`` -> 2020, ``qof_2022-23.csv`` -> 2022."""
    name = Path(file_name or "").name
    years = {
        int(m[1])
        for m in re.finditer(r"(?<!\d)(20\d{2})[-_ ]?(\d{2})(?!\d)", name)
        if int(m[2]) == (int(m[1]) + 1) % 100
    }
    years |= {
        2000 + int(m[1])
        for m in re.finditer(r"(?<!\d)(\d{2})(\d{2})(?!\d)", name)
        if int(m[2]) == int(m[1]) + 1 and 10 <= int(m[1]) <= 60
    }
    return years.pop() if len(years) == 1 else None


def _year_problem(file_name: str) -> Problem:
    return Problem(
        None,
        None,
        "qof_year_unknown",
        f"The QOF year cannot be told from the file name '{Path(file_name or '').name[:80]}'. Keep the published "
        "name, which holds it (PREVALENCE_2223.csv is 2022/23), or put the year in it as 2022-23.",
    )


def _number(text: str) -> int | None:
    text = text.strip().replace(",", "")
    if re.fullmatch(r"\d+(\.0+)?", text):
        return int(float(text))
    return None


def _empty(columns: dict[str, str], problems: list[Problem]) -> ReaderOutput:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in [LINE, *CANONICAL]})
    return ReaderOutput(frame=frame, columns=columns, problems=problems)


def _row(line: int, indicator: str, code: str, year: int, numerator: int, denominator: int, note: str = "") -> dict:
    return {
        LINE: line,
        "indicator_code": indicator,
        "org_code": code,
        "period_start": dt.date(year, 4, 1).isoformat(),
        "period_end": dt.date(year + 1, 3, 31).isoformat(),
        "breakdown": "all",
        "category": "all",
        "numerator": str(numerator),
        "denominator": str(denominator),
        "value": "",
        "lower_ci": "",
        "upper_ci": "",
        "note": note,
    }


def _untracked(column: str, what: str, counts: dict[str, int], mapped: str) -> Problem:
    listed = ", ".join(f"{code} ({n:,})" for code, n in sorted(counts.items())[:30])
    more = f" and {len(counts) - 30} more" if len(counts) > 30 else ""
    return Problem(
        None,
        column,
        "untracked_indicator",
        f"{sum(counts.values()):,} rows of {len(counts)} QOF {what} we do not track were skipped: {listed}{more}. "
        f"{mapped}",
        "warning",
    )


def _missing(roles: dict[str, str], aliases: dict[str, tuple[str, ...]]) -> list[Problem]:
    return [
        Problem(1, found[0].upper(), "missing_column", f"The column '{found[0].upper()}' is missing.")
        for role, found in aliases.items()
        if role not in roles
    ]


@dataclass(frozen=True)
class _Start:
    roles: dict[str, str]
    year: int
    raw: pd.DataFrame
    cell: dict[str, pd.Series]


def _start(table: Table, aliases: dict[str, tuple[str, ...]], columns: dict[str, str]) -> _Start | ReaderOutput:
    """What both QOF files need first: their columns, and the QOF year from the file name; or the refusal."""
    roles = _roles(table.header, aliases)
    problems = _missing(roles, aliases)
    if problems:
        return _empty(columns, problems)
    year = qof_year(getattr(table, "file_name", "") or "")
    if year is None:
        return _empty(columns, [_year_problem(getattr(table, "file_name", ""))])
    raw = table.frame
    return _Start(roles, year, raw, {role: raw[name].astype(str) for role, name in roles.items()})


def _split(codes: pd.Series, mapped: set[str], column: str, what: str, listed: str) -> tuple[pd.Series, list[Problem]]:
    """Which rows carry a mapped code, and one warning naming every unmapped code with its row count."""
    tracked = codes.isin(mapped)
    if tracked.all():
        return tracked, []
    counts = codes[~tracked].value_counts().to_dict()
    return tracked, [_untracked(column, what, counts, f"Mapped in {SOURCE}: {listed}.")]


# ------------------------------------------------------------------------------------------------ prevalence


@register
class QofPrevalenceReader(Reader):
    name = "qof_prevalence"
    label = "QOF practice prevalence (PREVALENCE_YYZZ.csv)"
    expected = PREVALENCE

    def matches(self, table: Table) -> bool:
        return {"practice", "group", "register", "list_size"} <= set(_roles(table.header, PREVALENCE))

    def read(self, table: Table) -> ReaderOutput:
        return convert_prevalence(table, _mapping(), practice_codes.our_practices())


def convert_prevalence(table: Table, mapping: Mapping, practices: set[str]) -> ReaderOutput:
    """Register / list size of each mapped group for ``practices``; pure (no database)."""
    roles = _roles(table.header, PREVALENCE)  # for the column names shown, even when the file is refused
    columns = {
        "indicator_code": roles.get("group", "GROUP_CODE"),
        "org_code": roles.get("practice", "PRACTICE_CODE"),
        "period_start": "(QOF year, from the file name)",
        "period_end": "(QOF year, from the file name)",
        "numerator": roles.get("register", "REGISTER"),
        "denominator": roles.get("list_size", "PRACTICE_LIST_SIZE"),
        "value": f"{roles.get('register', 'REGISTER')} / {roles.get('list_size', 'PRACTICE_LIST_SIZE')}",
    }
    start = _start(table, PREVALENCE, columns)
    if isinstance(start, ReaderOutput):
        return start
    roles, year, raw, cell = start.roles, start.year, start.raw, start.cell
    groups = cell["group"].str.strip()
    tracked, problems = _split(
        groups,
        set(mapping.prevalence),
        roles["group"],
        "disease groups",
        ", ".join(sorted(mapping.prevalence)) or "none",
    )
    ours, selected = practice_codes.select(cell["practice"][tracked], raw[LINE][tracked], practices, roles["practice"])
    problems += selected
    rows = []
    for i in ours[ours].index:
        line = int(raw.at[i, LINE])
        indicator, list_type = mapping.prevalence[groups[i]]
        if cell["list_type"][i].strip().upper() != list_type.upper():
            problems.append(
                Problem(
                    line,
                    roles["list_type"],
                    "wrong_list_type",
                    f"{groups[i]} is mapped to {indicator} against the {list_type} list, but this row is against "
                    f"'{cell['list_type'][i].strip()[:20]}': another measure. Check {SOURCE}.",
                )
            )
            continue
        register_, size = _number(cell["register"][i]), _number(cell["list_size"][i])
        if register_ is None or size is None:
            bad = roles["register"] if register_ is None else roles["list_size"]
            problems.append(Problem(line, bad, "not_a_number", "This is not a whole number of patients."))
            continue
        rows.append(_row(line, indicator, cell["practice"][i], year, register_, size))
    if not rows:
        return _empty(columns, problems)
    return ReaderOutput(frame=pd.DataFrame(rows, columns=[LINE, *CANONICAL]), columns=columns, problems=problems)


# ------------------------------------------------------------------------------------------------ achievement


@register
class QofAchievementReader(Reader):
    name = "qof_achievement"
    label = "QOF practice achievement (ACHIEVEMENT_YYZZ.csv)"
    expected = ACHIEVEMENT

    def matches(self, table: Table) -> bool:
        return set(ACHIEVEMENT) <= set(_roles(table.header, ACHIEVEMENT))

    def read(self, table: Table) -> ReaderOutput:
        return convert_achievement(table, _mapping(), practice_codes.our_practices())


def convert_achievement(table: Table, mapping: Mapping, practices: set[str]) -> ReaderOutput:
    """Summed NUMERATOR / DENOMINATOR of the mapped QOF indicator codes for ``practices``; pure (no database)."""
    roles = _roles(table.header, ACHIEVEMENT)  # for the column names shown, even when the file is refused
    columns = {
        "indicator_code": roles.get("indicator", "INDICATOR_CODE"),
        "org_code": roles.get("practice", "PRACTICE_CODE"),
        "period_start": "(QOF year, from the file name)",
        "period_end": "(QOF year, from the file name)",
        "numerator": f"{roles.get('value', 'VALUE')} (NUMERATOR)",
        "denominator": f"{roles.get('value', 'VALUE')} (DENOMINATOR)",
        "value": roles.get("value", "VALUE"),
    }
    start = _start(table, ACHIEVEMENT, columns)
    if isinstance(start, ReaderOutput):
        return start
    roles, year, raw, cell = start.roles, start.year, start.raw, start.cell
    codes = cell["indicator"].str.strip()
    ours_of = {code: ours for ours, listed in mapping.achievement.items() for code in listed}
    tracked, problems = _split(
        codes,
        set(ours_of),
        roles["indicator"],
        "indicators",
        ", ".join(sorted(ours_of)) or "none of our indicators is a QOF measure yet",
    )
    mine, selected = practice_codes.select(cell["practice"][tracked], raw[LINE][tracked], practices, roles["practice"])
    problems += selected
    # (our indicator, practice) -> measure -> {QOF code: value}; the first line of each.
    sums: dict[tuple[str, str], dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    first: dict[tuple[str, str], int] = {}
    for i in mine[mine].index:
        measure = cell["measure"][i].strip().upper()
        if measure not in ("NUMERATOR", "DENOMINATOR"):
            continue
        line = int(raw.at[i, LINE])
        number = _number(cell["value"][i])
        if number is None:
            problems.append(Problem(line, roles["value"], "not_a_number", "This is not a whole number of patients."))
            continue
        key = (ours_of[codes[i]], cell["practice"][i])
        first.setdefault(key, line)
        sums[key][measure][codes[i]] = number
    rows = []
    for (indicator, practice), measures in sums.items():
        wanted = set(mapping.achievement[indicator])
        if set(measures.get("NUMERATOR", {})) != wanted or set(measures.get("DENOMINATOR", {})) != wanted:
            problems.append(
                Problem(
                    first[(indicator, practice)],
                    roles["indicator"],
                    "incomplete_indicator",
                    f"{practice}: {indicator} needs the NUMERATOR and DENOMINATOR of {', '.join(sorted(wanted))}; "
                    "some are missing from the file, so it was not loaded.",
                    "warning",
                )
            )
            continue
        numerator, denominator = sum(measures["NUMERATOR"].values()), sum(measures["DENOMINATOR"].values())
        if denominator == 0:
            continue
        rows.append(_row(first[(indicator, practice)], indicator, practice, year, numerator, denominator))
    if not rows:
        return _empty(columns, problems)
    return ReaderOutput(frame=pd.DataFrame(rows, columns=[LINE, *CANONICAL]), columns=columns, problems=problems)
