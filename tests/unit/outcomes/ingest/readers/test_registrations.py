"""The GP registrations reader's safeguards on small in-test tables: the practice-postcode exemption, the
extract date, and ages that must add up (the rest is in test_national_files.py)."""

from __future__ import annotations

from pathlib import Path

from outcomes.ingest.pii import find_identifiers
from outcomes.ingest.readers.registrations import RegistrationsReader, convert, missing_ages
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table

from .tables import make_table

OURS = {"E84068", "E84024"}
LONG = ["PUBLICATION", "EXTRACT_DATE", "TYPE", "SUB_ICB_LOCATION_CODE", "ONS_SUB_ICB_LOCATION_CODE", "CODE",
        "POSTCODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"]  # fmt: skip
REAL = Path(__file__).resolve().parents[5] / "tests" / "data" / "real-files"


def reg(code: str, sex: str, age: str, count: str, postcode: str = "HA2 7DU", date: str = "2026-04-01") -> list[str]:
    return ["GP_PRAC_PAT_LIST", date, "GP", "W2U3Z", "E38000256", code, postcode, sex, age, count]


def screen(table) -> list:
    reader = RegistrationsReader()
    return find_identifiers(table, reader.pii_exempt_columns(table), reader.pii_exempt_headers(table))


# ------------------------------------------------------------------------------------------------ postcode


def test_one_postcode_per_practice_is_the_practices_own_and_exempt():
    table = make_table(
        LONG,
        [reg("E84068", "MALE", "ALL", "10"), reg("E84068", "MALE", "0", "10"),
         reg("E84024", "MALE", "ALL", "5", postcode="HA5 3EE"), reg("E84024", "MALE", "0", "5", postcode="HA5 3EE")],
    )  # fmt: skip
    assert RegistrationsReader().pii_exempt_columns(table) == {"POSTCODE"}
    assert screen(table) == []


def test_one_postcode_spaced_or_cased_differently_is_still_the_practices_one():
    table = make_table(
        LONG,
        [reg("E84068", "MALE", "ALL", "10", postcode="HA9 9HA"), reg("E84068", "MALE", "0", "4", postcode="HA99HA"),
         reg("E84068", "MALE", "1", "6", postcode="ha9  9ha")],
    )  # fmt: skip
    assert RegistrationsReader().pii_exempt_columns(table) == {"POSTCODE"}


def test_a_practice_with_several_postcodes_exempts_nothing_and_is_refused_as_patient_data():
    """One row per person (count 1), each with a home postcode: the column is not a practice's address."""
    postcodes = ["HA1 1AA", "HA2 0DL", "HA3 5RT", "HA5 4PU"]
    table = make_table(
        LONG,
        [reg("E84024", "MALE", "ALL", "7", postcode="HA5 3EE")]
        + [reg("E84068", "MALE", str(20 + i), "1", postcode=p) for i, p in enumerate(postcodes)],
    )
    reader = RegistrationsReader()
    assert reader.pii_exempt_columns(table) == frozenset() and reader.pii_exempt_headers(table) == frozenset()
    findings = screen(table)
    assert {(p.line, p.column) for p in findings if p.line != 1} >= {(3, "POSTCODE"), (6, "POSTCODE")}
    assert all(p.code == "patient_identifiable" for p in findings)


def test_the_real_registrations_excerpts_keep_their_exemption():
    for name in ("gp_registrations_2021-01_excerpt.csv", "gp_registrations_2026-04_excerpt.csv"):
        content = (REAL / name).read_bytes()
        table = read_table(content, sniff(content))
        assert RegistrationsReader().pii_exempt_columns(table) == {"POSTCODE"}, name
        assert screen(table) == [], name


# ------------------------------------------------------------------------------------------------ extract date


def test_an_extract_date_written_month_first_is_refused_naming_the_date_meant():
    """04/01/2026 (1 April, US style) would be read as 4 January and load December 2025's list."""
    table = make_table(LONG, [reg(code, "ALL", "ALL", "10", date="04/01/2026") for code in ("A81001", *sorted(OURS))])
    output = convert(table, OURS)
    [problem] = output.problems[1:]  # after the untracked A81001
    assert (problem.line, problem.column, problem.code, problem.severity) == (
        3, "EXTRACT_DATE", "extract_date_not_first", "error"
    )  # fmt: skip
    assert "'04/01/2026' (here and on 1 more line) is 4 January 2026" in problem.message
    assert "1 April 2026 written month first, write it as 01/04/2026 or 2026-04-01" in problem.message
    assert output.frame.empty


def test_an_extract_date_in_the_middle_of_a_month_is_refused():
    output = convert(make_table(LONG, [reg("E84068", "ALL", "ALL", "10", date="2026-04-15")]), OURS)
    [problem] = output.problems
    assert (problem.line, problem.code) == (2, "extract_date_not_first")
    assert "'2026-04-15' is 15 April 2026" in problem.message and "2026-04-01" in problem.message
    wide = ["GP_PRACTICE_CODE", "EXTRACT_DATE", "TOTAL_ALL", "TOTAL_MALE", "TOTAL_FEMALE"]
    output = convert(make_table(wide, [["E84068", "15APR2016", "100", "45", "55"]]), OURS)
    assert [p.code for p in output.problems] == ["extract_date_not_first"] and output.frame.empty


def test_the_first_of_the_month_loads_as_the_month_before_in_every_form():
    for date in ("01APR2026", "2026-04-01", "01/04/2026"):
        output = convert(make_table(LONG, [reg("E84068", "ALL", "ALL", "10", date=date)]), OURS)
        assert output.problems == [], date
        assert output.frame[["period_start", "period_end"]].values.tolist() == [["2026-03-01", "2026-03-31"]]


# ------------------------------------------------------------------------------------------------ ages


def single_ages(code: str, sex: str, per_year: int, skip: tuple[str, ...] = (), total: int | None = None) -> list:
    ages = [str(a) for a in range(95)] + ["95+"]
    rows = [reg(code, sex, age, str(per_year)) for age in ages if age not in skip]
    return rows + ([reg(code, sex, "ALL", str(total))] if total is not None else [])


def test_ages_that_add_up_to_the_totals_give_our_bands():
    rows = single_ages("E84068", "MALE", 100, total=9600) + single_ages("E84068", "FEMALE", 100, total=9600)
    output = convert(make_table(LONG, rows), OURS)
    assert output.problems == []
    values = dict(output.frame[["category", "value"]].values.tolist())
    assert values["18-44"] == "5400" and values["all"] == "19200"


def test_a_missing_age_under_a_total_is_refused_naming_practice_sex_and_both_sums():
    """The tester's file: age 30 missing for both sexes, so 18-44 would be 5,200 (not 5,400) and the bands 19,000."""
    rows = single_ages("E84068", "MALE", 100, skip=("30",), total=9600)
    rows += single_ages("E84068", "FEMALE", 100, skip=("30",), total=9600)
    output = convert(make_table(LONG, rows), OURS)
    assert output.frame.empty
    assert [(p.line, p.column, p.code) for p in output.problems] == [
        (2 + 95 + 1 + 95, "NUMBER_OF_PATIENTS", "ages_do_not_add_up"),  # female's ALL row
        (2 + 95, "NUMBER_OF_PATIENTS", "ages_do_not_add_up"),  # male's
    ]
    message = output.problems[1].message
    assert message.startswith("E84068, male: the ages add up to 9,500 patients but the total (AGE ALL) is 9,600")
    assert "(no row for age 30)" in message


def test_ages_without_a_total_must_cover_0_to_95_plus():
    output = convert(make_table(LONG, single_ages("E84068", "FEMALE", 10, skip=("30", "95+"))), OURS)
    [problem] = output.problems
    assert (problem.line, problem.column, problem.code) == (2, "AGE", "ages_missing")
    assert problem.message.startswith("E84068, female: no row for age 30, 95+ and no total")
    assert output.frame.empty
    complete = convert(make_table(LONG, single_ages("E84068", "FEMALE", 10)), OURS)
    assert complete.problems == [] and complete.frame["value"].tolist()[0] == "960"


def test_missing_ages_are_the_gaps_between_spans_up_to_the_open_ended_last():
    assert missing_ages([(a, a) for a in range(95)] + [(95, 999)]) == []
    assert missing_ages([(0, 4), (10, 14), (95, 999)]) == ["5-9", "15-94"]
    assert missing_ages([(a, a) for a in range(1, 90)]) == ["0", "90+"]
