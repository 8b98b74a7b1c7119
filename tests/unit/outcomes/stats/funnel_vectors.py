"""The funnel reference vectors (``funnel.json``) read the one way both funnel test modules need: a vector's input
passed to ``funnel_limits`` / ``funnel_significance`` (optionally centred on a target), and a limit table compared
with the vector's expected columns under its tolerance."""

from __future__ import annotations

from typing import Any

import pandas as pd

from outcomes.stats.funnel import funnel_limits, funnel_significance

from . import vectors as rv


def rate_significance(inp: dict[str, Any], *, target: float | None = None) -> Any:
    """The labels of a rate vector's units (crude rates or DSRs), against the pooled average or ``target``."""
    return funnel_significance(
        inp["count"],
        rv.null_to_nan(inp["denominator"]),
        statistic="rate",
        rate=rv.null_to_nan(inp["rate"]),
        rate_type=inp["rate_type"],
        multiplier=inp["multiplier"],
        target=target,
    )


def rate_limits(inp: dict[str, Any], *, target: float | None = None) -> pd.DataFrame:
    """The limit table of a rate vector, centred on the pooled average or ``target``."""
    return funnel_limits(
        inp["numerator"],
        inp.get("denominator"),
        statistic="rate",
        rate=inp["rate"],
        rate_type=inp["rate_type"],
        multiplier=inp["multiplier"],
        years_of_data=inp["years_of_data"],
        target=target,
    )


def assert_table(
    table: pd.DataFrame,
    expected: dict[str, Any],
    tolerance: dict[str, float] | None,
    rename: dict[str, str] | None = None,
    printed: bool = False,
) -> None:
    """Each expected column (renamed to ours where ``rename`` says) equals the table's: text exactly, numbers within
    the tolerance (``printed``: see ``vectors.close``)."""
    rename = rename or {}
    rows = expected["rows"]
    assert len(table) == len(rows)
    for j, column in enumerate(expected["columns"]):
        got = table[rename.get(column, column)].tolist()
        want = [row[j] for row in rows]
        if isinstance(want[0], str):
            assert got == want, column
        else:
            rv.assert_close(got, want, tolerance, column, printed=printed)
