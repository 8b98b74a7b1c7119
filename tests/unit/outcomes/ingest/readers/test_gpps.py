"""The GPPS reader on small in-test files: the reviewed mapping, year detection, fractions and counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outcomes.ingest.readers.gpps import GPPSReader, Mapping, SurveyYear, convert, load_mapping, year_of
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table

from .tables import make_table

OLD = ["Practice_Code", "Practice_Name", "Q18base", "Q18_12pct", "Q18_4pct", "Q18_5pct"]
NEW = ["ad_practicecode", "gpcontactoverall.baseevaluw", "gpcontactoverall.pcteval", "gpcontactoverall_4.pct",
       "gpcontactoverall_5.pct"]  # fmt: skip
PRACTICES = {"E84068", "E84024"}


def named(table, name):
    table.file_name = name
    return table


def test_the_reviewed_mapping_marks_the_2024_series_break_for_every_later_year():
    mapping = load_mapping()
    assert (mapping.good_indicator, mapping.poor_indicator) == ("OUT2_GP_ACCESS", "OUT2_GP_ACCESS_POOR")
    assert set(mapping.years) >= set(range(2018, 2026))
    assert mapping.years[2024].series_break and not mapping.years[2023].series_break
    assert mapping.years[2023].note == ""
    assert {mapping.years[y].note for y in mapping.years if y >= 2024} == {
        "GPPS 2024 redesign: not comparable with earlier years"
    }
    assert mapping.years[2023].period == (dt.date(2023, 1, 1), dt.date(2023, 3, 31))
    assert mapping.years[2024].practice_code == "ad_practicecode"


def test_the_reader_recognises_both_variable_schemes():
    reader = GPPSReader()
    assert reader.matches(make_table(OLD, [["E84068", "X", "110", "0.68", "0.07", "0.07"]]))
    assert reader.matches(make_table(NEW, [["E84068", "115", "0.63", "0.07", "0.05"]]))
    assert not reader.matches(make_table(["Practice_Code", "Q28_12pct"], [["E84068", "0.8"]]))


def test_the_year_comes_from_the_file_name():
    mapping = load_mapping()
    table = make_table(OLD, [["E84068", "X", "110", "0.68", "0.07", "0.07"]])
    assert year_of(named(table, "GPPS_2022_Practice_data_(weighted)_(csv)_PUBLIC.csv"), mapping)[0].year == 2022
    assert year_of(named(table, "uploads/2019/GPPS_2022_practice.csv"), mapping)[0].year == 2022  # name, not path
    survey, problem = year_of(named(table, "GPPS_2015_practice.csv"), mapping)
    assert survey is None and problem.code == "gpps_year_unknown" and "2015" in problem.message
    survey, problem = year_of(named(table, "GPPS_2022_vs_2023.csv"), mapping)
    assert survey is None and "several years" in problem.message
    survey, problem = year_of(named(table, "practice.csv"), mapping)  # 2018-2023 share their variable names
    assert survey is None and "file name" in problem.message


def test_the_year_comes_from_the_header_when_only_one_year_fits():
    one = SurveyYear(2030, "code", ("g",), ("p",), "b", (dt.date(2030, 1, 1), dt.date(2030, 3, 31)), False, "")
    mapping = Mapping("GOOD", "POOR", {2030: one})
    assert year_of(make_table(["code", "g", "p", "b"], [["E84068", "0.5", "0.2", "10"]]), mapping)[0] is one


def test_fractions_become_per_cent_with_counts_only_when_they_reproduce_the_value():
    table = named(
        make_table(
            OLD,
            [
                ["E84068", "A", "110", "0.6818", "0.0909", "0.0546"],  # 75/110 = 68.18%, 16/110 = 14.55%
                ["E84024", "B", "97", "0.534167", "*", "*"],  # 52/97 = 53.61% != 53.4167%; poor suppressed
                ["A81001", "C", "120", "0.875", "0.025", "0.0083"],  # not ours
            ],
        ),
        "GPPS_2023_Practice_data.csv",
    )
    out = convert(table, load_mapping(), PRACTICES)
    rows = out.frame[["indicator_code", "org_code", "value", "numerator", "denominator", "note"]].values.tolist()
    assert rows == [
        ["OUT2_GP_ACCESS", "E84068", "68.18", "75", "110", ""],
        ["OUT2_GP_ACCESS_POOR", "E84068", "14.55", "16", "110", ""],
        ["OUT2_GP_ACCESS", "E84024", "53.4167", "", "", "GPPS base 97 respondents"],
        ["OUT2_GP_ACCESS_POOR", "E84024", "*", "", "", "Not reported by GPPS (too few respondents)"],
    ]
    assert set(out.frame["period_start"]) == {"2023-01-01"} and set(out.frame["period_end"]) == {"2023-03-31"}
    assert list(out.frame["__line__"]) == [2, 2, 3, 3]
    assert [p.code for p in out.problems] == ["untracked_area"]


def test_practice_codes_not_in_canonical_form_are_refused_never_re_cased():
    table = named(
        make_table(
            OLD,
            [
                ["e84068", "A", "110", "0.6818", "0.0909", "0.0546"],
                [" E84024", "B", "97", "0.5", "0.05", "0.05"],
                ["a81001", "C", "120", "0.875", "0.025", "0.0083"],  # not ours in any case: skipped, as before
            ],
        ),
        "GPPS_2023_Practice_data.csv",
    )
    out = convert(table, load_mapping(), PRACTICES)
    assert [(p.line, p.column, p.code) for p in out.problems] == [
        (2, "Practice_Code", "code_not_canonical"),
        (3, "Practice_Code", "code_not_canonical"),
        (None, "Practice_Code", "untracked_area"),
    ]
    assert "did you mean 'E84068'" in out.problems[0].message and "never re-cased" in out.problems[0].message
    assert "1 practices" in out.problems[2].message
    assert out.frame.empty  # nothing re-cased into the output


def test_2024_rows_sum_the_poor_variables_and_carry_the_break_note():
    table = named(make_table(NEW, [["E84068", "115", "0.6348", "0.0696", "0.0522"]]), "GPPS_2024_Practice_data.csv")
    out = convert(table, load_mapping(), PRACTICES)
    assert list(out.frame["value"]) == ["63.48", "12.18"]
    assert all(n.startswith("GPPS 2024 redesign") for n in out.frame["note"])
    assert out.columns["value_poor"] == "gpcontactoverall_4.pct + gpcontactoverall_5.pct"


def test_bad_cells_and_missing_variables_are_errors():
    table = named(
        make_table(
            OLD, [["E84068", "A", "110", "68.18", "0.05", "0.05"], ["E84024", "B", "97", "n/k", "0.05", "0.05"]]
        ),
        "GPPS_2023.csv",
    )
    out = convert(table, load_mapping(), PRACTICES)
    assert [(p.line, p.code, p.column) for p in out.problems] == [
        (2, "not_a_fraction", "Q18_12pct"),
        (3, "not_a_number", "Q18_12pct"),
    ]
    missing = convert(
        named(make_table(OLD[:5], [["E84068", "A", "1", "0.5", "0.1"]]), "GPPS_2023.csv"), load_mapping(), PRACTICES
    )
    assert [(p.code, p.column) for p in missing.problems] == [("missing_column", "Q18_5pct")]


# ------------------------------------------------------------------------------------------------ the real file

REAL_2026 = Path(__file__).resolve().parents[5] / "tests" / "data" / "real-files"
REAL_2026 = REAL_2026 / "GPPS_2026_Practice_data_columns_excerpt.csv"


def real_2026():
    content = REAL_2026.read_bytes()
    table = read_table(content, sniff(content))
    table.file_name = REAL_2026.name
    return table


def test_the_real_2026_file_is_recognised_and_read_with_its_sentinels():
    """A real GPPS 2026 practice file (189 of its columns): the good value and its published interval, the poor
    answers (4 + 5) summed, the unweighted respondents, and the -97 sentinel of a 2-response practice suppressed."""
    table = real_2026()
    assert GPPSReader().matches(table)
    out = convert(table, load_mapping(), {"A84002", "Y01924"})
    rows = out.frame[
        ["indicator_code", "org_code", "value", "numerator", "denominator", "lower_ci", "upper_ci", "note"]
    ].values.tolist()
    note = "GPPS 2024 redesign: not comparable with earlier years"
    assert rows == [
        # .939780062192418 of 111 respondents is 104.3: 104/111 is 93.69%, so the value alone, with the base
        [
            "OUT2_GP_ACCESS",
            "A84002",
            "93.978006",
            "",
            "",
            "89.331903",
            "96.67596",
            f"{note}; GPPS base 111 respondents",
        ],
        ["OUT2_GP_ACCESS_POOR", "A84002", "0", "0", "111", "", "", note],
        ["OUT2_GP_ACCESS", "Y01924", "*", "", "", "", "", f"{note}; Not reported by GPPS (too few respondents)"],
        ["OUT2_GP_ACCESS_POOR", "Y01924", "*", "", "", "", "", f"{note}; Not reported by GPPS (too few respondents)"],
    ]
    assert set(out.frame["period_start"]) == {"2026-01-01"}
    assert out.columns["denominator"] == "gpcontactoverall.baseevaluw"
    assert (out.columns["lower_ci"], out.columns["upper_ci"]) == (
        "gpcontactoverall.lowileval",
        "gpcontactoverall.hiwileval",
    )


def test_the_real_2026_file_has_no_combined_poor_variable_and_its_answers_sum_to_one():
    """What the mapping rests on: _1.pct .. _5.pct are the five answers (summing to 1) and pcteval is _1 + _2."""
    row = real_2026().frame.iloc[0]
    answers = [float(row[f"gpcontactoverall_{n}.pct"]) for n in range(1, 6)]
    assert sum(answers) == pytest.approx(1)
    assert float(row["gpcontactoverall.pcteval"]) == pytest.approx(answers[0] + answers[1])
    assert not any(h.endswith("_45.pct") or h.endswith("45pct") for h in real_2026().header)
