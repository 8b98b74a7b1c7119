"""The patient-data check tells organisations from people, on real published files (tests/data/real-files).

Names, addresses and postcodes of practices, PCNs, trusts, commissioners, local authorities, schools and
statistical areas are not patient data; NHS numbers, dates of birth and people's names and postcodes still are."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from outcomes.ingest.pii import find_identifiers, identifying_header, organisation_rows
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table

REAL = Path(__file__).resolve().parents[3] / "data" / "real-files"


def table(content: bytes):
    return read_table(content, sniff(content))


@pytest.mark.parametrize(
    "name",
    [
        "STP_NAME", "stp_name", "cr_name", "CR_Name", "CCG_NAME", "Clinical Commissioning Group Name",
        "Local Authority Name", "Commissioner Name", "Hospital name", "School name", "LSOA name", "PCN_NAME",
        "PRACTICE_NAME", "Sub ICB Location", "REGION_NAME", "Trust name", "Ward name",
        # NHS Digital's practice map of 2026: the GP IT system supplier (EMIS, TPP) and the commissioning region
        "SUPPLIER_NAME", "COMM_REGION_NAME", "SUB_ICB_LOCATION_NAME", "ICB_NAME", "ODS name", "RGN_NAME",
        "CTRY_NAME", "BNF_NAME", "Chemical name", "Drug name", "Condition name", "Age group name", "Clinic name",
        "SUBREGION_NAME",  # QOF's organisation reference, 2016/17
        # Refused on real files tried on 7 December 2026 (late): NHS England's list sizes of 2013 and 2016, the ODS
        # sub-ICB lookup, QOF's 2018/19 organisation reference and its personalised care adjustment lookup
        "Regional Office Name", "PCO Name", "Integrated Care Board Name", "REGIONAL_LOCAL_OFFICE_NAME",
        "PCA_EXCL_NAME", "PCA_EXCL_SHORT_NAME",
    ],
)  # fmt: skip
def test_organisation_and_area_names_are_not_patient_identifiable(name):
    assert not identifying_header(name)


@pytest.mark.parametrize(
    "name",
    [
        "Name", "Patient Name", "first name", "Surname", "NHS Number", "nhs_no", "Date of birth", "DOB", "Postcode",
        "patient postcode", "Address Line 1", "Telephone", "email address", "child name", "pupil name",
        "Address1", "Address 5", "TelNo", "Tel No", "Patient Address1", "Partner name",
        "born", "Date born", "born_on", "Birthday", "Email", "e-mail", "Emails",
    ],
)  # fmt: skip
def test_people_and_their_contact_details_still_are(name):
    assert identifying_header(name)


@pytest.mark.parametrize(
    ("excerpt", "organisations"),
    [
        ("gp_registrations_2021-01_excerpt.csv", "CODE"),  # each practice's own POSTCODE
        ("qof_mapping_2021_excerpt.csv", "PRACTICE_CODE"),  # STP_NAME, CCG_NAME, PCN_NAME, PRACTICE_NAME
        ("qof_prevalence_2021_excerpt.csv", None),  # long: practice codes repeat, and nothing identifying
        ("gp_registrations_2026-04_excerpt.csv", "CODE"),  # Sub-ICB era, each practice's own POSTCODE
        ("qof_prevalence_1920_excerpt.csv", None),  # 2019/20: PATIENT_LIST_SIZE, nothing identifying
        ("qof_prevalence_2223_excerpt.csv", None),  # 2022/23: registers written as decimals
        ("qof_mapping_2223_excerpt.csv", "PRACTICE_CODE"),  # ICB_NAME, SUB_ICB_NAME, PCN_NAME, PRACTICE_NAME
        ("gp_registrations_map_2026-08_excerpt.csv", "PRACTICE_CODE"),  # PRACTICE_POSTCODE, SUPPLIER_NAME
    ],
)
def test_real_published_practice_files_are_not_patient_data(excerpt, organisations):
    parsed = table((REAL / excerpt).read_bytes())
    assert organisation_rows(parsed) == organisations
    assert find_identifiers(parsed) == []


def test_the_epcn_pcn_details_sheet_of_addresses_and_postcodes_is_not_patient_data():
    """The workbook's first sheet on its own (PCN codes, names, addresses, postcodes): organisations."""
    book = openpyxl.load_workbook(REAL / "ePCN_2023-02_excerpt.xlsx")
    del book["PCN Core Partner Details"]
    out = io.BytesIO()
    book.save(out)
    parsed = table(out.getvalue())
    assert parsed.sheet == "PCNDetails" and "Postcode" in parsed.header
    assert find_identifiers(parsed) == []


def test_a_practice_column_does_not_excuse_patients_postcodes():
    """Practice codes that repeat (one row per patient) do not make the rows organisations."""
    content = b"practice_code,postcode,count\nE84068,HA1 3AX,1\nE84068,HA2 0DU,1\nE84024,HA3 9LT,1\n"
    problems = find_identifiers(table(content))
    assert {(p.column, p.code) for p in problems} == {("postcode", "patient_identifiable")}
    assert any(p.line == 2 for p in problems)  # the cell check names the line


def test_an_organisation_list_with_a_person_column_is_still_refused():
    """Unique practice codes excuse the practice's postcode, never a person's name or date of birth."""
    content = (
        b"CODE,POSTCODE,patient name,date of birth\nE84068,HA1 3AX,A B,1961-01-01\nE84024,HA2 0DU,C D,1970-02-02\n"
    )
    flagged = {p.column for p in find_identifiers(table(content))}
    assert flagged >= {"patient name", "date of birth"} and "POSTCODE" not in flagged


def test_in_a_list_of_organisations_a_bare_name_and_numbered_addresses_are_theirs():
    """A practice list with ``Name``, ``Address1``..``Address5`` and ``TelNo`` (epraccur copies with a header
    row, ODS's dental practices) was refused as patient data: the name, the postcodes in ``Address4`` and a
    telephone number that happens to pass the NHS number check (1639871039) were taken for a patient's."""
    content = (
        b"Code,Name,Address1,Address4,Address5,TelNo\n"
        b"E84068,THE PRACTICE,1 HIGH ST,HARROW,HA1 3AX,1639871039\n"
        b"E84024,ANOTHER SURGERY,2 LOW RD,PINNER,HA5 1AA,02084211234\n"
    )
    assert find_identifiers(table(content)) == []


def test_a_bare_name_is_a_person_s_when_the_rows_are_not_organisations():
    """Codes that repeat (one row per person) excuse nothing: the bare name and the telephone stay refused."""
    content = b"Code,Name,TelNo,count\nE84068,A B,1639871039,1\nE84068,C D,02084211234,1\n"
    flagged = {(p.column, p.line) for p in find_identifiers(table(content))}
    assert {("Name", 1), ("TelNo", 1), ("TelNo", 2)} <= flagged


@pytest.mark.parametrize(
    "name",
    [
        "Pt ID", "Hospital No", "PAS number", "EMIS number", "Patient GUID", "Case number", "Next of kin",
        "Next of kin phone", "MRN", "Hospital number", "Patient ID", "Patient identifier", "SystmOne ID", "RiO ID",
    ],
)  # fmt: skip
def test_a_person_s_record_number_or_next_of_kin_is_patient_identifiable(name):
    assert identifying_header(name)


@pytest.mark.parametrize(
    "name", ["Number of cases", "Cases", "Case mix", "PAS", "Hospital", "Hospital name", "Pt", "Kin", "Case"]
)
def test_counts_and_bare_words_near_those_are_not(name):
    assert not identifying_header(name)


@pytest.mark.parametrize("name", ["babies_born", "Born in UK", "Number born", "Country of birth", "Live births"])
def test_born_among_other_words_is_an_aggregate_or_a_category(name):
    assert not identifying_header(name)


def test_an_email_address_in_any_cell_is_refused_with_its_line():
    content = b"indicator_code,org_code,contact,note\nX,E09000015,jane.o'neil@example.nhs.uk,\nX,E09000015,,a@b\n"
    problems = find_identifiers(table(content))
    assert {(p.column, p.line) for p in problems} == {("contact", 2)}  # "a@b" is not an address
    assert all("jane" not in p.message for p in problems)


def test_a_list_of_organisations_may_give_their_email_addresses():
    content = b"CODE,NAME,EMAIL,CONTACT\nE84068,THE PRACTICE,the.practice@nhs.net,x@nhs.net\nE84024,B,b@nhs.net,\n"
    assert find_identifiers(table(content)) == []


@pytest.mark.parametrize(
    "cell",
    [
        "943.476.5919",
        "9.434765919E9",
        "9.434765919E+09",
        "943\u00a0476\u00a05919",
        "943-476 5919",
        "943/476/5919",
        "NHS9434765919",
        "see NHS no: 943 476 5919",
        "9434765919.0",  # a number column with blanks, as pandas or R writes it
        "9434765919.00",
        "ref 9434765919.0 seen",
        "9,434,765,919",  # Excel's number format with thousands separators
        "9 434 765 919",
    ],
)
def test_nhs_numbers_written_with_dots_no_break_spaces_or_in_scientific_notation_are_found(cell):
    content = f'indicator_code,org_code,ref\nX,E09000015,"{cell}"\n'.encode()
    assert [(p.column, p.line) for p in find_identifiers(table(content))] == [("ref", 2)]


@pytest.mark.parametrize(
    "cell",
    [
        "105185.6531",
        "1.5E9",
        "943.4765919",
        "0.9434765919",
        "ID9434765919",
        "12/03/1954",
        "NHS9434765918",
        "9434765919.5",
        "9434765919.05",
        "9434765918.0",
        "9,434,765,918",
        "1,234,567",
    ],
)
def test_decimals_and_round_numbers_are_not_nhs_numbers(cell):
    assert find_identifiers(table(f'indicator_code,org_code,value\nX,E09000015,"{cell}"\n'.encode())) == []


@pytest.mark.parametrize(
    "note",
    [
        "Children born 1 April 2024 to 30 June 2024",
        "born 01/04/2024 - 30/06/2024",
        "Cohort: date of birth 01/04/2024 to 30/06/2024",
        "Year 6 children (born 1 September 2012 to 31 August 2013)",
        "born 1 September 2012 \u2013 31 August 2013",
        "born 20120901",  # eight digits after "born" alone are not taken for a date
        "Born in Bradford 2007-2010",
        "Year of birth 1956",
        "Age of mother at birth 35",
        "Table 3b. 12/03/2024",
        "Dobson 12/03/1956",
        "children born 01/09/2012 or later",
        "Eligible by DOB 01/04/2021 onwards",
        "a. provisional; b. 31/03/2025 snapshot",  # a footnote's letter
        "Births 12/03/2024",
        "DOB-weighted rate",
    ],
)
def test_a_cohort_s_range_of_birth_dates_is_not_a_date_of_birth(note):
    content = f'indicator_code,org_code,note\nX,E09000015,"{note}"\n'.encode()
    assert find_identifiers(table(content)) == []


@pytest.mark.parametrize(
    "note",
    [
        "John Smith, born 12/03/1956",
        "DOB: 1 March 1956",
        "d.o.b. 1956-03-12",
        "Birth date: 12/03/1956",
        "dob=12/03/1956",
        "DOB 12031956",
        "Date of Birth 19560312",
        "DOB 12th Mar 1956",
        "DOB: March 12, 1956",
        "born on the 12th of March 1956",
        "DOB \uff11\uff12/\uff10\uff13/\uff11\uff19\uff15\uff16",  # full-width digits
        "DOB 12\u221503\u22151956",  # the division slash
        "Mrs Jones b. 12/03/1956",
        "DOB: 1956-03-12T00:00:00",
        "Date-of-birth: 12/03/1956",
        "D-O-B 12/03/1956",
        "Birth: 12/03/1956",
        "born 12 Mar '56",
    ],
)
def test_a_date_of_birth_written_into_a_note_is_found(note):
    content = f'indicator_code,org_code,note\nX,E09000015,"{note}"\n'.encode()
    assert [(p.column, p.line) for p in find_identifiers(table(content))] == [("note", 2)]


def test_a_file_of_measurements_with_one_row_per_practice_is_not_a_list_of_organisations():
    """Unique org codes in a generic extract do not excuse a person's name, postcode and address beside them."""
    content = (
        b"indicator_code,org_code,numerator,denominator,Name,Postcode,Address\n"
        b"X,E84068,1,10,John Smith,HA1 2AB,1 High St\nX,E84024,2,10,Jane Doe,HA2 0DU,2 Low Rd\n"
        b"X,E84004,3,10,Ann Lee,HA3 9LT,3 Mid Way\n"
    )
    parsed = table(content)
    assert organisation_rows(parsed) is None
    assert {p.column for p in find_identifiers(parsed)} >= {"Name", "Postcode", "Address"}


def test_a_list_with_a_code_on_every_row_is_taken_for_organisations_only_in_a_format_read_here():
    # People with a code each have the shape of a list of organisations: only a recognised format is trusted.
    content = (
        b"Code,Name,Address1,Postcode,TelNo\n"
        b'P10001,John Smith,"12 High Street, Harrow",HA1 1AA,02084000000\n'
        b'P10002,Mary Jones,"13 High Street, Harrow",HA2 0DL,02084000001\n'
    )
    assert find_identifiers(table(content)) == []
    found = find_identifiers(table(content), recognised=False)
    assert {(p.column, p.code) for p in found} >= {
        ("Name", "patient_identifiable"),
        ("Postcode", "patient_identifiable"),
        (None, "organisations_not_recognised"),
    }


def test_an_exempt_organisation_column_is_still_screened_for_a_date_of_birth():
    content = b'CODE,ADDRESS\nE84068,"1 Example Road, DOB 12/03/1956"\nE84024,"2 Example Road, HA1 1AA"\n'
    found = find_identifiers(table(content), exempt_columns={"ADDRESS"})
    assert [(p.line, p.column, p.message) for p in found] == [(2, "ADDRESS", "This cell gives a date of birth.")]
