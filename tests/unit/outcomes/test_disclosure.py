"""Disclosure control: the NHS Digital small-number rule, worked by hand at its boundaries."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from outcomes.disclosure import (
    SUPPRESSED_TEXT,
    apply_disclosure_control,
    display_counts,
    suppress_counts,
)

# count -> (shown value or None when suppressed, suppressed?)
HAND_WORKED = {
    0: (0.0, False),  # a true zero is not disclosive; rounding leaves it 0
    1: (None, True),
    2: (None, True),
    7: (None, True),
    8: (10.0, False),  # 8/5 = 1.6 -> 2 -> 10
    10: (10.0, False),
    12: (10.0, False),  # 12/5 = 2.4 -> 2 -> 10
    13: (15.0, False),  # 13/5 = 2.6 -> 3 -> 15
    17: (15.0, False),
    18: (20.0, False),
    1002: (1000.0, False),
    1003: (1005.0, False),
}


@pytest.mark.parametrize(("count", "expected"), HAND_WORKED.items())
def test_scalar_boundaries(count, expected):
    value, suppressed = suppress_counts(count)
    shown, flag = expected
    assert suppressed is flag
    if shown is None:
        assert math.isnan(value)
    else:
        assert value == shown


def test_vectorised_over_arrays_matches_scalars():
    counts = np.array(list(HAND_WORKED))
    result = suppress_counts(counts)
    expected = np.array([np.nan if v is None else v for v, _ in HAND_WORKED.values()])
    np.testing.assert_array_equal(result.values, expected)
    np.testing.assert_array_equal(result.suppressed, [f for _, f in HAND_WORKED.values()])


def test_series_keeps_index_and_nan_stays_nan_unflagged():
    s = pd.Series([0, 5, np.nan, 12, None], index=list("abcde"), dtype="float64")
    values, suppressed = suppress_counts(s)
    assert list(values.index) == list("abcde")
    assert values["a"] == 0 and values["d"] == 10
    assert math.isnan(values["b"]) and suppressed["b"]
    assert math.isnan(values["c"]) and not suppressed["c"]
    assert math.isnan(values["e"]) and not suppressed["e"]


def test_list_with_none_and_object_series():
    values, suppressed = suppress_counts([None, 3, 9])
    assert math.isnan(values[0]) and not suppressed[0]
    assert suppressed[1] and values[2] == 10
    values, suppressed = suppress_counts(pd.Series([None, 3, 9], dtype=object))
    assert list(suppressed) == [False, True, False]


def test_non_integer_counts_between_zero_and_eight_are_suppressed():
    values, suppressed = suppress_counts(np.array([0.4, 7.6, 7.99, 8.0, 12.49, 12.5]))
    assert list(suppressed) == [True, True, True, False, False, False]
    assert list(values[3:]) == [10.0, 10.0, 15.0]  # 12.5 / 5 = 2.5 rounds half up


def test_options_and_refusals():
    values, suppressed = suppress_counts([3, 9, 10, 11], threshold=(1, 10), round_to=None)
    assert list(suppressed) == [True, True, True, False]
    assert values[3] == 11
    with pytest.raises(ValueError, match="negative"):
        suppress_counts([-1, 5])
    with pytest.raises(ValueError, match="threshold"):
        suppress_counts([1], threshold=(0, 7))
    with pytest.raises(ValueError, match="round_to"):
        suppress_counts([1], round_to=0)


def test_display_counts():
    values, suppressed = suppress_counts([0, 4, np.nan, 1002, 123456])
    assert display_counts(values, suppressed) == ["0", SUPPRESSED_TEXT, "", "1,000", "123,455"]
    assert display_counts([np.nan], [False], missing_text="-") == ["-"]
    assert display_counts([12.5], [False]) == ["12.5"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area": ["A", "B", "C", "D", "E"],
            "numerator": [0, 5, 12, 1002, 40],
            "denominator": [100, 50, 7, 2003, np.nan],
            "value": [0.0, 10.0, 171.4, 50.02, np.nan],
            "lower_ci": [0.0, 4.3, 100.0, 47.8, np.nan],
            "upper_ci": [3.7, 21.4, 200.0, 52.2, np.nan],
        }
    )


def test_apply_disclosure_control_frame():
    frame = _frame()
    before = frame.copy()
    out = apply_disclosure_control(frame)
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert list(out["disclosure_suppressed"]) == [False, True, True, False, False]
    assert list(out["numerator_display"]) == ["0", "*", "10", "1,000", "40"]
    assert list(out["denominator_display"]) == ["100", "50", "*", "2,005", ""]
    # A: a zero numerator is shown, and so is its value.
    assert out.loc[0, "numerator"] == 0 and out.loc[0, "value"] == 0.0 and out.loc[0, "upper_ci"] == 3.7
    # B and C: suppressed numerator / denominator -> value and interval blanked, the count NaN.
    for i in (1, 2):
        assert out.loc[i, ["value", "lower_ci", "upper_ci"]].isna().all()
    assert math.isnan(out.loc[1, "numerator"]) and out.loc[1, "denominator"] == 50
    assert out.loc[2, "numerator"] == 10 and math.isnan(out.loc[2, "denominator"])
    # D: counts rounded, the published value not recomputed from them (1000 / 2005 would be 49.88).
    assert out.loc[3, "numerator"] == 1000 and out.loc[3, "denominator"] == 2005
    assert out.loc[3, "value"] == 50.02 and out.loc[3, "lower_ci"] == 47.8
    assert out["disclosure_suppressed"].dtype == bool


def test_apply_disclosure_control_rows_and_missing_columns():
    frame = _frame().drop(columns=["upper_ci"])
    out = apply_disclosure_control(frame, rows=[True, False, True, True, True])
    # B is exempt (e.g. the borough row): exact counts and value kept.
    assert not out.loc[1, "disclosure_suppressed"]
    assert out.loc[1, "numerator"] == 5 and out.loc[1, "numerator_display"] == "5" and out.loc[1, "value"] == 10.0
    assert out.loc[2, "disclosure_suppressed"]
    assert "upper_ci" not in out.columns
    with pytest.raises(ValueError, match="one boolean per row"):
        apply_disclosure_control(frame, rows=[True])


def test_apply_disclosure_control_empty_frame():
    out = apply_disclosure_control(pd.DataFrame(columns=["numerator", "denominator", "value"]))
    assert out.empty and "disclosure_suppressed" in out.columns and "numerator_display" in out.columns


def _candidates(value: float, numerator_shown: float, denominator_shown: float) -> list[tuple[int, int]]:
    """Every (numerator, denominator) that rounds to the counts shown and gives ``value`` to its precision."""
    places = len(str(float(value)).partition(".")[2])
    return [
        (x, n)
        for x in range(int(numerator_shown) - 2, int(numerator_shown) + 3)
        for n in range(int(denominator_shown) - 2, int(denominator_shown) + 3)
        if round(100 * x / n, places) == value
    ]


def test_values_under_control_go_out_at_the_precision_shown_so_counts_cannot_be_recovered():
    frame = pd.DataFrame(
        {
            "numerator": [3103, 3103],
            "denominator": [6904, 6904],
            "value": [100 * 3103 / 6904] * 2,  # 44.9449594438007
            "lower_ci": [43.77145, 43.77145],
            "upper_ci": [46.12404, 46.12404],
        }
    )
    # Full precision beside the rounded counts gives the exact counts away: one solution in the neighbourhood.
    raw = apply_disclosure_control(frame)
    assert _candidates(raw.loc[0, "value"], raw.loc[0, "numerator"], raw.loc[0, "denominator"]) == [(3103, 6904)]
    out = apply_disclosure_control(frame, decimals=1, rows=[True, False])
    assert (out.loc[0, "numerator"], out.loc[0, "denominator"]) == (3105, 6905)
    assert (out.loc[0, "value"], out.loc[0, "lower_ci"], out.loc[0, "upper_ci"]) == (44.9, 43.8, 46.1)
    assert len(_candidates(out.loc[0, "value"], 3105, 6905)) > 5  # many counts fit what is shown
    # A row not under control (e.g. the borough) keeps its published precision.
    assert out.loc[1, "value"] == 100 * 3103 / 6904 and out.loc[1, "numerator"] == 3103
    # One precision per row (each row's indicator's), and suppressed values stay blank.
    per_row = apply_disclosure_control(frame.assign(numerator=[3103, 5]), decimals=[2, 0])
    assert per_row.loc[0, "value"] == 44.94 and per_row["value"].isna().tolist() == [False, True]
