"""Cell parsers inside ``columns_factorized_once``: the same results as without it, column by column."""

from __future__ import annotations

import pandas as pd

from outcomes.ingest import cells


def test_parsers_give_the_same_results_with_columns_factorized_once():
    frame = pd.DataFrame(
        {
            "a": ["1", "2", "*", "x", "1", "=SUM(A1)", ""],
            "b": ["2024-01-31", "31/01/2024", "", "2024-02-30", "01/31/2024", "1 Jan 2024", "2024-01-31"],
        }
    )
    plain = [cells.parse_numbers(frame["a"]), cells.parse_dates(frame["b"]), cells.is_formula(frame["a"])]
    with cells.columns_factorized_once():
        cached = [cells.parse_numbers(frame["a"]), cells.parse_dates(frame["b"]), cells.is_formula(frame["a"])]
        again = [cells.parse_numbers(frame["a"]), cells.parse_dates(frame["b"]), cells.is_formula(frame["a"])]
        other = cells.is_formula(frame["b"])  # another column of the same frame is not mistaken for the first
    for got in (cached, again):
        for left, right in zip(plain, got, strict=True):
            for p, c in zip(
                left if isinstance(left, tuple) else (left,),
                right if isinstance(right, tuple) else (right,),
                strict=True,
            ):
                pd.testing.assert_series_equal(p, c)
    pd.testing.assert_series_equal(other, cells.is_formula(frame["b"]))
    assert cells._FACTORIZED.get() is None  # nothing is kept once the block ends
