"""Validate a reader's canonical frame against the reference data: every rule, every row, before any write.

Pure (no ORM): the reference data arrives as a ``Reference`` of plain dicts, so the rules are fast,
vectorised over the whole frame, and testable without a database. Each failed rule becomes a Problem
naming the file's line and column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..problems import Problem, ProblemList
from .cells import (
    columns_factorized_once,
    date_formats,
    distinct,
    is_blank,
    is_formula,
    on_distinct,
    parse_dates,
)
from .parsed import LINE
from .rowchecks import FORMULA_MESSAGE, Rows, check_text, column_name
from .validate_numbers import check_numbers

#: No period may start before this: the tracked indicators' data begin decades later; 1900 is an empty Excel date.
EARLIEST_PERIOD = pd.Timestamp("1950-01-01")
#: Observation.note's max_length: a longer note is refused, never cut.
NOTE_MAX_LENGTH = 255


@dataclass(frozen=True)
class IndicatorRule:
    id: int
    code: str
    unit: str
    multiplier: float
    levels: frozenset[str]
    breakdowns: frozenset[str]
    period_months: int | None


@dataclass(frozen=True)
class Reference:
    indicators: dict[str, IndicatorRule]
    areas: dict[str, tuple[int, str]]  # code -> (id, level)
    categories: dict[str, frozenset[str]]  # breakdown -> allowed categories
    today: dt.date = field(default_factory=dt.date.today)
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)  # former code -> (code now, area name)


@dataclass
class Validated:
    frame: pd.DataFrame  # typed rows ready to load (empty when there are errors)
    problems: ProblemList


#: Characters that do not show: spaces of any kind, zero-width spaces and joiners, a byte-order mark.
_UNSEEN = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")


def _near_miss(value: str, known: Iterable[str]) -> str | None:
    """The known code ``value`` differs from only in case or in characters that do not show."""
    folded = _UNSEEN.sub("", str(value)).upper()
    return next((k for k in known if k.upper() == folded), None)


def validate(
    frame: pd.DataFrame, columns: dict[str, str], reference: Reference, problems: ProblemList | None = None
) -> Validated:
    """Every rule on every row; problems are added to ``problems`` (a new list if none is given).

    The checks run in a fixed order (so problems are listed as an analyst reads a row, left to right), each a
    small function of the rows and the reference data; only when none found an error are the rows typed."""
    with columns_factorized_once():
        rows = Rows(frame, columns, problems if problems is not None else ProblemList())
        _check_formulas(rows)
        if "note" in frame.columns:
            check_text(frame, columns, ["note"], rows.problems, max_length=NOTE_MAX_LENGTH, check_formulas=False)
        codes = _check_codes(rows, reference)
        _check_level(rows, reference, codes)
        breakdown, category = _check_breakdowns(rows, reference, codes)
        start, end = _check_periods(rows, reference, codes)
        numbers, suppressed = check_numbers(rows, codes.of_indicator)
        _check_duplicates(rows, codes, breakdown, category, start, end)
        if rows.problems.errors:
            return Validated(frame=pd.DataFrame(), problems=rows.problems)
        return Validated(frame=_typed(rows, reference, codes, start, end, numbers, suppressed), problems=rows.problems)


@dataclass
class _Codes:
    """The reference codes of each row, whether each is known, and the indicators' attributes by code."""

    indicator: pd.Series
    org: pd.Series
    known_indicator: pd.Series
    known_area: pd.Series
    rules: pd.Series
    attribute: Callable[[str], dict]

    def of_indicator(self, name: str) -> pd.Series:
        """Each row's indicator's ``name`` (IndicatorRule field); missing for unknown indicators."""
        return self.indicator.map(self.attribute(name))


def _check_formulas(rows: Rows) -> None:
    """Text a spreadsheet would execute: refused in every column we read."""
    for canonical in [c for c in rows.frame.columns if c != LINE]:
        rows.add(is_formula(rows.frame[canonical]), canonical, "formula", FORMULA_MESSAGE)


def _check_codes(rows: Rows, reference: Reference) -> _Codes:
    """Reference codes: exact matches only, with a hint when only case or spaces differ; blanks named."""
    f = rows.frame
    indicator_code, org_code = f["indicator_code"].astype(str), _current_codes(rows, reference)
    known_indicator = indicator_code.isin(reference.indicators.keys())
    known_area = org_code.isin(reference.areas.keys())
    for canonical, known, kind, table, blank in (
        ("indicator_code", known_indicator, "indicator", reference.indicators, "The indicator code is blank."),
        ("org_code", known_area, "area", reference.areas, "The organisation code is blank."),
    ):
        rows.add(
            ~known & (~is_blank(f[canonical])),
            canonical,
            f"unknown_{kind}",
            lambda i, canonical=canonical, kind=kind, table=table: _unknown(kind, f.at[i, canonical], table),
        )
        rows.add(is_blank(f[canonical]), canonical, "missing_value", blank)
    return _Codes(
        indicator=indicator_code,
        org=org_code,
        known_indicator=known_indicator,
        known_area=known_area,
        rules=indicator_code.map(reference.indicators),
        attribute=_attributes(reference.indicators),
    )


def _check_level(rows: Rows, reference: Reference, codes: _Codes) -> None:
    """An indicator is reported only at its levels (a practice-only indicator has no PCN rows)."""
    area_level = codes.org.map({code: level for code, (_, level) in reference.areas.items()})
    level_pairs = {(code, level) for code, rule in reference.indicators.items() for level in rule.levels}
    wrong_level = (
        codes.known_indicator
        & codes.known_area
        & ~pd.MultiIndex.from_arrays([codes.indicator, area_level]).isin(level_pairs)
    )
    rows.add(
        pd.Series(wrong_level, index=rows.frame.index),
        "org_code",
        "level_not_reported",
        lambda i: (
            f"{rows.frame.at[i, 'indicator_code']} is not reported at {area_level[i]} level "
            f"(it is reported for: {', '.join(sorted(codes.rules[i].levels))})."
        ),
    )


def _check_breakdowns(rows: Rows, reference: Reference, codes: _Codes) -> tuple[pd.Series, pd.Series]:
    """Breakdowns from the indicator's list, categories from the breakdown's; returns both columns as text."""
    f, indicator_code = rows.frame, codes.indicator
    breakdown, category = f["breakdown"].astype(str), f["category"].astype(str)
    breakdown_pairs = {(code, b) for code, rule in reference.indicators.items() for b in (*rule.breakdowns, "all")}
    allowed_breakdown = pd.Series(
        pd.MultiIndex.from_arrays([indicator_code, breakdown]).isin(breakdown_pairs), index=f.index
    )
    rows.add(
        codes.known_indicator & ~allowed_breakdown,
        "breakdown",
        "unknown_breakdown",
        lambda i: (
            f"'{breakdown[i]}' is not a breakdown of {indicator_code[i]} "
            f"(allowed: all, {', '.join(sorted(codes.rules[i].breakdowns)) or 'none'})."
        ),
    )
    category_pairs = {(b, c) for b, cats in reference.categories.items() for c in cats}
    allowed_category = pd.Series(pd.MultiIndex.from_arrays([breakdown, category]).isin(category_pairs), index=f.index)
    rows.add(
        allowed_breakdown & ~allowed_category,
        "category",
        "unknown_category",
        lambda i: (
            f"'{category[i]}' is not a category of the {breakdown[i]} breakdown "
            f"(allowed: {', '.join(sorted(reference.categories.get(breakdown[i], [])))})."
        ),
    )
    return breakdown, category


def _parse_period_date(rows: Rows, canonical: str) -> pd.Series:
    """One date column parsed, with a problem for each blank, bad, ambiguous or month-first date and for dates
    written in a format other than the column's usual one."""
    formats = date_formats(rows.frame[canonical])
    parsed, reason = parse_dates(rows.frame[canonical], formats)
    used = formats[formats.isin(["iso", "uk", "named"])]
    if used.nunique() > 1:
        majority = used.value_counts().idxmax()
        rows.add(
            formats.isin(["iso", "uk", "named"]) & (formats != majority),
            canonical,
            "mixed_date_formats",
            f"Dates in this column mix formats; most rows use {majority.upper()} dates. Use one format "
            "(YYYY-MM-DD is safest).",
        )
    rows.add(formats == "blank", canonical, "missing_value", "The date is blank.")
    rows.add(
        reason == "month_first",
        canonical,
        "month_first",
        "This date reads as month-first (US style). Use day-first (31/01/2024) or YYYY-MM-DD.",
    )
    rows.add(
        reason == "two_digit_year",
        canonical,
        "ambiguous_date",
        "A two-digit year is ambiguous. Write the year in full.",
    )
    rows.add(
        reason == "time_of_day",
        canonical,
        "time_of_day",
        "This date has a time of day; a period's first or last day is a date only (midnight, 00:00, is read as the "
        "date). Write the date alone.",
    )
    rows.add(reason == "bad_date", canonical, "bad_date", "This is not a valid date.")
    return parsed


def _check_periods(rows: Rows, reference: Reference, codes: _Codes) -> tuple[pd.Series, pd.Series]:
    """Both dates parsed; a period ends after it starts, not after today, and is whole calendar months of the
    indicator's frequency. Returns the parsed start and end."""
    start, end = _parse_period_date(rows, "period_start"), _parse_period_date(rows, "period_end")
    have = start.notna() & end.notna()
    rows.add(have & (end < start), "period_end", "period_end_before_start", "The period ends before it starts.")
    rows.add(
        end.notna() & (end > pd.Timestamp(reference.today)),
        "period_end",
        "period_in_future",
        f"The period ends after today ({reference.today:%d %B %Y}).",
    )
    rows.add(
        start.notna() & (start < EARLIEST_PERIOD),
        "period_start",
        "period_too_early",
        f"The period starts before {EARLIEST_PERIOD:%Y}: no indicator tracked here has data that old. Check the date "
        "(an empty Excel date reads as 1900).",
    )
    months = (end.dt.year - start.dt.year) * 12 + end.dt.month - start.dt.month + 1
    expected = codes.of_indicator("period_months").astype(float)
    aligned = (start.dt.day == 1) & (end == end + pd.offsets.MonthEnd(0))
    rows.add(
        have & expected.notna() & ((months != expected) | ~aligned) & (end >= start),
        "period_start",
        "period_frequency",
        lambda i: (
            f"{codes.indicator[i]} is reported for periods of {int(expected[i])} calendar month"
            f"{'s' if expected[i] != 1 else ''} (first day to last day); this row's period does not match."
        ),
    )
    return start, end


def _check_duplicates(
    rows: Rows, codes: _Codes, breakdown: pd.Series, category: pd.Series, start: pd.Series, end: pd.Series
) -> None:
    """No key twice within the file: each repeat names the line that first gave it."""
    key_frame = pd.DataFrame(
        {
            "indicator_code": codes.indicator,
            "org_code": codes.org,
            "start": start,
            "end": end,
            "breakdown": breakdown,
            "category": category,
        }
    )
    duplicated = key_frame.duplicated(keep="first") & start.notna() & end.notna()
    if not duplicated.any():
        return
    first_line = (
        key_frame.assign(line=rows.frame[LINE])
        .groupby(list(key_frame.columns), dropna=False)["line"]
        .transform("first")
    )
    rows.add(
        duplicated,
        "indicator_code",
        "duplicate_row",
        lambda i: f"The same indicator, area, period, breakdown and category as line {int(first_line[i])}.",
    )


def _typed(
    rows: Rows,
    reference: Reference,
    codes: _Codes,
    start: pd.Series,
    end: pd.Series,
    numbers: dict[str, pd.Series],
    suppressed: pd.Series,
) -> pd.DataFrame:
    """The rows as they are loaded: ids for codes, dates, floats, and no numbers where suppressed."""
    f = rows.frame
    return pd.DataFrame(
        {
            "line": f[LINE].astype(int),
            "indicator_id": codes.of_indicator("id").astype(int),
            "area_id": codes.org.map({code: area_id for code, (area_id, _) in reference.areas.items()}).astype(int),
            "period_start": _as_dates(start),
            "period_end": _as_dates(end),
            "breakdown": f["breakdown"].astype(str),
            "category": f["category"].astype(str),
            "numerator": numbers["numerator"].where(~suppressed),
            "denominator": numbers["denominator"],
            "value": numbers["value"].where(~suppressed),
            "lower_ci": numbers["lower_ci"].where(~suppressed),
            "upper_ci": numbers["upper_ci"].where(~suppressed),
            "suppressed": suppressed,
            "note": _clean_note(f["note"]),
            "multiplier": codes.of_indicator("multiplier").astype(float),
        }
    )


def _attributes(indicators: dict[str, IndicatorRule]):
    """attribute(name) -> {indicator code: that attribute}, for fast Series.map lookups."""

    def attribute(name: str) -> dict:
        return {code: getattr(rule, name) for code, rule in indicators.items()}

    return attribute


def _as_dates(series: pd.Series) -> pd.Series:
    """``series.dt.date`` converted once per distinct date (an extract has few), not once per row."""
    codes, uniques = pd.factorize(series)
    dates = np.array([*(d.date() for d in uniques), pd.NaT], dtype=object)  # code -1 (missing) -> NaT
    return pd.Series(dates[codes], index=series.index, dtype=object)


@on_distinct
def _clean_note(series: pd.Series) -> pd.Series:
    """Notes as stored: without surrounding spaces (a note over NOTE_MAX_LENGTH has been refused)."""
    return series.astype(str).str.strip()


def _current_codes(rows: Rows, reference: Reference) -> pd.Series:
    """Organisation codes, with an area's former code (an ``AreaAlias``, e.g. HRW-PCN-HS) read as its code now
    and one warning per former code naming the mapping (ADR 0017). Judged on the distinct codes only."""
    f = rows.frame
    org_code = f["org_code"].astype(str)
    if not reference.aliases:
        return org_code
    codes, uniques = distinct(f["org_code"])
    hits = [i for i, value in enumerate(uniques) if value in reference.aliases]
    if not hits:
        return org_code
    current = np.asarray(uniques, dtype=object).copy()
    counts = np.bincount(codes, minlength=len(uniques))
    lines = f[LINE].to_numpy()
    for i in hits:
        former = uniques[i]
        code, name = reference.aliases[former]
        current[i] = code
        n = int(counts[i])
        rows.problems.add(
            Problem(
                int(lines[np.argmax(codes == i)]),
                column_name(rows.columns, "org_code"),
                "former_area_code",
                f"'{former}' is a former code of {name}, now {code}: its {n:,} row{'s' if n != 1 else ''} "
                f"{'were' if n != 1 else 'was'} read as {code}. Use {code} in new files.",
                "warning",
            )
        )
    return pd.Series(current[codes], index=f.index, dtype=object)


def _unknown(kind: str, value: str, known) -> str:
    near = _near_miss(value, known)
    if near is not None:
        unseen = (
            " (it holds a character that does not show, such as a zero-width space)"
            if _UNSEEN.search(str(value).strip()) and not str(value).strip().isprintable()
            else ""
        )
        return f"Unknown {kind} code{unseen}. Did you mean '{near}'? Codes must match exactly (case and spaces)."
    shown = str(value).strip()
    if not _CODE_LIKE.match(shown):  # free text (a person's name below the table?) is never repeated
        return f"Unknown {kind} code: this cell does not look like a code (codes are letters, digits, _ . - /)."
    return f"Unknown {kind} code '{shown[:40]}'."


#: What a code looks like (an indicator's OUT3_CARE_EXPERIENCE, an area's E09000015, Fingertips' 93553): quoted
#: back in a message. Anything else (spaces, punctuation) is text and could be a person's name.
_CODE_LIKE = re.compile(r"^[A-Za-z0-9_./\-]{1,40}$")
