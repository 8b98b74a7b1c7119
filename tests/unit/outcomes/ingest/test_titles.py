"""Title lines above a table are found, and nothing else is taken for one."""

from __future__ import annotations

import pytest

from outcomes.ingest.titles import skipped, title_lines

HEADER = ["indicator_code", "org_code", "period_start", "period_end", "value"]
ROW = ["X", "E09000015", "2019-04-01", "2020-03-31", "1"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([HEADER, ROW], 0),
        ([["Table 1: Care experience"], HEADER, ROW], 1),
        ([["Table 1"], ["Source: Harrow", "2024"], [], HEADER, ROW], 3),
        ([["Table 1", "", "", "", ""], ["", "", "", "", ""], HEADER, ROW], 2),  # Excel's CSV pads titles with commas
        ([[], HEADER, ROW], 1),  # a blank first line
        ([["Table 1"], HEADER], 1),  # a header with no rows below: the parser says so
        ([["code", "name"], ["A", "B"], ["C", "D"]], 0),  # a two-column table has no title
        ([["code", "name"], ["A", "B", "C"], ["D", "E"]], 0),  # a ragged row below is not a header
        ([["a", "b"], ["c"], ["1", "2", "3"], ["x"]], 0),  # a wide row with a narrow row below is not a header
        ([["Title"]] * 12 + [HEADER, ROW], 0),  # too far down to be a header
        ([["Title"]], 0),
        ([], 0),
        ([["Smoking prevalence", " Harrow", " 2023/24"], HEADER, ROW], 0),  # not twice as wide below
        ([["Smoking prevalence", "Harrow", "2023/24"], [], [*HEADER, "lower_ci", "upper_ci"], [*ROW, "1", "2"]], 2),
        ([["Source: NHS", "Harrow", "2024"], ["Notes", "x"], HEADER + HEADER, ROW + ROW], 2),
        ([["a", "b", "c"], ["A1", "B", "C", "1", "2", "3", "4"], ["A2", "B", "C", "1", "2", "3", "4"]], 0),  # numbers
        ([["a", "b", "c"], [*HEADER, "x", "y"]], 0),  # nothing below the wide line
        ([["a", "b", "c"], ["d", "e", "f", "g", "h", "i"], ["1", "2"]], 0),  # the line below is no wider
    ],
    ids=[
        "header-first", "one-title", "title-note-blank", "excel-padded", "blank-first", "header-only",
        "two-columns", "ragged-below", "narrow-below", "too-far", "one-line", "nothing",
        "wide-title-not-twice", "wide-title", "wide-title-and-note", "wide-data-row", "wide-nothing-below",
        "wide-narrow-below",
    ],
)  # fmt: skip
def test_title_lines(rows, expected):
    assert title_lines(rows) == expected


def test_the_warning_names_the_lines_skipped_and_the_header_line():
    assert skipped(1).message.startswith("Line 1 is above the table (a title, notes or blank lines)")
    warning = skipped(3)
    assert (warning.line, warning.code, warning.severity) == (1, "title_lines", "warning")
    assert "Lines 1 to 3" in warning.message and "read from line 4" in warning.message
