"""The series helpers every tile and indicator page uses: the latest valued row and each period's length."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboards.board import latest_valued, months_spanned, period_months, same_period_length


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (dt.date(2025, 4, 1), dt.date(2025, 4, 30), 1),  # a month
        (dt.date(2024, 4, 1), dt.date(2025, 3, 31), 12),  # a financial year
        (dt.date(2024, 1, 1), dt.date(2025, 3, 31), 15),  # the diabetes care processes' window
        (dt.date(2023, 9, 1), dt.date(2025, 8, 31), 24),  # a biennial academic period
        (pd.Timestamp("2025-12-01"), pd.Timestamp("2026-02-28"), 3),  # pandas' own timestamps read the same
    ],
)
def test_months_spanned_counts_both_ends(start, end, months):
    assert months_spanned(start, end) == months


def frame(values: list[float | None]) -> pd.DataFrame:
    starts = [dt.date(2025, m, 1) for m in range(1, len(values) + 1)]
    ends = [(pd.Timestamp(s) + pd.offsets.MonthEnd(0)).date() for s in starts]
    index = range(10, 10 + len(values))
    return pd.DataFrame({"period_start": starts, "period_end": ends, "value": values}, index=index)


def test_the_latest_valued_row_skips_trailing_gaps():
    latest = latest_valued(frame([1.0, None, 3.0, None, None]))
    assert latest is not None and latest["value"] == 3.0 and latest.name == 12
    assert latest_valued(frame([None, None])) is None
    assert latest_valued(frame([])) is None


def test_period_months_keeps_the_frames_index_and_filters_one_length():
    data = frame([1.0, 2.0, 3.0])
    data.loc[99] = [dt.date(2024, 4, 1), dt.date(2025, 3, 31), 4.0]
    assert period_months(data).to_dict() == {10: 1, 11: 1, 12: 1, 99: 12}
    assert list(same_period_length(data, 12).index) == [99]
    assert list(same_period_length(data, 1)["value"]) == [1.0, 2.0, 3.0]
