"""The Fingertips reader on small in-test exports: periods, categories, counts, skips and warnings."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.ingest.readers.fingertips import FingertipsReader, Tracked, convert
from outcomes.ingest.readers.fingertips_values import breakdown_of, counts_consistent, parse_period

from .tables import make_table

HEADER = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to ICBs value or percentiles", "Time period Sortable",
    "New data", "Compared to goal", "Time period range",
]  # fmt: skip
AREAS = {"E92000001": "country", "E12000007": "region", "QRV": "icb", "E09000015": "borough"}
SCREENING = Tracked("PERF_X", 22001, None, None, 100.0, frozenset({"imd_quintile", "ethnicity", "sex"}))
LE_MALE = Tracked("LE_M", 90366, "Male", "All ages", 1.0, frozenset(), frozenset({"borough", "country"}))
LE_FEMALE = Tracked("LE_F", 90366, "Female", "All ages", 1.0, frozenset(), frozenset({"borough", "country"}))


def row(**cells) -> list[str]:
    c = {"fid": "22001", "area": "E09000015", "sex": "Persons", "age": "All ages", "ctype": "", "cat": "",
         "period": "2019/20", "value": "70.0", "count": "", "den": "", "note": "", "sortable": "20190000",
         "span": "1y", "lower": "", "upper": "", **cells}  # fmt: skip
    return [c["fid"], "An indicator", "", "", c["area"], "", "", c["sex"], c["age"], c["ctype"], c["cat"],
            c["period"], c["value"], c["lower"], c["upper"], "", "", c["count"], c["den"], c["note"], "", "", "",
            c["sortable"], "", "", c["span"]]  # fmt: skip


def read(*rows, tracked=(SCREENING, LE_MALE, LE_FEMALE)):
    return convert(make_table(HEADER, [list(r) for r in rows]), list(tracked), AREAS)


def codes(output, severity=None):
    return [p.code for p in output.problems if severity is None or p.severity == severity]


@pytest.mark.parametrize(
    ("text", "sortable", "span", "year_type", "expected"),
    [
        ("2019", "20190000", "1y", None, ("2019-01-01", "2019-12-31")),
        ("2019/20", "20190000", "1y", None, ("2019-04-01", "2020-03-31")),
        ("2019/20", "20190000", "1y", "academic", ("2019-09-01", "2020-08-31")),
        ("2019/20 (academic year)", "20190000", "", None, ("2019-09-01", "2020-08-31")),
        ("2017 - 19", "20170000", "3y", None, ("2017-01-01", "2019-12-31")),
        ("1999 - 01", "19990000", "3y", None, ("1999-01-01", "2001-12-31")),
        ("2016/17 - 18/19", "20160000", "3y", None, ("2016-04-01", "2019-03-31")),
        ("2019/20 Q4", "20190000", "", None, ("2020-01-01", "2020-03-31")),
        ("2019/20 Q1", "20190000", "", None, ("2019-04-01", "2019-06-30")),
        ("Feb 2020", "20200000", "", None, ("2020-02-01", "2020-02-29")),
    ],
)
def test_time_periods(text, sortable, span, year_type, expected):
    start, end = parse_period(text, sortable, span, year_type)
    assert (start.isoformat(), end.isoformat()) == expected


@pytest.mark.parametrize(
    ("text", "sortable", "span", "reason"),
    [
        ("2019/21", "20190000", "", "consecutive"),
        ("2019", "20200000", "", "same year"),
        ("2017 - 19", "20170000", "1y", "spans 3"),
        ("2019", "2019", "", "eight digits"),
        ("winter 2019", "20190000", "", "not a month"),
        ("2019 spring", "20190000", "", "not a form"),
    ],
)
def test_periods_that_cannot_be_read_say_why(text, sortable, span, reason):
    with pytest.raises(ValueError, match=reason):
        parse_period(text, sortable, span)


def test_categories_map_to_our_breakdowns_or_give_a_reason():
    england = "LSOA11 deprivation quintiles in England (IMD2019)"
    assert breakdown_of(england, "Most deprived quintile (IMD2019)") == ("imd_quintile", "1")
    assert breakdown_of(england, "2nd more deprived quintile (IMD2019)") == ("imd_quintile", "2")
    assert breakdown_of(england, "Least deprived quintile (IMD2019)") == ("imd_quintile", "5")
    assert "deciles" in breakdown_of("County & UA deprivation deciles in England (IMD2019)", "Most deprived decile")
    assert "local" in breakdown_of("LSOA11 deprivation quintiles within area (IMD2019)", "Most deprived quintile")
    assert breakdown_of("Ethnic groups", "Black, Black British, Caribbean or African") == ("ethnicity", "black")
    assert "do not hold" in breakdown_of("Ethnic groups", "Asian - Indian")
    assert "do not hold" in breakdown_of("Ethnic groups", "Indian")  # a detailed group's rate is its own
    assert breakdown_of("Ethnic groups", "Not recorded") == ("ethnicity", "not_stated")  # the shared spellings


def test_counts_pass_only_when_they_reproduce_the_value():
    assert counts_consistent("3.9", "41", "10512", 1000)
    assert not counts_consistent("2380", "780", "38210", 100000)  # a DSR: not a ratio of the counts
    assert not counts_consistent("3.9", "", "10512", 1000)


def test_the_reader_is_chosen_by_its_columns_whatever_the_parent_comparison_is_called():
    reader = FingertipsReader()
    assert reader.matches(make_table(HEADER, [row()]))
    other = [h.replace("Compared to ICBs", "Compared to Counties & UAs (from Apr 2021)") for h in HEADER]
    assert reader.matches(make_table(other, [row()]))
    assert not reader.matches(make_table(["indicator_code", "org_code"], [["X", "Y"]]))


def test_a_headline_row_becomes_a_canonical_row():
    out = read(row(value="71.5", count="715", den="1000", lower="68.6", upper="74.2"))
    assert codes(out) == []
    got = out.frame.drop(columns="__line__").iloc[0].to_dict()
    assert got == {
        "indicator_code": "PERF_X", "org_code": "E09000015", "period_start": "2019-04-01",
        "period_end": "2020-03-31", "breakdown": "all", "category": "all", "numerator": "715",
        "denominator": "1000", "value": "71.5", "lower_ci": "68.6", "upper_ci": "74.2", "note": "",
    }  # fmt: skip
    assert out.columns["org_code"] == "Area Code" and out.columns["value"] == "Value"


def test_untracked_indicators_give_one_warning_per_id_not_per_row():
    out = read(row(fid="93553"), row(fid="93553", area="E92000001"), row(fid="93553", area="E12000007"), row())
    warnings = [p for p in out.problems if p.code == "untracked_indicator"]
    assert len(warnings) == 1 and "93553" in warnings[0].message and "3 rows" in warnings[0].message
    assert len(out.frame) == 1


def test_nwl_icb_codes_are_aliased_to_qrv():
    out = read(row(area="E54000027"), row(area="E38000256", period="2020/21", sortable="20200000"))
    assert list(out.frame["org_code"]) == ["QRV", "QRV"]


def test_sex_and_age_choose_the_indicator():
    out = read(row(fid="90366", sex="Male", value="82.2"), row(fid="90366", sex="Female", value="85.7"),
               row(fid="90366", sex="Persons", value="84.0"))  # fmt: skip
    assert list(zip(out.frame["indicator_code"], out.frame["value"], strict=True)) == [
        ("LE_M", "82.2"),
        ("LE_F", "85.7"),
    ]
    assert codes(out) == ["rows_skipped"]  # no indicator of ours for Persons


def test_sex_rows_become_the_sex_breakdown_when_the_indicator_has_one():
    out = read(row(sex="Female"), row(sex="Male", period="2020/21", sortable="20200000"))
    assert list(zip(out.frame["breakdown"], out.frame["category"], strict=True)) == [
        ("sex", "female"),
        ("sex", "male"),
    ]


def test_category_rows_map_or_are_skipped_with_a_warning():
    quintiles = "LSOA11 deprivation quintiles in England (IMD2019)"
    out = read(
        row(ctype=quintiles, cat="Most deprived quintile (IMD2019)"),
        row(ctype="County & UA deprivation deciles in England (IMD2019)", cat="Most deprived decile (IMD2019)"),
        row(ctype="Ethnic groups", cat="White"),
        row(ctype="Ethnic groups", cat="Gypsy or Irish Traveller"),
    )
    assert list(zip(out.frame["breakdown"], out.frame["category"], strict=True)) == [
        ("imd_quintile", "1"),
        ("ethnicity", "white"),
    ]
    assert codes(out, "warning") == ["rows_skipped", "rows_skipped"]
    assert codes(out, "error") == []


def test_rows_at_levels_the_indicator_is_not_reported_at_are_skipped():
    out = read(row(fid="90366", sex="Male", area="E12000007"), row(fid="90366", sex="Male"))
    assert list(out.frame["org_code"]) == ["E09000015"]
    assert "region level" in next(p.message for p in out.problems if p.code == "rows_skipped")


def test_suppressed_and_empty_values():
    out = read(
        row(value="", note="Value suppressed for disclosure control reasons"),
        row(value="", note="Data not available", period="2020/21", sortable="20200000"),
    )
    assert list(out.frame["value"]) == ["*"]
    assert codes(out) == ["rows_skipped"]


def test_counts_that_do_not_reproduce_the_value_go_to_the_note():
    dsr = Tracked("DSR", 22401, None, None, 100000.0, frozenset())
    out = read(row(fid="22401", value="2380", count="780", den="38210"), tracked=[dsr])
    assert (out.frame.at[0, "numerator"], out.frame.at[0, "denominator"]) == ("", "")
    assert "count 780, denominator 38210" in out.frame.at[0, "note"]


def test_several_ages_without_a_configured_age_are_an_error():
    out = read(row(age="18+ yrs"), row(age="65+ yrs"))
    assert [(p.line, p.code) for p in out.problems if p.severity == "error"] == [(3, "ambiguous_age")]
    # The indicator's rows are not passed on, so validation cannot report each age's row as the other's duplicate.
    assert out.frame.empty


def test_exact_repeats_are_read_once_and_bad_periods_are_errors():
    out = read(row(), row(), row(period="2019/21"))
    assert len(out.frame) == 1
    assert sorted(codes(out)) == ["bad_period", "repeated_rows"]
    assert next(p.line for p in out.problems if p.code == "bad_period") == 4


def test_missing_columns_are_reported():
    out = convert(make_table(HEADER[:5], [row()[:5]]), [SCREENING], AREAS)
    assert {p.code for p in out.problems} == {"missing_column"} and out.frame.empty
    assert isinstance(dt.date.today(), dt.date)


def test_an_untracked_indicators_long_name_is_cut_at_a_word_never_mid_word():
    name = "Alcohol-related conditions: admission episodes (all primary and secondary diagnoses) " + "word " * 10
    cells = row(fid="93465")
    cells[1] = name + "\n"  # older exports end every name with a line break
    [warning] = [p for p in read(cells).problems if p.code == "untracked_indicator"]
    label = warning.message.split("93465 (", 1)[1].rsplit(") is not one we track", 1)[0]
    assert label.endswith(" …") and len(label) <= 110 and "\n" not in label
    assert name.startswith(label.removesuffix(" …") + " ")  # whole words only


def test_rows_without_an_indicator_id_are_said_to_be_so_not_an_untracked_indicator_called_blank():
    """A real export whose owner appended rows with no Indicator ID (HEEC's 91547 copy): one warning naming
    the first such line, and no 'Fingertips indicator (blank)' to start tracking."""
    out = read(row(), row(fid="", area="E09000015", period="2020/21"), row(fid=" ", period="2021/22"))
    [missing] = [p for p in out.problems if p.code == "missing_indicator_id"]
    assert (missing.line, missing.severity) == (3, "warning") and missing.message.startswith("2 rows have no")
    assert not [p for p in out.problems if p.code == "untracked_indicator"]
    assert len(out.frame) == 1


def test_a_long_category_type_in_a_skipped_rows_warning_is_cut_at_a_word():
    ctype = "County & UA deprivation deciles in England (IMD2019, 4/19 and 3/20 geography) for the wider determinants"
    out = read(row(), row(ctype=ctype, cat="Most deprived decile (IMD2019)"))
    [skipped] = [p for p in out.problems if p.code == "rows_skipped"]
    shown = skipped.message.split("'")[1]
    assert shown.endswith(" …") and ctype.startswith(shown.removesuffix(" …") + " ")
