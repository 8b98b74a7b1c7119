"""Validate a reader's canonical frame against the reference data: every rule, every row, before any write.

Pure (no ORM): the reference data arrives as a ``Reference`` of plain dicts, so the rules are fast,
vectorised over the whole frame, and testable without a database. Each failed rule becomes a Problem
naming the file's line and column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .cells import (
    columns_factorized_once,
    date_formats,
    distinct,
    is_formula,
    is_markup,
    on_distinct,
    parse_dates,
    parse_numbers,
    strip,
    text_length,
)
from .problems import MAX_PER_CODE, Problem, ProblemList
from .table import LINE

NUMBER_COLUMNS = ("numerator", "denominator", "value", "lower_ci", "upper_ci")
#: Observation.note's max_length: a longer note is refused, never cut.
NOTE_MAX_LENGTH = 255
KEY = ["indicator_code", "org_code", "period_start", "period_end", "breakdown", "category"]


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


def _col(columns: dict[str, str], canonical: str) -> str:
    return columns.get(canonical, canonical)


def _add(
    problems: ProblemList,
    frame: pd.DataFrame,
    mask: pd.Series,
    column: str,
    code: str,
    message,
    severity: str = "error",
) -> None:
    """One Problem per row in ``mask``; ``message`` is text or a function of the row."""
    if not mask.any():
        return
    rows = mask[mask].index
    for index in rows[:MAX_PER_CODE]:
        text = message(index) if callable(message) else message
        problems.add(Problem(int(frame.at[index, LINE]), column, code, text, severity))
    problems.add_more(code, len(rows) - MAX_PER_CODE)


def _near_miss(value: str, known: Iterable[str]) -> str | None:
    folded = value.strip().upper()
    return next((k for k in known if k.upper() == folded), None)


def validate(
    frame: pd.DataFrame, columns: dict[str, str], reference: Reference, problems: ProblemList | None = None
) -> Validated:
    """Every rule on every row; problems are added to ``problems`` (a new list if none is given)."""
    with columns_factorized_once():
        return _validate(frame, columns, reference, problems)


def _validate(
    frame: pd.DataFrame, columns: dict[str, str], reference: Reference, problems: ProblemList | None
) -> Validated:
    problems = problems if problems is not None else ProblemList()
    f = frame  # read-only here: no copy of a million-row frame

    # Text a spreadsheet would execute: refused in every column we read.
    for canonical in [c for c in f.columns if c != LINE]:
        _add(
            problems,
            f,
            is_formula(f[canonical]),
            _col(columns, canonical),
            "formula",
            "This cell would run as a spreadsheet formula (it starts with =, +, -, or @). Remove the formula.",
        )

    if "note" in f.columns:
        check_text(f, columns, ["note"], problems, max_length=NOTE_MAX_LENGTH, check_formulas=False)

    # Reference codes: exact matches only, with a hint when only case or spaces differ.
    indicator_code = f["indicator_code"].astype(str)
    known_indicator = indicator_code.isin(reference.indicators.keys())
    _add(
        problems,
        f,
        ~known_indicator & (~_blank(f["indicator_code"])),
        _col(columns, "indicator_code"),
        "unknown_indicator",
        lambda i: _unknown("indicator", f.at[i, "indicator_code"], reference.indicators),
    )
    _add(
        problems,
        f,
        _blank(f["indicator_code"]),
        _col(columns, "indicator_code"),
        "missing_value",
        "The indicator code is blank.",
    )
    org_code = _current_codes(f, columns, reference, problems)
    known_area = org_code.isin(reference.areas.keys())
    _add(
        problems,
        f,
        ~known_area & (~_blank(f["org_code"])),
        _col(columns, "org_code"),
        "unknown_area",
        lambda i: _unknown("area", f.at[i, "org_code"], reference.areas),
    )
    _add(
        problems,
        f,
        _blank(f["org_code"]),
        _col(columns, "org_code"),
        "missing_value",
        "The organisation code is blank.",
    )

    rules = indicator_code.map(reference.indicators)
    attribute = _attributes(reference.indicators)
    area_level = org_code.map({code: level for code, (_, level) in reference.areas.items()})
    both = known_indicator & known_area
    level_pairs = {(code, level) for code, rule in reference.indicators.items() for level in rule.levels}
    wrong_level = both & ~pd.MultiIndex.from_arrays([indicator_code, area_level]).isin(level_pairs)
    _add(
        problems,
        f,
        pd.Series(wrong_level, index=f.index),
        _col(columns, "org_code"),
        "level_not_reported",
        lambda i: (
            f"{f.at[i, 'indicator_code']} is not reported at {area_level[i]} level "
            f"(it is reported for: {', '.join(sorted(rules[i].levels))})."
        ),
    )

    # Breakdowns and categories from the allowed lists.
    breakdown, category = f["breakdown"].astype(str), f["category"].astype(str)
    breakdown_pairs = {(code, b) for code, rule in reference.indicators.items() for b in (*rule.breakdowns, "all")}
    allowed_breakdown = pd.Series(
        pd.MultiIndex.from_arrays([indicator_code, breakdown]).isin(breakdown_pairs), index=f.index
    )
    _add(
        problems,
        f,
        known_indicator & ~allowed_breakdown,
        _col(columns, "breakdown"),
        "unknown_breakdown",
        lambda i: (
            f"'{breakdown[i]}' is not a breakdown of {indicator_code[i]} "
            f"(allowed: all, {', '.join(sorted(rules[i].breakdowns)) or 'none'})."
        ),
    )
    category_pairs = {(b, c) for b, cats in reference.categories.items() for c in cats}
    allowed_category = pd.Series(pd.MultiIndex.from_arrays([breakdown, category]).isin(category_pairs), index=f.index)
    _add(
        problems,
        f,
        allowed_breakdown & ~allowed_category,
        _col(columns, "category"),
        "unknown_category",
        lambda i: (
            f"'{category[i]}' is not a category of the {breakdown[i]} breakdown "
            f"(allowed: {', '.join(sorted(reference.categories.get(breakdown[i], [])))})."
        ),
    )

    # Dates and periods.
    dates = {}
    for canonical in ("period_start", "period_end"):
        column = _col(columns, canonical)
        formats = date_formats(f[canonical])
        parsed, reason = parse_dates(f[canonical], formats)
        used = formats[formats.isin(["iso", "uk", "named"])]
        if used.nunique() > 1:
            majority = used.value_counts().idxmax()
            mixed = formats.isin(["iso", "uk", "named"]) & (formats != majority)
            _add(
                problems,
                f,
                mixed,
                column,
                "mixed_date_formats",
                f"Dates in this column mix formats; most rows use {majority.upper()} dates. Use one format "
                "(YYYY-MM-DD is safest).",
            )
        _add(problems, f, formats == "blank", column, "missing_value", "The date is blank.")
        _add(
            problems,
            f,
            reason == "month_first",
            column,
            "month_first",
            "This date reads as month-first (US style). Use day-first (31/01/2024) or YYYY-MM-DD.",
        )
        _add(
            problems,
            f,
            reason == "two_digit_year",
            column,
            "ambiguous_date",
            "A two-digit year is ambiguous. Write the year in full.",
        )
        _add(problems, f, reason == "bad_date", column, "bad_date", "This is not a valid date.")
        dates[canonical] = parsed
    start, end = dates["period_start"], dates["period_end"]
    have = start.notna() & end.notna()
    _add(
        problems,
        f,
        have & (end < start),
        _col(columns, "period_end"),
        "period_end_before_start",
        "The period ends before it starts.",
    )
    _add(
        problems,
        f,
        end.notna() & (end > pd.Timestamp(reference.today)),
        _col(columns, "period_end"),
        "period_in_future",
        f"The period ends after today ({reference.today:%d %B %Y}).",
    )
    months = (end.dt.year - start.dt.year) * 12 + end.dt.month - start.dt.month + 1
    expected = indicator_code.map(attribute("period_months")).astype(float)
    aligned = (start.dt.day == 1) & (end == end + pd.offsets.MonthEnd(0))
    wrong_length = have & expected.notna() & ((months != expected) | ~aligned) & (end >= start)
    _add(
        problems,
        f,
        wrong_length,
        _col(columns, "period_start"),
        "period_frequency",
        lambda i: (
            f"{indicator_code[i]} is reported for periods of {int(expected[i])} calendar month"
            f"{'s' if expected[i] != 1 else ''} (first day to last day); this row's period does not match."
        ),
    )

    # Numbers, suppression and arithmetic.
    numbers, suppressed_any = {}, pd.Series(False, index=f.index)
    for canonical in NUMBER_COLUMNS:
        column = _col(columns, canonical)
        values, suppressed, reason = parse_numbers(f[canonical])
        numbers[canonical] = values
        if canonical in ("numerator", "value"):
            suppressed_any |= suppressed
        _add(problems, f, reason == "not_a_number", column, "not_a_number", "This is not a number.")
        _add(problems, f, reason == "overflow", column, "overflow", "This number is too large to be a real value.")
        _add(
            problems,
            f,
            reason == "decimal_comma",
            column,
            "decimal_comma",
            "Read a decimal comma as a decimal point.",
            "warning",
        )
    num, den, value = numbers["numerator"], numbers["denominator"], numbers["value"]
    blank_value = num.isna() & value.isna() & ~suppressed_any
    explicit_blank = _blank(f["numerator"]) & _blank(f["value"])
    suppressed_all = suppressed_any | (blank_value & explicit_blank)
    _add(problems, f, num < 0, _col(columns, "numerator"), "negative_count", "A count cannot be negative.")
    _add(problems, f, den < 0, _col(columns, "denominator"), "negative_count", "A count cannot be negative.")
    _add(
        problems,
        f,
        (den == 0) & num.notna(),
        _col(columns, "denominator"),
        "zero_denominator",
        "The denominator is zero, so no value can be computed.",
    )
    # A numerator needs its denominator to be checked, given an interval and summed up the hierarchy, except
    # for an indicator that is itself a count (its value given); without a value nothing can be computed.
    needs_denominator = num.notna() & (indicator_code.map(attribute("unit")).ne("count") | value.isna())
    if "denominator" not in columns and needs_denominator.any():
        # The column is absent (a generic file without it): one error naming it, not one per row.
        first = int(f.loc[needs_denominator.idxmax(), LINE])
        problems.add(
            Problem(
                1,
                "denominator",
                "missing_column",
                f"The column 'denominator' is missing, but {int(needs_denominator.sum()):,} rows give a numerator "
                f"(the first on line {first}): a count needs its denominator to be checked, given an interval and "
                "added up to PCN and borough. Add the column, or leave the numerator blank and give the value.",
            )
        )
    else:
        _add(
            problems,
            f,
            num.notna() & den.isna() & value.isna(),
            _col(columns, "denominator"),
            "missing_value",
            "A numerator needs a denominator (or give the value).",
        )
    is_proportion = indicator_code.map(attribute("unit")).eq("percent")
    _add(
        problems,
        f,
        is_proportion & (num > den),
        _col(columns, "numerator"),
        "numerator_above_denominator",
        "For a proportion the numerator cannot exceed the denominator.",
    )
    multiplier = indicator_code.map(attribute("multiplier")).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        computed = num / den.where(den > 0) * multiplier
    decimals = _decimals(f["value"])
    tolerance = np.maximum(0.5 * 10.0 ** (-decimals) * 1.0001, 1e-9 * computed.abs())
    inconsistent = value.notna() & computed.notna() & ((value - computed).abs() > tolerance)
    _add(
        problems,
        f,
        inconsistent,
        _col(columns, "value"),
        "value_inconsistent",
        lambda i: (
            f"The value {value[i]:g} does not match numerator / denominator x {multiplier[i]:g} = {computed[i]:.4g}."
        ),
    )
    lower, upper = numbers["lower_ci"], numbers["upper_ci"]
    final_value = value.where(value.notna(), computed)
    _add(
        problems,
        f,
        lower.notna() & upper.notna() & (lower > upper),
        _col(columns, "lower_ci"),
        "interval_order",
        "The lower limit is above the upper limit.",
    )
    outside = final_value.notna() & (
        (lower.notna() & (lower > final_value + 1e-9)) | (upper.notna() & (upper < final_value - 1e-9))
    )
    _add(
        problems,
        f,
        outside,
        _col(columns, "value"),
        "value_outside_interval",
        "The value lies outside its own confidence interval.",
    )

    # Duplicate keys within the file.
    key_frame = pd.DataFrame(
        {
            "indicator_code": indicator_code,
            "org_code": org_code,
            "start": start,
            "end": end,
            "breakdown": breakdown,
            "category": category,
        }
    )
    duplicated = key_frame.duplicated(keep="first") & have
    if duplicated.any():
        first_line = (
            key_frame.assign(line=f[LINE]).groupby(list(key_frame.columns), dropna=False)["line"].transform("first")
        )
        _add(
            problems,
            f,
            duplicated,
            _col(columns, "indicator_code"),
            "duplicate_row",
            lambda i: f"The same indicator, area, period, breakdown and category as line {int(first_line[i])}.",
        )

    if problems.errors:
        return Validated(frame=pd.DataFrame(), problems=problems)

    typed = pd.DataFrame(
        {
            "line": f[LINE].astype(int),
            "indicator_id": indicator_code.map(attribute("id")).astype(int),
            "area_id": org_code.map({code: area_id for code, (area_id, _) in reference.areas.items()}).astype(int),
            "period_start": _as_dates(start),
            "period_end": _as_dates(end),
            "breakdown": breakdown,
            "category": category,
            "numerator": num.where(~suppressed_all),
            "denominator": den,
            "value": final_value.where(~suppressed_all),
            "lower_ci": lower.where(~suppressed_all),
            "upper_ci": upper.where(~suppressed_all),
            "suppressed": suppressed_all,
            "note": _clean_note(f["note"]),
            "multiplier": multiplier,
        }
    )
    return Validated(frame=typed, problems=problems)


def check_text(
    frame: pd.DataFrame,
    columns: dict[str, str],
    names: Iterable[str],
    problems: ProblemList,
    *,
    max_length: int,
    check_formulas: bool = True,
) -> None:
    """The checks every free-text field gets (notes; practice and PCN names from ODS files): no formula, no
    markup, and no more than ``max_length`` characters (refused with a message, never cut to fit)."""
    for canonical in names:
        if canonical not in frame.columns:
            continue
        series, column = frame[canonical], _col(columns, canonical)
        if check_formulas:
            _add(
                problems,
                frame,
                is_formula(series),
                column,
                "formula",
                "This cell would run as a spreadsheet formula (it starts with =, +, -, or @). Remove the formula.",
            )
        _add(
            problems,
            frame,
            is_markup(series),
            column,
            "markup",
            "This cell holds HTML or XML markup (a <tag>). Plain text only.",
        )
        length = text_length(series)
        _add(
            problems,
            frame,
            length > max_length,
            column,
            "too_long",
            lambda i, length=length: (
                f"This text is {int(length[i]):,} characters long; the limit is "
                f"{max_length:,}. Shorten it (nothing is cut to fit)."
            ),
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
def _decimals(series: pd.Series) -> pd.Series:
    """How many decimals a value was written with: rounding in the source sets the tolerance."""
    return series.astype(str).str.extract(r"[.,](\d+)\s*%?\s*$")[0].str.len().astype(float).fillna(0).clip(upper=6)


@on_distinct
def _blank(series: pd.Series) -> pd.Series:
    return strip(series) == ""


@on_distinct
def _clean_note(series: pd.Series) -> pd.Series:
    """Notes as stored: without surrounding spaces (a note over NOTE_MAX_LENGTH has been refused)."""
    return series.astype(str).str.strip()


def _current_codes(f: pd.DataFrame, columns: dict[str, str], reference: Reference, problems: ProblemList) -> pd.Series:
    """Organisation codes, with an area's former code (an ``AreaAlias``, e.g. HRW-PCN-HS) read as its code now
    and one warning per former code naming the mapping (ADR 0017). Judged on the distinct codes only."""
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
        rows = int(counts[i])
        problems.add(
            Problem(
                int(lines[np.argmax(codes == i)]),
                _col(columns, "org_code"),
                "former_area_code",
                f"'{former}' is a former code of {name}, now {code}: its {rows:,} row{'s' if rows != 1 else ''} "
                f"{'were' if rows != 1 else 'was'} read as {code}. Use {code} in new files.",
                "warning",
            )
        )
    return pd.Series(current[codes], index=f.index, dtype=object)


def _unknown(kind: str, value: str, known) -> str:
    near = _near_miss(value, known)
    if near is not None:
        return f"Unknown {kind} code. Did you mean '{near}'? Codes must match exactly (case and spaces)."
    return f"Unknown {kind} code '{str(value)[:40]}'."
