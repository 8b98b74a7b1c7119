"""NHS numbers and people's details in the parts of an upload not read as data: other sheets (hidden or very
hidden), ZIP notes and other tables."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from outcomes.ingest.archive import ArchiveLimits
from outcomes.ingest.unread_parts import identifiers_elsewhere, nhs_numbers_in_titles

VALID = "9434765919"  # passes the Modulus 11 check (NHS England's published example)
INVALID = "9434765918"


def workbook(sheets: dict[str, list[list[object]]], states: dict[str, str] | None = None) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = (states or {}).get(title, "visible")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def scan(raw: bytes, member: str | None = None, sheet: str | None = None):
    return identifiers_elsewhere(raw, member=member, sheet=sheet, limits=ArchiveLimits())


def test_a_very_hidden_sheet_with_an_nhs_number_is_found_with_its_sheet_row_and_column():
    raw = workbook(
        {"Data": [["org_code"], ["F86001"]], "Lookup": [["id", "who"], [1, int(VALID)]]}, {"Lookup": "veryHidden"}
    )
    [problem] = scan(raw, sheet="Data")
    assert problem.code == "patient_identifiable"
    assert (problem.line, problem.column) == (2, "Sheet 'Lookup' (very hidden), column B")
    assert VALID not in problem.message  # a message never repeats the identifier


def test_the_sheet_read_is_left_to_the_cell_by_cell_scan_and_other_numbers_are_not_nhs_numbers():
    rows = [["value"], [VALID], [INVALID], ["943 476 5919.5"], [0.9434765919], ["020 8422 4567"]]
    raw = workbook({"Data": rows, "Notes": [["Published 2024"], [INVALID], [12345678901], ["0.9434765919"]]})
    assert scan(raw, sheet="Data") == []
    [problem] = scan(workbook({"Data": [["x"]], "Notes": rows}), sheet="Data")
    assert problem.line == 2  # the formatted and bare valid number; not the invalid one, a decimal or a phone


def test_a_single_sheet_workbook_has_nothing_elsewhere():
    assert scan(workbook({"Data": [["value"], [VALID]]}), sheet="Data") == []


def test_zip_notes_and_other_members_are_read_as_text_with_line_numbers():
    notes = f"Read me\nContact 020 8422 4567\nPatient {VALID[:3]} {VALID[3:6]} {VALID[6:]} was excluded\n".encode()
    other = f"a,b\n1,{VALID}\n2,{INVALID}\n".encode()
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + VALID.encode()  # binary: not read as text
    raw = zipped({"data.csv": b"a\n1\n", "README.txt": notes, "other.csv": other, "chart.png": png})
    found = {(p.column, p.line) for p in scan(raw, member="data.csv")}
    assert found == {("'README.txt' in the ZIP archive", 3), ("'other.csv' in the ZIP archive", 2)}


def test_a_workbook_inside_a_zip_has_its_other_sheets_screened():
    book = workbook({"Core": [["x"], [1]], "Hidden": [[VALID]]}, {"Hidden": "hidden"})
    [problem] = scan(zipped({"ePCN.xlsx": book}), member="ePCN.xlsx", sheet="Core")
    assert problem.column == "Sheet 'Hidden' (hidden) of 'ePCN.xlsx' in the ZIP archive, column A"


def test_numbers_that_only_look_alike_are_not_flagged_in_text():
    text = f"x{VALID}\n1{VALID}\n{VALID}2\n0.{VALID}\n{VALID}.5\n{VALID[:3]}-{VALID[3:6]} {VALID[6:]}\n".encode()
    assert scan(zipped({"data.csv": b"a\n1\n", "notes.txt": text}), member="data.csv") == []
    crlf = f"a\r\nb\r\n\t{VALID}\t\r\n".encode()
    [problem] = scan(zipped({"data.csv": b"a\n1\n", "notes.txt": crlf}), member="data.csv")
    assert problem.line == 3


def test_an_nhs_number_written_as_a_whole_float_is_found_in_notes_and_on_other_sheets():
    notes = f"ref {VALID}.0\nnot {VALID}.05\n".encode()
    [problem] = scan(zipped({"data.csv": b"a\n1\n", "notes.txt": notes}), member="data.csv")
    assert problem.line == 1
    [problem] = scan(workbook({"Data": [["x"], [1]], "Other": [[f"pt {VALID}.0"]]}), sheet="Data")
    assert problem.column.startswith("Sheet 'Other'")


def test_a_plain_csv_and_damaged_bytes_have_nothing_elsewhere():
    assert scan(f"a\n{VALID}\n".encode()) == []
    assert scan(b"PK\x03\x04 not really a zip") == []


PHONE = "1763255700"  # 01763 255700 (a hospital's switchboard, from NHS.uk's Hospitals.csv) stored as a number:
# it passes the Modulus 11 check


def test_a_telephone_column_of_an_unread_table_is_not_taken_for_nhs_numbers():
    hospitals = f"OrganisationCode,Name,Address1,Phone,Fax\nNR5,Kneesworth House,Royston,{PHONE},{PHONE}\n".encode()
    assert scan(zipped({"data.csv": b"a\n1\n", "Hospitals.csv": hospitals}), member="data.csv") == []
    titled = f"Hospitals,,,\nCode;Name;Telephone number;Ref\nNR5;K;{PHONE};{VALID}\n".replace(",", ";").encode()
    [problem] = scan(zipped({"data.csv": b"a\n1\n", "Hospitals.csv": titled}), member="data.csv")
    assert problem.line == 3  # the NHS number in the Ref column still is one


def test_a_telephone_column_of_another_sheet_is_not_taken_for_nhs_numbers():
    rows = [["Contacts"], ["Code", "Phone", "Ref"], ["NR5", int(PHONE), "x"], ["NR6", int(PHONE), int(VALID)]]
    [problem] = scan(workbook({"Data": [["x"]], "Contacts": rows}), sheet="Data")
    assert (problem.line, problem.column) == (4, "Sheet 'Contacts', column C")


def test_notes_in_any_text_encoding_or_name_are_read_and_a_pdf_is_not():
    notes = f"One patient ({VALID}) was removed\n"
    members = {
        "notes.txt": notes.encode("utf-32"),
        "notes16.txt": notes.encode("utf-16-le"),
        "patients.dat": f"{VALID},J S,12/03/1956\n".encode(),
        "extract.log": notes.encode("cp1252"),
        "spec.pdf": b"%PDF-1.4\nxref\n0000000000 65535 f \n0000012345 00000 n \n" + VALID.encode(),
    }
    found = {p.column for p in scan(zipped({"data.csv": b"a\n1\n", **members}), member="data.csv")}
    assert found == {
        f"'{name}' in the ZIP archive" for name in ("notes.txt", "notes16.txt", "patients.dat", "extract.log")
    }


def test_notes_that_begin_with_a_contact_line_are_not_a_table_of_telephones():
    notes = f"Contact: BI team, 020 8966 1234\nExtract notes\nOne patient (NHS number {VALID}) was removed\n"
    [problem] = scan(zipped({"data.csv": b"a\n1\n", "readme.txt": notes.encode()}), member="data.csv")
    assert problem.line == 3


def test_on_another_sheet_only_a_heading_row_makes_a_contact_column_and_a_patient_s_address_is_not_one():
    rows = [["tel"], [int(VALID)], ["Code", "Address of patient", "Ref"], ["A", int(VALID), "x"]]
    found = {(p.line, p.column) for p in scan(workbook({"Data": [["x"]], "Other": rows}), sheet="Data")}
    assert found == {(2, "Sheet 'Other', column A"), (4, "Sheet 'Other', column B")}


def test_title_lines_above_the_table_are_screened():
    assert nhs_numbers_in_titles([(1, ["Harrow extract, April 2024"]), (2, ["Contact bi@nhs.net"])]) == []
    found = nhs_numbers_in_titles([(1, [f"Patient NHS number {VALID}"]), (3, ["John Smith, born 12/03/1956"])])
    assert [p.line for p in found] == [1, 3]


def test_a_workbook_s_comments_properties_names_and_headers_are_screened():
    from openpyxl.comments import Comment

    def book(change) -> bytes:
        made = openpyxl.Workbook()
        made.active.title = "Data"
        made.active.append(["x"])
        change(made)
        out = io.BytesIO()
        made.save(out)
        return out.getvalue()

    def comment(b):
        b.active["A1"].comment = Comment(f"Patient {VALID}", "analyst")

    def creator(b):
        b.properties.creator = f"NHS {VALID}"

    def sheet_name(b):
        b.create_sheet(VALID)

    def footer(b):
        b.active.oddFooter.center.text = f"Ref {VALID}"

    def footer_birth(b):
        b.active.oddFooter.right.text = "Printed for J Smith DOB 12/03/1954"
        b.active.oddFooter.right.size = 12  # a formatting code between the words: &12

    def sheet_name_birth(b):
        b.create_sheet("DOB 12-03-1954")

    def comment_birth(b):
        b.active["A1"].comment = Comment("born 1 March 1956", "analyst")

    def footer_birth_words(b):
        b.active.oddFooter.left.text = "J Smith, DOB 12th Mar 1956"

    changes = (comment, creator, sheet_name, footer, footer_birth, sheet_name_birth, comment_birth, footer_birth_words)
    for change in changes:
        found = scan(book(change), sheet="Data")
        assert found and all(p.code == "patient_identifiable" for p in found), change.__name__
    assert scan(book(lambda b: None), sheet="Data") == []  # openpyxl's own parts hold nothing alike

    def dated(b):  # dates that are not someone's birth
        b.active.oddFooter.right.text = "Published 12/03/2024"
        b.create_sheet("Born in Bradford 2007-2010")
        b.properties.title = "Date of publication 1 March 2026"

    assert scan(book(dated), sheet="Data") == []


def test_a_hyperlink_s_target_is_screened_but_a_mailto_link_to_an_address_is_not_refused():
    def linked(target: str) -> bytes:
        made = openpyxl.Workbook()
        made.active.title = "Data"
        made.active.append(["x"])
        made.active["A1"].hyperlink = target
        out = io.BytesIO()
        made.save(out)
        return out.getvalue()

    for target in (f"https://example.org/patient?nhs={VALID}", "https://example.org/p?id=943%20476%205919"):
        [problem] = scan(linked(target), sheet="Data")
        assert problem.column == "the workbook's part 'xl/worksheets/_rels/sheet1.xml.rels'", target
        assert VALID not in problem.message
    assert scan(linked("mailto:data.team@example.nhs.uk"), sheet="Data") == []
    assert scan(linked(f"https://example.org/report?id={INVALID}"), sheet="Data") == []


def test_a_zip_s_comment_and_a_date_of_birth_in_its_notes_are_screened():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as made:
        made.writestr("data.csv", "x\n1\n")
        made.comment = f"ref {VALID}".encode()
    [problem] = scan(out.getvalue(), member="data.csv")
    assert problem.column == "the ZIP archive's comment"
    notes = b"Notes\n\nPrepared for the audit.\nPatient J Smith, DOB 12/03/1954\n"
    [problem] = scan(zipped({"data.csv": b"x\n1\n", "readme.txt": notes}), member="data.csv")
    assert (problem.line, problem.column) == (4, "'readme.txt' in the ZIP archive")
    assert scan(zipped({"data.csv": b"x\n1\n", "readme.txt": b"Published 12/03/2024\n"}), member="data.csv") == []
    for birth in ("born on the 12th of March 1956", "Date of Birth 19560312", "DOB: March 12, 1956"):
        notes = f"Notes\nPatient J Smith, {birth}\n".encode()
        [problem] = scan(zipped({"data.csv": b"x\n1\n", "readme.txt": notes}), member="data.csv")
        assert problem.line == 2, birth
    cohort = b"Children born 1 September 2012 to 31 August 2013\n"
    assert scan(zipped({"data.csv": b"x\n1\n", "readme.txt": cohort}), member="data.csv") == []


@pytest.mark.parametrize("heading", ["Date of birth", "DOB", "NHS No", "NHS number", "Patient name", "Patient surname"])
def test_a_column_of_people_s_details_on_a_hidden_sheet_is_found_without_an_nhs_number(heading):
    value = "01/02/1950" if "birth" in heading.lower() or heading == "DOB" else "Smith"
    rows = [["Practice", "Sex", heading], ["E84001", "F", value]]
    raw = workbook({"Data": [["org_code"], ["E84001"]], "Cohort": rows}, {"Cohort": "hidden"})
    [problem] = scan(raw, sheet="Data")
    assert (problem.line, problem.column) == (2, "Sheet 'Cohort' (hidden), column C")
    assert heading in problem.message and "Smith" not in problem.message


def test_people_s_details_in_another_table_of_a_zip_are_found_with_their_line():
    table = b"Title: cohort\n\npractice,sex,date of birth,count\nE84001,F,,3\nE84001,M,12/03/1961,1\n"
    [problem] = scan(zipped({"data.csv": b"x", "cohort.csv": table}), member="data.csv")
    assert (problem.line, problem.column, problem.code) == (
        5,
        "'cohort.csv' in the ZIP archive",
        "patient_identifiable",
    )
    assert "'date of birth'" in problem.message


@pytest.mark.parametrize(
    "rows",
    [
        [
            ["Field", "Meaning", "Example"],
            ["Date of birth", "not held", ""],
            ["NHS number", "not held", ""],
        ],  # a glossary
        [["Practice", "Practice name", "Postcode", "Telephone"], ["E84001", "The Surgery", "HA1 3UJ", "020 8863 0000"]],
        [
            ["Exclusions: patients whose date of birth is after 1960", "", ""],
            ["x", "y", "z"],
        ],  # a sentence, not a heading
        [["Practice", "Date of birth", "Sex"]],  # a heading with nothing under it
        [["Area", "Age of mother at birth", "Births"], ["E09000015", "20-24", "512"]],  # ONS births
        [["Cohort", "Date of birth from", "Date of birth to"], ["Q1", "01/04/2024", "30/06/2024"]],  # immunisations
        [["Year of birth", "Children", "Measured"], ["2013", "3010", "2950"]],
        [["Patient", "Count", "Share"], ["Temporary resident", "12", "0.4"]],
        [["Version", "First name", "Surname"], ["1.2", "Jane", "Analyst"]],  # a document's author, not a patient
    ],
    ids=[
        "glossary",
        "organisations",
        "sentence",
        "empty-column",
        "births",
        "cohort-range",
        "year-of-birth",
        "patient-type",
        "document-control",
    ],
)
def test_headings_alone_organisation_contacts_and_notes_are_not_people_s_details(rows):
    assert scan(workbook({"Data": [["org_code"], ["E84001"]], "Notes": rows}), sheet="Data") == []


def test_a_refusal_from_a_part_not_read_says_the_upload_is_refused_not_kept_and_names_the_place_once():
    from outcomes.ingest import unread_parts

    messages = [
        unread_parts.MESSAGE,
        unread_parts.TITLE_MESSAGE,
        unread_parts.BEYOND_MESSAGE,
        unread_parts.PART_MESSAGE,
        unread_parts.TEXT_MESSAGE,
        unread_parts.COMMENT_MESSAGE,
        unread_parts.personal_message("DOB"),
    ]
    assert all("kept" not in m and "refused as patient data" in m for m in messages)
    notes = b"Notes\nPatient J Smith, DOB 12/03/1954\n"
    [problem] = scan(zipped({"data.csv": b"x\n1\n", "readme.txt": notes}), member="data.csv")
    assert str(problem).startswith("Line 2, 'readme.txt' in the ZIP archive: This part of the upload")
    [problem] = scan(workbook({"Data": [["x"]], "Lookup": [["id"], [int(VALID)]]}), sheet="Data")
    assert str(problem).startswith("Line 2, Sheet 'Lookup', column A: ")


def shared_strings_book(strings: list[str], used: int) -> bytes:
    """A one-sheet workbook whose shared strings are ``strings``, of which its cells (A1, B1...) use the first
    ``used``; the parts a workbook needs, written by hand (openpyxl writes its strings inline)."""
    cells = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(used))
    items = "".join(f"<si>{s}</si>" if s.startswith("<") else f"<si><t>{s}</t></si>" for s in strings)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return zipped(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": f'<workbook xmlns="{main}"><sheets><sheet name="Data"/></sheets></workbook>'.encode(),
            "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><sheetData><row r="1">{cells}</row></sheetData>'
            "</worksheet>".encode(),
            "xl/sharedStrings.xml": f'<sst xmlns="{main}">{items}</sst>'.encode(),
        }
    )


def test_a_shared_string_no_cell_uses_is_screened_and_one_a_cell_uses_is_left_to_its_sheet():
    used = ["org_code", "telephone", "943 476 5919"]  # a cell's string: screened with its sheet, exemptions and all
    assert scan(shared_strings_book(used, 3), sheet="Data") == []
    for hidden in ("943 476 5919", "<r><t>J Smith DOB</t></r><r><t> 12/03/1956</t></r>"):
        [problem] = scan(shared_strings_book([*used, "", hidden], 3), sheet="Data")
        assert problem.column == "the workbook's part 'xl/sharedStrings.xml'", hidden
    assert scan(shared_strings_book([*used, INVALID, "Published 12/03/2024"], 3), sheet="Data") == []


@pytest.mark.parametrize("hidden", [VALID, "DOB 12/03/1956"])
def test_a_part_too_large_to_read_whole_is_read_in_chunks_even_across_their_edges(hidden, monkeypatch):
    from outcomes.ingest import unread_parts

    monkeypatch.setattr(unread_parts, "MAX_PART_BYTES", 1_000)  # the part is over the budget ...
    monkeypatch.setattr(unread_parts, "_CHUNK_BYTES", 4_096)  # ... and what it hides straddles two chunks
    padding = b"<x>" + b" " * (4_096 - 3 - len(hidden) // 2)
    book = zipfile.ZipFile(io.BytesIO(workbook({"Data": [["x"], [1]]})))
    members = {name: book.read(name) for name in book.namelist()}
    custom = padding + hidden.encode() + b" " * 3_000 + b"</x>"
    raw = zipped({**members, "customXml/item1.xml": custom})
    [problem] = scan(raw, sheet="Data")
    assert problem.column == "the workbook's part 'customXml/item1.xml'"
    clean = zipped({**members, "customXml/item1.xml": custom.replace(hidden.encode(), b"x" * len(hidden))})
    assert scan(clean, sheet="Data") == []
