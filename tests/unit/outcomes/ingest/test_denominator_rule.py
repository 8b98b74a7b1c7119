"""The denominator is required only where rows need it: a numerator of a rate or proportion (issue 12.7)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from outcomes.ingest.readers.base import CANONICAL
from outcomes.ingest.validate import IndicatorRule, Reference, validate
from outcomes.vocabulary import BREAKDOWN_CATEGORIES

RULES = {
    "PCT": IndicatorRule(1, "PCT", "percent", 100.0, frozenset({"borough"}), frozenset(), None),
    "CNT": IndicatorRule(2, "CNT", "count", 1.0, frozenset({"borough"}), frozenset(), None),
}
REFERENCE = Reference(
    indicators=RULES,
    areas={"E09000015": (1, "borough")},
    categories={k: frozenset(v) for k, v in BREAKDOWN_CATEGORIES.items()},
    today=dt.date(2026, 1, 1),
)


def _frame(rows: list[dict]) -> pd.DataFrame:
    base = dict.fromkeys(CANONICAL, "") | {
        "org_code": "E09000015",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "breakdown": "all",
        "category": "all",
    }
    frame = pd.DataFrame([base | row for row in rows], dtype=object)
    frame["__line__"] = range(2, 2 + len(rows))
    return frame


def _codes(rows: list[dict], columns: dict[str, str]) -> list[tuple]:
    problems = validate(_frame(rows), columns, REFERENCE).problems
    return [(p.code, p.column, p.line) for p in problems.items if p.severity == "error"]


WITHOUT = {"indicator_code": "indicator_code", "numerator": "numerator", "value": "value"}  # no denominator column


def test_numerators_without_a_denominator_column_are_one_error_naming_it():
    rows = [{"indicator_code": "PCT", "numerator": "5", "value": "50"}] * 3
    rows = [r | {"period_start": f"{2021 + i}-01-01", "period_end": f"{2021 + i}-12-31"} for i, r in enumerate(rows)]
    assert _codes(rows, WITHOUT) == [("missing_column", "denominator", 1)]


def test_values_alone_and_counts_need_no_denominator():
    rows = [
        {"indicator_code": "PCT", "value": "50"},
        {"indicator_code": "CNT", "numerator": "12", "value": "12", "period_start": "2023-01-01"},
    ]
    rows[1]["period_end"] = "2023-12-31"
    assert _codes(rows, WITHOUT) == []
    # A count with no value cannot be computed without a denominator either: still one error, not one per row.
    rows = [{"indicator_code": "CNT", "numerator": "12"}]
    assert _codes(rows, WITHOUT) == [("missing_column", "denominator", 1)]


def test_with_the_column_a_blank_denominator_is_judged_per_row():
    columns = WITHOUT | {"denominator": "denominator"}
    assert _codes([{"indicator_code": "PCT", "numerator": "5"}], columns) == [("missing_value", "denominator", 2)]
    assert _codes([{"indicator_code": "PCT", "numerator": "5", "value": "50"}], columns) == []
