"""Fingertips layouts other than today's profile download, built from the REAL rows of two exports
(tests/data/real-files/SOURCES.md): the older 26-column export (every data row one field short), fingertipsR's
CSV (squashed column names, NA for blanks), and QOF-based denominators that are not whole numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from outcomes.ingest.readers import detect_reader
from outcomes.ingest.readers.fingertips import FingertipsReader, Tracked, convert
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table

REAL = Path(__file__).resolve().parents[4] / "data" / "real-files"
IMD = REAL / "fingertips_93553_harrow_excerpt.csv"
QOF = REAL / "fingertips_91547_excerpt.csv"
OURS = ["E84601", "E84617", "E84646", "E84647", "E84653", "E84663", "E84676", "E84680", "E84681", "E84713"]
AREAS = {"E92000001": "country", **dict.fromkeys(OURS, "practice")}
IMD_TRACKED = [Tracked("TEST_IMD_SCORE", 93553, None, None, 1.0, frozenset())]
#: fingertipsR's names for the export's columns (fingertips_data(); data.table::fwrite / write.csv).
FINGERTIPSR = [
    "IndicatorID", "IndicatorName", "ParentCode", "ParentName", "AreaCode", "AreaName", "AreaType", "Sex", "Age",
    "CategoryType", "Category", "Timeperiod", "Value", "LowerCI95.0limit", "UpperCI95.0limit", "LowerCI99.8limit",
    "UpperCI99.8limit", "Count", "Denominator", "Valuenote", "RecentTrend", "ComparedtoEnglandvalueorpercentiles",
    "Comparedtopercentiles", "TimeperiodSortable", "Newdata", "Comparedtogoal", "Timeperiodrange",
]  # fmt: skip


def real_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def table_of(content: bytes):
    return read_table(content, sniff(content))


def frame_of(table, tracked=IMD_TRACKED, areas=AREAS):
    output = convert(table, tracked, areas)
    assert [p for p in output.problems if p.severity == "error"] == []
    return output.frame.set_index("org_code")


def test_the_older_26_column_export_is_read_with_one_warning_not_a_ragged_row_per_line():
    """The older export named 26 columns (no 'Time period range') and wrote 25 fields per data row."""
    rows = real_rows(IMD)
    header = rows[0][:26]
    assert header[-1] == "Compared to goal"
    table = table_of(to_csv([header, *(r[:25] for r in rows[1:])]))
    assert {p.code for p in table.problems} == {"ragged_row"}  # the parser sees every row one field short
    reader = detect_reader(table)
    assert isinstance(reader, FingertipsReader)
    problems = reader.table_problems(table)
    assert [(p.code, p.severity) for p in problems] == [("older_fingertips_layout", "warning")]
    assert "25 fields for 26 column names" in problems[0].message
    frame = frame_of(table)
    assert frame.loc["E84663", "value"] == "14.1386450873675"
    assert set(frame["period_start"]) == {"2019-01-01"}


def test_rows_short_of_a_current_header_are_still_errors():
    """Only the older layout (ending 'Compared to goal') is let off; today's 27 columns must be complete."""
    rows = real_rows(IMD)
    table = table_of(to_csv([rows[0], *(r[:26] for r in rows[1:])]))
    assert {p.code for p in FingertipsReader().table_problems(table)} == {"ragged_row"}


def test_fingertipsr_output_is_read_as_fingertips_with_r_na_as_blank():
    rows = real_rows(IMD)
    body = [[cell if cell != "" else "NA" for cell in r] for r in rows[1:]]
    table = table_of(to_csv([FINGERTIPSR, *body]))
    assert detect_reader(table).name == "fingertips"
    frame = frame_of(table)
    assert frame.loc["E84663", "value"] == "14.1386450873675"
    assert frame.loc["E84663", "lower_ci"] == "" and frame.loc["E84663", "numerator"] == ""
    assert set(frame["breakdown"]) == {"all"}


def test_fractional_qof_denominators_are_kept_exactly():
    """46608551.5 was written 4.66086e+07 (six significant figures), breaking value = count / denominator."""
    table = table_of(QOF.read_bytes())
    tracked = [Tracked("SMOKING", 91547, None, "15+ yrs", 100.0, frozenset())]
    frame = frame_of(table, tracked, {"E92000001": "country", "E09000015": "borough"})
    england = frame.loc[["E92000001"]].set_index("period_start")
    assert england.loc["2013-04-01", ["numerator", "denominator"]].tolist() == ["8935216", "46608551.5"]
    fractional = frame[frame["denominator"].str.contains(".", regex=False)]
    assert len(fractional) >= 3 and not fractional["denominator"].str.contains("e", case=False).any()
