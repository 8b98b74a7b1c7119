"""Cell parsers inside ``columns_factorized_once``: the same results as without it, column by column."""

from __future__ import annotations

import pandas as pd
import pytest

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


def test_distinct_values_are_those_of_the_cells_read_as_text():
    """Spreadsheet cells can hold 1 and "1" (one text) or None, NaN and NaT (three texts)."""
    for cells_ in (["x", 1, "1", 2.5, "x"], ["x", None, float("nan"), pd.NaT, "x"]):
        series = pd.Series(cells_, dtype=object)
        codes, uniques = cells._factorize(series)
        assert [uniques[c] for c in codes] == list(series.astype(str))


def test_reasons_are_labels_spread_by_code_row_for_row():
    series = pd.Series(["1", "x", "1,5", "x", "12%", ""] * 3, dtype=object)
    _, _, reason = cells.parse_numbers(series)
    assert isinstance(reason.dtype, pd.CategoricalDtype)  # compared as codes, not as a million strings
    assert list(reason) == ["", "not_a_number", "decimal_comma", "not_a_number", "percent_sign", ""] * 3
    formats = cells.date_formats(pd.Series(["2024-01-31", "31/01/2024", "", "31/01/24"], dtype=object))
    assert list(formats) == ["iso", "uk", "blank", "two_digit_year"]
    assert list(cells.parse_dates(pd.Series(["2024-02-30", "2024-02-29"], dtype=object))[1]) == ["bad_date", ""]


def test_formula_triggers_are_found_after_leading_spaces_but_signed_numbers_are_not_formulas():
    series = pd.Series(["=1+1", "  =1+1", " @x", "\tx", "-1.5", " +3 ", "-2+3", "a=b", "plain"])
    assert cells.is_formula(series).tolist() == [True, True, True, True, False, False, True, False, False]


def test_markup_is_tags_comments_and_declarations_not_comparisons():
    series = pd.Series(["<script>x</script>", "a </b> c", "<!-- x -->", "<?xml", "rate <5", "a < b", "x>y"])
    assert cells.is_markup(series).tolist() == [True, True, True, True, False, False, False]


def test_text_length_ignores_surrounding_spaces():
    assert cells.text_length(pd.Series(["  abc  ", "", "x" * 300])).tolist() == [3, 0, 300]


@pytest.mark.parametrize(
    ("text", "formula"),
    [("-", False), ("--", False), (" - ", False), ("-1.5", False), ("=1+1", True), ("-2+3+cmd|' /C calc'!A0", True),
     ("@SUM(A1)", True), ("-inf", True), ("+", True)],
)  # fmt: skip
def test_a_dash_alone_is_not_a_formula_but_anything_after_one_is(text, formula):
    assert bool(cells.is_formula(pd.Series([text])).iloc[0]) is formula
