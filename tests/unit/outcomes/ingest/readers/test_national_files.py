"""The national-file readers (registrations, QOF, geography lookups) on small in-test tables: the rules that the
real excerpts in tests/integration/outcomes/ingest/test_real_files_national.py do not all reach."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.ingest.pii import find_identifiers
from outcomes.ingest.readers.geography import GeographyReader, OurPcn, compare
from outcomes.ingest.readers.qof import Mapping, QofPrevalenceReader, convert_achievement, convert_prevalence
from outcomes.ingest.readers.registrations import (
    RegistrationsReader,
    age_span,
    band_of,
    convert,
    parse_extract_date,
    period_of,
)

from .tables import make_table

OURS = {"E84068", "E84024"}
LONG = ["PUBLICATION", "EXTRACT_DATE", "TYPE", "CCG_CODE", "ONS_CCG_CODE", "ORG_CODE", "POSTCODE", "SEX", "AGE",
        "NUMBER_OF_PATIENTS"]  # fmt: skip


def named(table, name):
    table.file_name = name
    return table


def reg(code: str, sex: str, age: str, count: str, kind: str = "GP") -> list[str]:
    return ["GP_PRAC_PAT_LIST", "01JAN2021", kind, "08E", "E38000074", code, "HA2 7DU", sex, age, count]


# ------------------------------------------------------------------------------------------------ registrations


@pytest.mark.parametrize(
    ("text", "expected"),
    [("01JAN2021", dt.date(2021, 1, 1)), ("01-Apr-2026", dt.date(2026, 4, 1)), ("2026-04-01", dt.date(2026, 4, 1)),
     ("01/04/2026", dt.date(2026, 4, 1))],
)  # fmt: skip
def test_extract_dates_as_published_in_each_era(text, expected):
    assert parse_extract_date(text) == expected


@pytest.mark.parametrize("text", ["", "JAN2021", "01XYZ2021", "2021/01/01", "32/01/2021"])
def test_anything_else_is_not_an_extract_date(text):
    with pytest.raises(ValueError):
        parse_extract_date(text)


def test_a_list_extracted_on_the_first_is_the_list_at_the_end_of_the_month_before():
    assert period_of(dt.date(2021, 1, 1)) == (dt.date(2020, 12, 1), dt.date(2020, 12, 31))
    assert period_of(dt.date(2024, 3, 1)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert period_of(dt.date(2026, 12, 6)) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_ages_and_bands():
    assert age_span("37") == (37, 37) and age_span("15_19") == (15, 19) and age_span("95+") == (95, 999)
    assert [band_of(age_span(a)) for a in ("0", "4", "5", "17", "18", "64", "74", "75", "95+")] == [
        "0-4", "0-4", "5-17", "5-17", "18-44", "45-64", "65-74", "75+", "75+"
    ]  # fmt: skip
    assert band_of(age_span("15_19")) is None  # straddles 17/18
    with pytest.raises(ValueError):
        age_span("adult")


def test_the_reader_matches_by_columns_and_exempts_only_the_practice_postcode():
    table = make_table(LONG, [reg("E84068", "MALE", "ALL", "10"), reg("E84068", "MALE", "0", "1")])
    reader = RegistrationsReader()
    assert reader.matches(table) and not reader.matches(make_table(["CODE", "NUMBER_OF_PATIENTS"], []))
    assert reader.pii_exempt_columns(table) == {"POSTCODE"}
    # Without the exemption the repeated practice postcode would be refused as patient data.
    assert find_identifiers(table) and not find_identifiers(table, reader.pii_exempt_columns(table), {"POSTCODE"})


def test_other_organisations_untracked_and_miscased_practices():
    table = make_table(
        LONG,
        [
            reg("E84068", "ALL", "ALL", "15,808"),
            reg("U84846", "ALL", "ALL", "90000", kind="PCN"),
            reg("QRV", "ALL", "ALL", "2900000", kind="ICB"),
            reg("E84024", "ALL", "ALL", "20171", kind="Practice-level"),  # an unseen label, with a practice code
            reg("A81001", "ALL", "ALL", "3747"),
            reg("e84024", "ALL", "ALL", "20000"),
        ],
    )
    output = convert(table, OURS)
    assert output.frame[["org_code", "breakdown", "value"]].values.tolist() == [
        ["E84068", "all", "15808"], ["E84024", "all", "20171"]
    ]  # fmt: skip
    codes = {p.code: p for p in output.problems}
    assert set(codes) == {"other_organisations", "untracked_area", "code_not_canonical"}
    assert codes["code_not_canonical"].line == 7 and codes["code_not_canonical"].severity == "error"
    assert "2 rows for organisations other than practices (ICB, PCN)" in codes["other_organisations"].message
    assert "no practice rows" not in codes["other_organisations"].message


def test_a_summary_file_with_no_practice_rows_says_which_file_to_load():
    """The -regions file by single year of age (August 2026) holds region, ICB, sub-ICB and PCN rows only."""
    header = ["PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"]
    rows = [
        ["GP_PRAC_PAT_LIST", "2026-08-01", "PCN", "U84846", "", "MALE", "30", "612"],
        ["GP_PRAC_PAT_LIST", "2026-08-01", "SUB_ICB_LOCATION_CODE", "W2U3Z", "E38000256", "MALE", "30", "16000"],
    ]
    output = convert(make_table(header, rows), OURS)
    assert output.frame.empty
    [warning] = [p for p in output.problems if p.code == "other_organisations"]
    assert "no practice rows" in warning.message and "gp-reg-pat-prac-sing-age-male.csv" in warning.message


def test_bad_cells_are_refused_on_their_line():
    table = make_table(
        LONG,
        [reg("E84068", "UNKNOWN", "ALL", "1"), reg("E84068", "MALE", "adult", "1"), reg("E84068", "MALE", "3", "x"),
         reg("E84068", "MALE", "ALL", "5"), reg("E84068", "MALE", "ALL", "6")],
    )  # fmt: skip
    problems = {(p.line, p.code) for p in convert(table, OURS).problems}
    assert problems == {(2, "bad_category"), (3, "bad_category"), (4, "not_a_number"), (6, "duplicate_row")}


def test_the_older_wide_layout_gives_persons_and_sexes():
    header = ["GP_PRACTICE_CODE", "EXTRACT_DATE", "TOTAL_ALL", "TOTAL_MALE", "TOTAL_FEMALE"]
    output = convert(make_table(header, [["E84068", "01APR2016", "100", "45", "55"]]), OURS)
    assert output.frame[["category", "value", "period_end"]].values.tolist() == [
        ["all", "100", "2016-03-31"], ["female", "55", "2016-03-31"], ["male", "45", "2016-03-31"]
    ]  # fmt: skip


def test_missing_columns_are_named():
    output = convert(make_table(["ORG_CODE", "EXTRACT_DATE", "NUMBER_OF_PATIENTS"], []), OURS)
    assert [(p.code, p.column) for p in output.problems] == [("missing_column", "SEX")]


# ------------------------------------------------------------------------------------------------ QOF

PREVALENCE = ["PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE"]
MAPPING = Mapping(prevalence={"DM": ("JSNA_DIABETES_PREVALENCE", "17OV")})


def test_prevalence_rows_of_a_mapped_group_against_another_list_are_refused():
    table = named(
        make_table(
            PREVALENCE,
            [["E84068", "DM", "1332", "TOTAL", "15710"], ["E84024", "DM", "x", "17OV", "100"],
             ["E84024", "DEM", "10", "TOTAL", "100"]],
        ),
        "PREVALENCE_2223.csv",
    )  # fmt: skip
    assert QofPrevalenceReader().matches(table)
    output = convert_prevalence(table, MAPPING, OURS)
    assert output.frame.empty
    assert {(p.line, p.code) for p in output.problems} == {
        (2, "wrong_list_type"), (3, "not_a_number"), (None, "untracked_indicator")
    }  # fmt: skip
    assert "DEM (1)" in next(p.message for p in output.problems if p.code == "untracked_indicator")


def test_achievement_needs_every_listed_code_for_a_practice():
    header = ["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE", "VALUE"]
    rows = [["E84068", "HYP008", "NUMERATOR", "9"], ["E84068", "HYP008", "DENOMINATOR", "10"]]
    table = named(make_table(header, rows), "ACHIEVEMENT_2324.csv")
    output = convert_achievement(table, Mapping(achievement={"X": ("HYP008", "HYP009")}), OURS)
    assert output.frame.empty
    assert [p.code for p in output.problems] == ["incomplete_indicator"]


# ------------------------------------------------------------------------------------------------ geography

MAP = ["PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "PRACTICE_POSTCODE", "PCN_CODE", "PCN_NAME",
       "SUB_ICB_LOCATION_CODE", "ICB_CODE", "COMM_REGION_CODE"]  # fmt: skip
# A PCN still on a local code (as ours were before ADR 0017) beside one on its ODS code.
HELD = {"E84068": OurPcn("U84846", "Healthsense PCN"), "E84024": OurPcn("HRW-PCN-HS", "Healthsense PCN")}


def row(practice: str, pcn: str, name: str) -> list[str]:
    return ["GP_PRAC_PAT_LIST", "2026-04-01", practice, "A PRACTICE", "HA2 7DU", pcn, name, "W2U3Z", "QRV", "Y56"]


def test_the_registrations_map_layout_is_checked_by_code_or_name():
    table = make_table(
        MAP,
        [row("E84068", "U84846", "HEALTHSENSE PCN"), row("E84024", "U84846", "HEALTHSENSE PCN"),
         row("E84022", "U84846", "HEALTHSENSE PCN"), row("E84068", "U84846", "HEALTHSENSE PCN")],
    )  # fmt: skip
    reader = GeographyReader()
    assert reader.matches(table) and reader.pii_exempt_columns(table) == {"PRACTICE_POSTCODE"}
    output = compare(table, HELD)
    assert output.kind == "geography"
    assert output.frame[["practice_code", "agrees", "icb", "region"]].values.tolist() == [
        ["E84068", True, "QRV", "Y56"], ["E84024", False, "QRV", "Y56"]
    ]  # fmt: skip
    codes = [(p.line, p.code) for p in output.problems]
    # E84024 is held in a local-code PCN whose name matches, but the lookup's U84846 is already our E84068's
    # PCN by code: one PCN of ours per lookup code, so it is reported, not guessed.
    assert (3, "geography_difference") in codes and (4, "geography_difference") in codes
    assert (5, "duplicate_row") in codes and codes[-1] == (None, "geography_checked")


def test_a_practice_the_lookup_gives_no_pcn_is_reported_in_words():
    table = make_table(MAP, [row("E84068", "U84846", "HEALTHSENSE PCN"), row("E84024", "", "")])
    output = compare(table, HELD)
    [difference] = [p for p in output.problems if p.code == "geography_difference"]
    assert difference.message.startswith("E84024: the lookup gives it no PCN; we hold HRW-PCN-HS (Healthsense PCN)")


def test_a_table_with_every_pcn_code_blank_is_not_a_lookup():
    """A table derived from a lookup (a real HEEC vaccination table) keeps the columns but blanks every PCN code:
    refused once, rather than reported as 28 practices in '(blank)'."""
    table = make_table(MAP, [row("E84068", "", ""), row("E84024", "", "")])
    output = compare(table, HELD)
    assert [(p.code, p.severity) for p in output.problems] == [("no_pcn_codes", "error")]
    assert output.frame.empty
