"""One formatting rule for CSV and XLSX downloads: decimals as shown, whole counts, yes/no, formula-safe text."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pandas as pd
from openpyxl import load_workbook

from harrow_bbp.tabular import Table, cell


def test_cells_are_written_as_shown():
    assert cell(41.27346938775511, 1) == 41.3
    assert cell(570.0) == 570 and isinstance(cell(570.0), int)
    assert cell(570.4, 0) == 570
    assert cell(False) == "no" and cell(True) == "yes"
    assert cell(float("nan")) == "" and cell(None) == ""
    assert cell(dt.date(2026, 3, 31)) == "2026-03-31"
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cell("*") == "*"
    assert cell(Decimal("12.00")) == 12 and cell(Decimal("1.25"), 1) == 1.2


def _table() -> Table:
    frame = pd.DataFrame(
        {
            "value": [41.27346938775511, 7.0, "*"],
            "numerator": [570.0, 12.0, "*"],
            "suppressed": [False, True, False],
            "note": ["=1+1", "ok", None],
            "period_end": pd.to_datetime(["2026-01-31", "2026-02-28", "2026-03-31"]),
        }
    )
    return Table.from_frame(frame, {"value": 1, "numerator": 0})


def test_csv_has_fixed_decimals_integers_and_yes_no():
    rows = list(csv.reader(io.StringIO(_table().csv())))
    assert rows[0] == ["value", "numerator", "suppressed", "note", "period_end"]
    assert rows[1] == ["41.3", "570", "no", "'=1+1", "2026-01-31"]
    assert rows[2] == ["7.0", "12", "yes", "ok", "2026-02-28"]
    assert rows[3] == ["*", "*", "no", "", "2026-03-31"]


def test_xlsx_matches_the_csv_and_writes_no_formulas():
    table = _table()
    sheet = load_workbook(io.BytesIO(table.xlsx())).active
    cells = list(sheet.iter_rows(values_only=False))
    values = [[c.value if c.value is not None else "" for c in r] for r in cells]
    expected = list(csv.reader(io.StringIO(table.csv())))
    shown = [
        [f"{v:.1f}" if i == 0 and isinstance(v, (int, float)) else str(v) for i, v in enumerate(r)] for r in values
    ]
    assert shown == expected
    assert cells[1][0].value == 41.3 and cells[1][0].number_format == "0.0"
    assert cells[1][1].value == 570 and cells[1][1].number_format == "0"
    assert all(c.data_type != "f" for r in cells for c in r)
    assert cells[1][3].data_type == "s"


def test_a_header_or_text_that_looks_like_a_formula_stays_text_in_xlsx():
    table = Table(["=cmd|' /C calc'!A0", "x"], [["@SUM(1)", "+1"]])
    sheet = load_workbook(io.BytesIO(table.xlsx())).active
    cells = [c for r in sheet.iter_rows() for c in r]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells] == ["'=cmd|' /C calc'!A0", "x", "'@SUM(1)", "+1"]


def test_rows_of_different_indicators_keep_their_own_decimals_in_csv_and_xlsx():
    table = Table(
        ["Indicator", "Value"],
        [["Dementia", 3.95], ["Hypertension", 35600.0], ["Obesity", 9.0]],
        {"Value": [2, 0, 1]},
    )
    lines = table.csv().splitlines()
    assert lines[1:] == ["Dementia,3.95", "Hypertension,35600", "Obesity,9.0"]
    sheet = load_workbook(io.BytesIO(table.xlsx()), read_only=False).active
    assert [sheet.cell(r, 2).number_format for r in (2, 3, 4)] == ["0.00", "0", "0.0"]
    assert [sheet.cell(r, 2).value for r in (2, 3, 4)] == [3.95, 35600, 9.0]


def test_a_column_can_take_each_rows_decimals():
    """A column mixing indicators (the PCN page's practice table) writes each value at its own indicator's
    decimals, in the CSV as text and in the XLSX as a rounded number with a matching format."""
    table = Table(["value", "unit"], [[41.04, "%"], [10.5806, "per 1,000"], ["*", "%"]], {"value": [1, 2, 1]})
    rows = list(csv.reader(io.StringIO(table.csv())))
    assert rows[1:] == [["41.0", "%"], ["10.58", "per 1,000"], ["*", "%"]]
    cells = list(load_workbook(io.BytesIO(table.xlsx())).active.iter_rows(values_only=False))
    assert (cells[1][0].value, cells[1][0].number_format) == (41.0, "0.0")
    assert (cells[2][0].value, cells[2][0].number_format) == (10.58, "0.00")
    assert cells[3][0].value == "*" and cells[3][0].data_type == "s"
