"""Real files through the whole pipeline: every kind of bad input is refused with its line, column and reason,
and the database is unchanged; the encodings, delimiters and conventions analysts use are accepted."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract, Observation

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
MADE = Path(__file__).resolve().parents[4] / "tests" / "data" / "made"

HEADER = "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator,value,note"
ROW1 = "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,all,all,600,1000,60.0,"
ROW2 = "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,imd_quintile,1,100,200,50.0,"
GOOD = f"{HEADER}\n{ROW1}\n{ROW2}\n"


def run(content: bytes | str, name: str = "extract.csv", dry_run: bool = False) -> Extract:
    data = content.encode("utf-8") if isinstance(content, str) else content
    extract = actions.receive_extract(
        file_name=name, content=data, format="auto", source=Extract.Source.UPLOAD, dry_run=dry_run
    )
    return pipeline.run_extract(extract.pk).extract


def snapshot() -> tuple[int, int]:
    return Observation.objects.count(), Observation.objects.filter(is_current=True).count()


def refused_with(content, code: str, line: int | None = None, column: str | None = None, name="extract.csv"):
    before = snapshot()
    extract = run(content, name)
    assert extract.status == Extract.Status.REFUSED, extract.errors
    assert snapshot() == before, "a refused file must write nothing"
    matching = [e for e in extract.errors if e["code"] == code]
    assert matching, f"expected {code}, got {[e['code'] for e in extract.errors]}"
    if line is not None:
        assert any(e["line"] == line for e in matching), matching
    if column is not None:
        assert any(e["column"] == column for e in matching), matching
    return extract


def replace(row: str, column: str, value: str) -> str:
    cells = row.split(",")
    cells[HEADER.split(",").index(column)] = value
    return ",".join(cells)


# --------------------------------------------------------------------------------------------- structure


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"\r\n\r\n", "empty_file"),
        (f"{HEADER}\n".encode(), "no_rows"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "not_a_table"),
        (b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>", "not_a_table"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_excel"),
        (bytes(range(256)) * 4, "binary_file"),
        ((MADE / "password_protected.xlsx").read_bytes(), "encrypted_workbook"),
    ],
    ids=["empty", "blank-lines", "header-only", "pdf", "html", "xls", "binary", "password-protected-xlsx"],
)
def test_files_that_are_not_tables_are_refused(content, code):
    refused_with(content, code)


def test_a_password_protected_workbook_says_how_to_take_the_password_off():
    extract = refused_with((MADE / "password_protected.xlsx").read_bytes(), "encrypted_workbook", name="data.xlsx")
    assert "password" in extract.errors[0]["message"] and ".xls)" not in extract.errors[0]["message"]


@pytest.mark.parametrize(
    "blank", ["   ", "\t", " , , , , , , , , ,", ",,,,,,,,,"], ids=["spaces", "tab", "spaced-commas", "commas"]
)
def test_a_line_of_spaces_or_bare_commas_between_rows_is_a_blank_line(blank):
    extract = run(f"{HEADER}\n{ROW1}\n{blank}\n{ROW2}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert (extract.rows_inserted, extract.warning_count) == (2, 0)


def test_two_exports_joined_with_the_header_repeated_load_with_one_warning():
    extract = run(f"{HEADER}\n{ROW1}\n{HEADER}\n{ROW2}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.rows_inserted == 2
    assert [(w["line"], w["code"]) for w in extract.warnings] == [(3, "repeated_header")]


def test_a_zip_that_is_not_a_workbook_is_read_as_the_file_inside():
    """A ZIP download is opened (tests/integration/outcomes/ingest/test_zip_downloads.py has the real files)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", GOOD)
    extract = run(buffer.getvalue(), "extract.zip")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert (extract.member, extract.rows_inserted) == ("data.csv", 2)


def test_an_opendocument_spreadsheet_is_refused_saying_what_to_do():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    extract = refused_with(buffer.getvalue(), "opendocument", name="extract.ods")
    assert "Save it as XLSX or CSV" in extract.errors[0]["message"]


def test_a_ragged_row_is_refused_with_its_line():
    refused_with(f"{HEADER}\n{ROW1}\n{ROW2},extra\n", "ragged_row", line=3)


def test_a_short_row_is_refused_with_its_line():
    refused_with(f"{HEADER}\n{ROW1}\nOUT3_CARE_EXPERIENCE,E09000015\n", "ragged_row", line=3)


def test_broken_quoting_is_refused():
    refused_with(f'{HEADER}\n{ROW1}\n"OUT3_CARE_EXPERIENCE,E09000015,2019-04-01\n', "ragged_row")


# ----------------------------------------------------------------------------------------------- headers


def test_missing_and_duplicate_columns_are_named():
    no_org = GOOD.replace("org_code,", "").replace("E09000015,", "")
    refused_with(no_org, "missing_column", line=1, column="org_code")
    duplicate = f"{HEADER},ODS code\n{ROW1},E09000015\n"
    refused_with(duplicate, "duplicate_column", line=1, column="ODS code")


def test_header_case_spacing_and_aliases_are_understood():
    header = " Indicator Code ,ODS code,Start date,End date,Breakdown,Category,Numerator,Denominator,Value,Notes"
    extract = run(f"{header}\n{ROW1}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.rows_inserted == 1


# ---------------------------------------------------------------------------------------- reference codes


def test_unknown_and_near_miss_codes_are_refused_without_silent_fixes():
    plain = refused_with(
        f"{HEADER}\n{replace(ROW1, 'indicator_code', 'NOT_A_CODE')}\n", "unknown_indicator", 2, "indicator_code"
    )
    assert "'NOT_A_CODE'" in plain.errors[0]["message"]
    # Text that is not code-shaped (a person's name in a table of people below the data) is never repeated.
    named = refused_with(f"{HEADER}\n{replace(ROW1, 'indicator_code', 'John Smith')}\n", "unknown_indicator", 2)
    assert "John" not in str(named.errors) and "does not look like a code" in named.errors[0]["message"]
    near = refused_with(
        f"{HEADER}\n{replace(ROW1, 'indicator_code', 'out3_care_experience')}\n", "unknown_indicator", 2
    )
    assert "Did you mean 'OUT3_CARE_EXPERIENCE'" in near.errors[0]["message"]
    spaced = refused_with(f"{HEADER}\n{replace(ROW1, 'org_code', ' E09000015')}\n", "unknown_area", 2, "org_code")
    assert "Did you mean 'E09000015'" in spaced.errors[0]["message"]
    hidden = replace(ROW1, "org_code", "E09000015\u200b")  # a zero-width space after the code
    unseen = refused_with(f"{HEADER}\n{hidden}\n", "unknown_area", 2)
    assert "does not show" in unseen.errors[0]["message"] and "Did you mean 'E09000015'" in unseen.errors[0]["message"]


def test_area_level_breakdown_and_category_must_be_allowed():
    refused_with(f"{HEADER}\n{replace(ROW1, 'org_code', 'E84068')}\n", "level_not_reported", 2, "org_code")
    refused_with(f"{HEADER}\n{replace(ROW2, 'breakdown', 'region')}\n", "unknown_breakdown", 2, "breakdown")
    refused_with(f"{HEADER}\n{replace(ROW2, 'category', '6')}\n", "unknown_category", 2, "category")


# ------------------------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("numerator", "six hundred", "not_a_number"),
        ("denominator", "1e20", "overflow"),
        ("denominator", "99999999999", "implausible_count"),
        ("numerator", '"99,999,999,999"', "implausible_count"),
        ("numerator", "-5", "negative_count"),
        ("numerator", "1200", "numerator_above_denominator"),
        ("value", "70.0", "value_inconsistent"),
        ("denominator", "0", "zero_denominator"),
    ],
)
def test_bad_numbers_are_refused_with_line_and_column(column, value, code):
    refused_with(f"{HEADER}\n{ROW2}\n{replace(ROW1, column, value)}\n", code, 3, column)


@pytest.mark.parametrize(
    ("numerator", "value"),
    [
        ("\u0666\u0660\u0660", "60.0"),  # Arabic-Indic digits: stored as a blank numerator before, with no word
        ("\uff16\uff10\uff10", "60.0"),  # fullwidth digits: read as 600, a number no one typed in that script
    ],
)
def test_digits_of_other_scripts_are_not_a_number(numerator, value):
    refused_with(f"{HEADER}\n{ROW2}\n{replace(ROW1, 'numerator', numerator)}\n", "not_a_number", 3, "numerator")


@pytest.mark.parametrize("value", ["150", "-5", "100.5"])
def test_a_percentage_given_without_counts_lies_between_0_and_100(value):
    """With counts, 150% and -5% are refused by the count checks; given as the value alone they had loaded."""
    row = replace(replace(replace(ROW1, "numerator", ""), "denominator", ""), "value", value)
    refused_with(f"{HEADER}\n{ROW2}\n{row}\n", "value_out_of_range", 3, "value")


def test_thousands_separators_percent_signs_and_decimal_commas_are_read():
    text = f'{HEADER}\nOUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,all,all,"1,200","2,000",60%,\n'
    extract = run(text)
    assert extract.status == Extract.Status.LOADED, extract.errors
    row = Observation.objects.get(extract=extract)
    assert (row.numerator, row.denominator, row.value) == (1200, 2000, 60.0)
    semicolon = (
        "indicator_code;org_code;period_start;period_end;numerator;denominator;value\n"
        "OUT3_CARE_EXPERIENCE;E09000015;01/04/2018;31/03/2019;601;1000;60,1\n"
    )
    extract = run(semicolon)
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert Observation.objects.get(extract=extract).value == pytest.approx(60.1)
    assert any(w["code"] == "decimal_comma" for w in extract.warnings)


def test_dotted_thousands_in_a_file_of_decimal_commas_are_refused_as_ambiguous_not_read_as_decimals():
    text = (
        "indicator_code;org_code;period_start;period_end;numerator;denominator;value\n"
        "OUT3_CARE_EXPERIENCE;E09000015;01/04/2018;31/03/2019;1.520;2.200;69,1\n"
    )
    extract = refused_with(text, "ambiguous_number", line=2, column="numerator")
    assert {(e["code"], e["column"]) for e in extract.errors} == {
        ("ambiguous_number", "numerator"),
        ("ambiguous_number", "denominator"),
    }
    # Without decimal commas in the file, a dot is a decimal point (and a fractional count is warned of).
    extract = run(text.replace("69,1", "69.1").replace("1.520;2.200", "1520;2200"))
    assert extract.status == Extract.Status.LOADED, extract.errors


def test_a_comma_before_three_digits_in_a_file_of_decimal_commas_is_refused_as_ambiguous_not_read_as_thousands():
    # "80,125" years beside "79,5": a decimal comma with three decimals, or eighty thousand? Never guessed.
    text = (
        "indicator_code;org_code;period_start;period_end;numerator;denominator;value\n"
        "OUT3_CARE_EXPERIENCE;E09000015;01/04/2018;31/03/2019;;;80,125\n"
        "OUT3_CARE_EXPERIENCE;E09000015;01/04/2017;31/03/2018;;;79,5\n"
        'OUT3_CARE_EXPERIENCE;E09000015;01/04/2016;31/03/2017;"1,250";2000;62,5\n'
        "OUT3_CARE_EXPERIENCE;E09000015;01/04/2015;31/03/2016;;;0,125\n"  # no thousand starts with 0
    )
    extract = refused_with(text, "ambiguous_number", line=2, column="value")
    assert {(e["line"], e["column"]) for e in extract.errors if e["code"] == "ambiguous_number"} == {
        (2, "value"),
        (4, "numerator"),
    }


def test_a_dash_for_none_is_not_a_number_with_what_to_write_not_a_formula():
    extract = refused_with(f"{HEADER}\n{replace(ROW1, 'value', '-')}\n", "not_a_number", line=2, column="value")
    assert "leave the cell blank" in extract.errors[0]["message"]
    assert "formula" not in {e["code"] for e in extract.errors}


def test_a_percent_sign_on_a_count_or_on_a_value_that_is_not_a_proportion_is_refused():
    refused_with(f"{HEADER}\n{replace(ROW1, 'numerator', '600%')}\n", "percent_sign", 2, "numerator")
    years = "JSNA_LIFE_EXPECTANCY_MALE,E09000015,2018-01-01,2020-12-31,all,all,,,79.4%,"
    extract = refused_with(f"{HEADER}\n{years}\n", "percent_sign", 2, "value")
    assert "measured in years" in extract.errors[0]["message"]
    negative = refused_with(f"{HEADER}\n{years.replace('79.4%', '-79.4')}\n", "value_out_of_range", 2, "value")
    assert "years cannot be negative" in negative.errors[0]["message"]
    assert run(f"{HEADER}\n{replace(ROW1, 'value', '60%')}\n").status == Extract.Status.LOADED  # a proportion


def test_percentages_given_as_fractions_are_warned_of_once_per_indicator():
    rows = [replace(replace(replace(ROW1, "numerator", ""), "denominator", ""), "value", v) for v in ("0.691", "0.7")]
    rows[1] = rows[1].replace("all,all", "imd_quintile,1")
    extract = run(f"{HEADER}\n" + "\n".join(rows) + "\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    [warning] = [w for w in extract.warnings if w["code"] == "values_look_like_fractions"]
    assert warning["line"] == 2 and "OUT3_CARE_EXPERIENCE" in warning["message"] and "2 rows" in warning["message"]
    extract = run(f"{HEADER}\n{replace(replace(replace(ROW1, 'numerator', ''), 'denominator', ''), 'value', '69.1')}\n")
    assert "values_look_like_fractions" not in {w["code"] for w in extract.warnings}


def test_suppression_markers_are_stored_as_suppressed_never_zero():
    text = (
        f"{HEADER}\n{ROW1}\n"
        f"{replace(replace(ROW2, 'numerator', '*'), 'value', '')}\n"
        f"{replace(replace(replace(ROW2, 'category', '2'), 'numerator', '[c]'), 'value', '[c]')}\n"
        f"{replace(replace(replace(ROW2, 'category', '3'), 'numerator', ''), 'value', '')}\n"
    )
    extract = run(text)
    assert extract.status == Extract.Status.LOADED, extract.errors
    rows = Observation.objects.filter(extract=extract, breakdown="imd_quintile")
    assert rows.count() == 3
    for row in rows:
        assert row.suppressed and row.value is None and row.numerator is None


# -------------------------------------------------------------------------------------- dates and periods


@pytest.mark.parametrize(
    ("start", "end", "code", "column"),
    [
        ("2019-04-01", "2019-02-30", "bad_date", "period_end"),
        ("04/13/2019", "31/03/2020", "month_first", "period_start"),
        ("01/04/19", "31/03/20", "ambiguous_date", "period_start"),
        ("2020-04-01", "2019-03-31", "period_end_before_start", "period_end"),
        ("2099-04-01", "2100-03-31", "period_in_future", "period_end"),
        ("2019-04-01", "2019-06-30", "period_frequency", "period_start"),
        ("2019-04-02", "2020-04-01", "period_frequency", "period_start"),
        ("", "2020-03-31", "missing_value", "period_start"),
    ],
)
def test_bad_dates_and_periods_are_refused(start, end, code, column):
    row = replace(replace(ROW1, "period_start", start), "period_end", end)
    refused_with(f"{HEADER}\n{row}\n", code, 2, column)


def test_an_indicator_with_no_set_period_length_takes_any_period_but_none_before_1950():
    """JSNA_DIABETES_PREVALENCE sets no period length: a campaign or a week is a period too (vaccination uptake is
    published for 3 October to 20 December), but 1900 is an empty Excel date."""
    row = "JSNA_DIABETES_PREVALENCE,E09000015,{},{},all,all,,,7.1,"
    refused_with(f"{HEADER}\n{row.format('1900-01-01', '1900-12-31')}\n", "period_too_early", 2, "period_start")
    for start, end in (("2022-04-01", "2024-03-31"), ("2024-10-03", "2024-12-20")):
        extract = run(f"{HEADER}\n{row.format(start, end)}\n")
        assert extract.status == Extract.Status.LOADED, extract.errors


def test_mixed_date_formats_are_refused():
    row2 = replace(replace(ROW2, "period_start", "01/04/2019"), "period_end", "31/03/2020")
    refused_with(f"{HEADER}\n{ROW1}\n{ROW1.replace('all,all', 'age,18-44')}\n{row2}\n", "mixed_date_formats", 4)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2019-04-01 00:00:00", "2020-03-31 00:00:00"),  # pandas' to_csv of a date-time column
        ("2019-04-01 00:00:00.000", "2020-03-31 00:00:00.000"),  # SQL Server
        ("01/04/2019 00:00", "31/03/2020 00:00"),  # Excel's CSV of a date-time cell
        ("2019-04-01T00:00:00Z", "2020-03-31T00:00:00+00:00"),  # ISO 8601 from an API
        ("2019/04/01", "2020/3/31"),  # year first with slashes, months unpadded
    ],
    ids=["pandas", "sql-server", "excel", "iso-8601", "year-first-slashes"],
)
def test_dates_written_as_date_times_at_midnight_or_year_first_are_read(start, end):
    row = replace(replace(ROW1, "period_start", start), "period_end", end)
    extract = run(f"{HEADER}\n{row}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    observation = Observation.objects.get(extract=extract)
    assert (str(observation.period_start), str(observation.period_end)) == ("2019-04-01", "2020-03-31")


@pytest.mark.parametrize(
    "start", ["2019-04-01 09:30:00", "2019-04-01 00:00:01", "01/04/2019 12:00", "2019-04-01T23:59:59Z"]
)
def test_a_date_with_a_time_of_day_is_refused_saying_so(start):
    extract = refused_with(f"{HEADER}\n{replace(ROW1, 'period_start', start)}\n", "time_of_day", 2, "period_start")
    assert "time of day" in extract.errors[0]["message"]


def test_uk_day_first_dates_are_accepted():
    row = replace(replace(ROW1, "period_start", "01/04/2019"), "period_end", "31/03/2020")
    extract = run(f"{HEADER}\n{row}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert str(Observation.objects.get(extract=extract).period_start) == "2019-04-01"


# ------------------------------------------------------------------------------ duplicates and formulas


def test_duplicate_keys_within_a_file_name_the_first_line():
    extract = refused_with(f"{HEADER}\n{ROW1}\n{ROW2}\n{ROW1}\n", "duplicate_row", 4)
    assert "line 2" in next(e for e in extract.errors if e["code"] == "duplicate_row")["message"]


@pytest.mark.parametrize("cell", ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3"])
def test_cells_that_would_be_spreadsheet_formulas_are_refused(cell):
    refused_with(f"{HEADER}\n{replace(ROW1, 'note', cell)}\n", "formula", 2, "note")


# ------------------------------------------------------------------------------ patient-identifiable data


def _stored_path(extract: Extract) -> Path:
    return Path(settings.MEDIA_ROOT) / extract.stored_file


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (HEADER, replace(ROW1, "note", "943 476 5919")),
        (HEADER, replace(ROW1, "note", "9434765919")),
        (HEADER, replace(ROW1, "note", "Seen at HA1 2AB")),
        (f"{HEADER},date_of_birth", f"{ROW1},1970-01-01"),
        (f"{HEADER},Patient Name", f"{ROW1},Someone"),
    ],
    ids=["nhs-number-spaced", "nhs-number", "postcode", "dob-column", "name-column"],
)
def test_patient_identifiable_files_are_refused_and_deleted(header, row):
    before = snapshot()
    extract = run(f"{header}\n{row}\n")
    assert extract.status == Extract.Status.REFUSED
    assert snapshot() == before
    codes = {e["code"] for e in extract.errors}
    assert "patient_identifiable" in codes and "file_deleted" in codes
    assert extract.stored_file == ""
    assert not list((Path(settings.MEDIA_ROOT) / "extracts" / str(extract.pk)).glob("*"))
    for error in extract.errors:  # no message repeats the value
        assert "9434765919" not in error["message"] and "943 476 5919" not in error["message"]
        assert "HA1 2AB" not in error["message"] and "1970" not in error["message"]


def test_a_ten_digit_number_failing_modulus_11_is_not_treated_as_an_nhs_number():
    extract = run(f"{HEADER}\n{replace(ROW1, 'note', '9434765918')}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors


def test_record_level_files_are_refused():
    rows = "\n".join(
        f"OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,age,{age},{i % 2},1,,"
        for i, age in enumerate(["18-44", "45-64", "65-74", "75+"] * 15)
    )
    extract = refused_with(f"{HEADER}\n{rows}\n", "record_level")
    assert extract.stored_file == ""


def refused_as_patient_data(text: str, *values: str, line: int | None = None, column: str | None = None) -> Extract:
    """Refused for patient data: nothing written, the bytes deleted, and no message repeats any value."""
    before = snapshot()
    extract = run(text)
    assert extract.status == Extract.Status.REFUSED, extract.errors
    assert snapshot() == before
    found = [e for e in extract.errors if e["code"] == "patient_identifiable"]
    assert found and any(e["code"] == "file_deleted" for e in extract.errors), extract.errors
    if line is not None:
        assert any(e["line"] == line for e in found), found
    if column is not None:
        assert any(e["column"] == column for e in found), found
    assert not any(e["code"] == "too_many_rows" for e in extract.errors)
    assert extract.stored_file == ""
    assert not (Path(settings.MEDIA_ROOT) / "extracts" / str(extract.pk)).exists()
    for error in extract.errors + extract.warnings:
        for value in values:
            assert value not in error["message"], error
    return extract


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("Patient DOB", "01/02/1970"),
        ("DOB (dd/mm/yyyy)", "01/02/1970"),
        ("Date of birth", "1970-02-01"),
        ("Name", "Jane Smith"),
        ("Forename(s)", "Jane Ann"),
        ("Patient surname", "Smith"),
        ("First name", "Jane"),
        ("Address line 1", "1 Station Road"),
        ("NHS No.", "withheld"),
        ("Postcode", "withheld"),
        ("Patient ID", "P000123"),
    ],
)
def test_patient_identifiable_column_names_are_refused_by_their_words(column, value):
    refused_as_patient_data(f"{HEADER},{column}\n{ROW1},{value}\n", value, line=1, column=column)


def test_aggregate_and_organisation_name_columns_are_not_refused_but_named_as_ignored():
    header = f"{HEADER},Practice name,Org name,Indicator name,Live births"
    extract = run(f"{header}\n{ROW1},THE RIDGEWAY SURGERY,Harrow,Care experience,12\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    ignored = [(w["line"], w["column"]) for w in extract.warnings if w["code"] == "unknown_column"]
    assert ignored == [(1, "Practice name"), (1, "Org name"), (1, "Indicator name"), (1, "Live births")]
    assert any("'Practice name'" in w["message"] and "ignored" in w["message"] for w in extract.warnings)


@pytest.mark.parametrize(
    "note",
    ["Seen with NHS no 943 476 5919 in clinic", "ref:943-476-5919.", "patient (9434765919) moved"],
    ids=["spaced-in-text", "dashed-in-text", "bare-in-text"],
)
def test_an_nhs_number_inside_a_text_cell_is_refused(note):
    refused_as_patient_data(
        f"{HEADER}\n{ROW2}\n{replace(ROW1, 'note', note)}\n",
        "9434765919",
        "943 476 5919",
        "943-476-5919",
        line=3,
        column="note",
    )


@pytest.mark.parametrize(
    "note", ["Batch 943 476 5918 rechecked", "order 9434765918", "ratio 0.9434765919", "id 19434765919"]
)
def test_ten_digit_runs_that_are_not_nhs_numbers_inside_text_are_accepted(note):
    extract = run(f"{HEADER}\n{replace(ROW1, 'note', note)}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert Observation.objects.get(extract=extract).note == note


def test_an_unknown_column_is_scanned_for_patient_data_before_it_is_dropped():
    refused_as_patient_data(
        f"{HEADER},Comments2\n{ROW1},called 943 476 5919\n", "943 476 5919", line=2, column="Comments2"
    )


def test_a_patient_level_file_over_the_row_limit_is_refused_as_patient_data_and_deleted(settings):
    settings.INGEST_MAX_UPLOAD_ROWS = 2
    rows = "".join(f"{replace(ROW1, 'note', f'visit {i}')},1970-02-0{i + 1}\n" for i in range(4))
    extract = refused_as_patient_data(f"{HEADER},Date of birth\n{rows}", "1970-02-0", column="Date of birth")
    assert extract.rows_read == 2  # reading stopped at the limit; the rows read were scanned


def test_an_aggregate_file_over_the_row_limit_is_still_refused_for_size(settings):
    settings.INGEST_MAX_UPLOAD_ROWS = 1
    extract = refused_with(GOOD, "too_many_rows")
    assert extract.stored_file  # not patient data: kept so it can be loaded by `manage.py ingest`


# ------------------------------------------------------------------------------------ encodings and XLSX


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("cp1252"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-32"),
        lambda t: t.encode("utf-32-le"),
        lambda t: t.encode("utf-32-be"),
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.replace(",", "\t").encode("utf-8"),
    ],
    ids=[
        "utf8-bom",
        "windows-1252",
        "utf16",
        "utf16le-no-bom",
        "utf32",
        "utf32le-no-bom",
        "utf32be-no-bom",
        "crlf",
        "tab",
    ],
)
def test_encodings_and_delimiters_analysts_use_are_accepted(encode):
    text = f"{HEADER}\n{replace(ROW1, 'note', 'Café survey')}\n"
    extract = run(encode(text))
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert Observation.objects.get(extract=extract).note == "Café survey"


def test_quoted_fields_with_newlines_keep_line_numbers_right():
    multiline = replace(ROW1, "note", '"two\nlines"')
    text = f"{HEADER}\n{multiline}\n{replace(ROW2, 'value', 'y')}\n"
    refused_with(text, "not_a_number", line=4, column="value")


def _workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_files_load_like_csv():
    import datetime as dt

    content = _workbook(
        [
            HEADER.split(","),
            [
                "OUT3_CARE_EXPERIENCE",
                "E09000015",
                dt.datetime(2019, 4, 1),
                dt.datetime(2020, 3, 31),
                "all",
                "all",
                600,
                1000,
                60.0,
                None,
            ],
        ]
    )
    extract = run(content, "extract.xlsx")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert Observation.objects.get(extract=extract).value == 60.0


def test_xlsx_formulas_are_refused():
    content = _workbook(
        [
            HEADER.split(","),
            [
                "OUT3_CARE_EXPERIENCE",
                "E09000015",
                "2019-04-01",
                "2020-03-31",
                "all",
                "all",
                600,
                1000,
                "=G2/H2*100",
                None,
            ],
        ]
    )
    refused_with(content, "formula", 2, "value", name="extract.xlsx")


# ---------------------------------------------------------------------------------------------- loading


def test_the_same_file_twice_changes_nothing_and_a_revision_supersedes():
    first = run(GOOD)
    assert (first.status, first.rows_inserted, first.rows_superseded) == ("loaded", 2, 0)
    before = snapshot()
    again = run(GOOD)
    assert (again.rows_inserted, again.rows_superseded, again.rows_unchanged) == (0, 0, 2)
    assert snapshot() == before
    revised = run(GOOD.replace("600,1000,60.0", "610,1000,61.0"))
    assert (revised.rows_inserted, revised.rows_superseded, revised.rows_unchanged) == (1, 1, 1)
    old = Observation.objects.get(extract=first, breakdown="all")
    assert not old.is_current and old.superseded_by == revised


def test_a_dry_run_reports_what_would_happen_and_writes_nothing():
    before = snapshot()
    extract = run(GOOD, dry_run=True)
    assert extract.status == Extract.Status.VALID
    assert extract.rows_inserted == 2
    assert snapshot() == before


def test_intervals_are_computed_where_the_source_gave_none():
    extract = run(GOOD)
    row = Observation.objects.get(extract=extract, breakdown="all")
    # Wilson 95% for 600/1000 (textbook score interval), as percentages.
    assert row.lower_ci == pytest.approx(56.93, abs=0.01) and row.upper_ci == pytest.approx(62.99, abs=0.01)


# ---------------------------------------------------------------------- what analysts write (issue 12.7)


def test_a_file_whose_rows_give_numerators_without_a_denominator_column_is_one_error():
    header = "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,value"
    rows = "".join(f"OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,imd_quintile,{q},100,50.0\n" for q in "12345")
    extract = refused_with(f"{header}\n{rows}", "missing_column", line=1, column="denominator")
    assert [e["code"] for e in extract.errors] == ["missing_column"]
    assert "5 rows give a numerator (the first on line 2)" in extract.errors[0]["message"]


def test_a_file_of_values_needs_no_denominator_column():
    header = "indicator_code,org_code,period_start,period_end,value"
    extract = run(f"{header}\nOUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,60.0\n")
    assert extract.status == Extract.Status.LOADED, extract.errors


def test_a_misspelt_denominator_header_refuses_the_file_with_did_you_mean():
    extract = refused_with(GOOD.replace(",denominator,", ",denominater,"), "misspelt_column", 1, "denominater")
    assert [e["code"] for e in extract.errors] == ["misspelt_column"]
    assert "Did you mean 'denominator'?" in extract.errors[0]["message"]


def test_one_typo_in_a_required_header_is_one_error_not_one_per_row():
    rows = "".join(replace(ROW1, "breakdown", "imd_quintile").replace(",all,", f",{q},") + "\n" for q in "12345")
    extract = refused_with(f"{HEADER.replace('org_code', 'org_cod')}\n{rows}", "misspelt_column", 1, "org_cod")
    assert extract.error_count == 1 and "Did you mean 'org_code'" in extract.errors[0]["message"]


def test_sex_total_and_ons_2021_ethnic_group_labels_load_with_each_mapping_named():
    lines = [
        "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,Total,All,600,1000,60.0,",
        "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,Ethnicity,"
        '"Asian, Asian British or Asian Welsh",100,200,50.0,',
        "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,Ethnicity,White,150,200,75.0,",
    ]
    extract = run("\n".join([HEADER, *lines]) + "\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    stored = set(Observation.objects.filter(extract=extract).values_list("breakdown", "category"))
    assert stored == {("all", "all"), ("ethnicity", "asian"), ("ethnicity", "white")}
    mapped = {w["message"] for w in extract.warnings if w["code"] == "label_mapped"}
    assert any(m.startswith("'Asian, Asian British or Asian Welsh' was read as 'asian'") for m in mapped)
    assert {"'Total' was read as 'all'.", "'All' was read as 'all'.", "'White' was read as 'white'."} <= mapped


# ------------------------------------------------------------------------------------ titles above the table


@pytest.mark.parametrize(
    "above",
    [
        "Table 1: Care experience, Harrow\n",
        "Table 1: Care experience,,,,,,,,,\nSource: Harrow Council,,,,,,,,,\n,,,,,,,,,\n",  # as Excel saves it
        "\n",
        "Care experience, Harrow, 2023/24, all persons\n\n",  # a title written with commas: four values
    ],
    ids=["title", "excel-padded-title-and-note", "blank-first-line", "comma-title"],
)
def test_a_csv_with_title_lines_above_the_header_loads_and_keeps_its_line_numbers(above):
    titles = above.count("\n")
    text = f"{above}{HEADER}\n{ROW1}\n{replace(ROW2, 'value', 'y')}\n"
    extract = refused_with(text, "not_a_number", line=titles + 3, column="value")
    assert [(w["line"], w["code"]) for w in extract.warnings] == [(1, "title_lines")]
    extract = run(f"{above}{HEADER}\n{ROW1}\n{ROW2}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.rows_inserted == 2


def test_a_semicolon_file_below_a_title_written_with_commas_is_read_by_semicolons():
    text = (
        "Care experience, Harrow, 2018/19\n\n"
        "indicator_code;org_code;period_start;period_end;numerator;denominator;value\n"
        "OUT3_CARE_EXPERIENCE;E09000015;01/04/2018;31/03/2019;601;1000;60,1\n"
    )
    extract = run(text)
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert Observation.objects.get(extract=extract).value == pytest.approx(60.1)
    assert [w["line"] for w in extract.warnings if w["code"] == "title_lines"] == [1]


def test_a_tab_delimited_file_with_a_comma_in_its_title_is_read_by_tabs():
    text = f"Care experience, Harrow\n{HEADER}\n{ROW1}\n".replace(",", "\t").replace("experience\t", "experience,")
    extract = run(text)
    assert extract.status == Extract.Status.LOADED, extract.errors


def test_a_workbook_with_titles_above_its_table_on_a_later_sheet_is_found_and_read():
    book = openpyxl.Workbook()
    book.active.title = "Contents"
    book.active.append(["Care experience, Harrow"])
    book.active.append(["Table 1", "Care experience"])
    sheet = book.create_sheet("Table 1")
    sheet.append(["Table 1: Care experience"])
    sheet.append(["Source: Harrow Council"])
    sheet.append([])
    for row in (HEADER, ROW1, replace(ROW2, "value", "y")):
        sheet.append(row.split(","))
    out = io.BytesIO()
    book.save(out)
    extract = refused_with(out.getvalue(), "not_a_number", line=6, column="value", name="extract.xlsx")
    codes = [(w["line"], w["code"]) for w in extract.warnings]
    assert (1, "title_lines") in codes and (None, "sheet_read") in codes


def test_fractional_numerators_load_with_one_warning_naming_the_first():
    rows = [replace(ROW1, "numerator", "600.5"), replace(replace(ROW2, "numerator", "100.25"), "value", "50.1")]
    extract = run(f"{HEADER}\n{rows[0]}\n{rows[1]}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    [warning] = [w for w in extract.warnings if w["code"] == "fractional_count"]
    assert (warning["line"], warning["column"]) == (2, "numerator")
    assert warning["message"].startswith("2 rows give a numerator that is not a whole number")
    assert run(f"{HEADER}\n{ROW1.replace('2019-04-01,2020-03-31', '2018-04-01,2019-03-31')}\n").warning_count == 0


def test_a_column_with_no_name_and_no_values_is_ignored_with_a_warning():
    """An Excel table placed at B2 (an empty margin column), or a delimiter at the end of every line."""
    extract = run(f",{HEADER},\n,{ROW1},\n,{ROW2},\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    [warning] = [w for w in extract.warnings if w["code"] == "empty_column"]
    assert warning["message"] == "Columns 1, 12 have no name and no values: ignored."
    book = openpyxl.Workbook()
    book.active.append([])
    for row in (HEADER, ROW1):
        book.active.append([None, *row.split(",")])
    out = io.BytesIO()
    book.save(out)
    extract = run(out.getvalue(), "margin.xlsx")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert {w["code"] for w in extract.warnings} >= {"title_lines", "empty_column"}


def test_a_column_with_values_but_no_name_is_still_refused():
    refused_with(f"{HEADER},\n{ROW1},x\n{ROW2},\n", "blank_header", 1, "column 11")


def test_a_file_mixing_utf8_and_windows_1252_lines_is_refused_naming_the_first_odd_line():
    """Read whole as Windows-1252, its UTF-8 accents would load garbled ("CafÃ©") with only a warning."""
    rows = [f"{ROW1}Café".encode(), f"{ROW2}Café".encode("cp1252")]
    extract = refused_with(HEADER.encode() + b"\n" + b"\n".join(rows) + b"\n", "mixed_encoding", line=3)
    assert "CSV UTF-8" in extract.errors[0]["message"]
    plain = run(HEADER.encode() + b"\n" + f"{ROW1}Café \u2013 £5".encode("cp1252") + b"\n")
    assert plain.status == Extract.Status.LOADED, plain.errors  # Windows-1252 throughout still loads
    assert Observation.objects.get(extract=plain).note == "Café \u2013 £5"


@pytest.mark.parametrize("denominator", ["inf", "1e400", "1 000", "n/a"])
def test_a_denominator_that_is_not_a_number_gives_one_error_not_two(denominator):
    extract = run(f"{HEADER}\n{replace(replace(ROW1, 'denominator', denominator), 'value', '')}\n")
    assert extract.status == Extract.Status.REFUSED
    assert [(e["column"], e["code"]) for e in extract.errors] in (
        [("denominator", "not_a_number")],
        [("denominator", "overflow")],
    )


def test_a_blank_denominator_beside_a_numerator_is_still_missing():
    refused_with(f"{HEADER}\n{replace(replace(ROW1, 'denominator', ''), 'value', '')}\n", "missing_value", 2)


def test_a_quote_left_open_is_refused_naming_its_line_not_loaded_with_the_rows_it_swallowed():
    rows = [
        ROW1,
        replace(ROW2, "note", '"unterminated'),
        ROW1.replace("2019-04-01,2020-03-31", "2018-04-01,2019-03-31"),
    ]
    extract = refused_with(f"{HEADER}\n" + "\n".join(rows) + "\n", "unclosed_quote", 3)
    assert "lines 4 to" in next(e for e in extract.errors if e["code"] == "unclosed_quote")["message"]


def test_a_quoted_note_over_several_lines_of_prose_still_loads():
    extract = run(f'{HEADER}\n{ROW1}"Survey, wave 2:\nweighted; see notes, page 4"\n{ROW2}\n')
    assert extract.status == Extract.Status.LOADED, extract.errors


def test_an_unknown_format_below_title_lines_is_refused_at_its_header_line():
    refused_with("Table 1: lookup\n\nalpha,beta,gamma\n1,2,3\n", "unknown_format", 3)
