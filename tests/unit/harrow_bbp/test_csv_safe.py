"""Every CSV cell the product writes is safe to open in a spreadsheet; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from harrow_bbp import csv_safe


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","click")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "   =1+1",
        " \t@x",
        "+44 20 7946 0000",
    ],
)
def test_formula_triggers_are_quoted(text):
    assert csv_safe.neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["-1.5", "+3", "1e-3", "-.5", "12", "Harrow", "", "a=b", "rate < 5"])
def test_plain_numbers_and_ordinary_text_are_unchanged(value):
    assert csv_safe.neutralise(value) == value


@pytest.mark.parametrize("value", [-1.5, 3, None, 0.0])
def test_non_text_values_are_unchanged(value):
    assert csv_safe.neutralise(value) == value


def test_the_writer_neutralises_the_header_too():
    buffer = io.StringIO()
    writer = csv_safe.writer(buffer)
    writer.writerow(["=HYPERLINK(1)", "line"])
    writer.writerows([["@a", -2], ["ok", 3]])
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert rows == [["'=HYPERLINK(1)", "line"], ["'@a", "-2"], ["ok", "3"]]


def test_line_is_one_crlf_terminated_row():
    assert csv_safe.line(["a", "-b"]) == "a,'-b\r\n"


def test_frame_to_csv_keeps_numeric_columns_numeric_and_quotes_text_and_names():
    frame = pd.DataFrame(
        {
            "=bad()": ["x", "y"],
            "area": ["=cmd()", "Harrow"],
            "value": [-1.5, 2.0],
            "label": pd.Categorical(["-1+1", "ok"]),
        }
    )
    rows = list(csv.reader(io.StringIO(csv_safe.frame_to_csv(frame))))
    assert rows[0] == ["'=bad()", "area", "value", "label"]
    assert rows[1] == ["x", "'=cmd()", "-1.5", "'-1+1"]
    assert rows[2] == ["y", "Harrow", "2.0", "ok"]
    assert frame.loc[0, "area"] == "=cmd()"  # the caller's frame is not changed
