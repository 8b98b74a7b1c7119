"""Screen the parts of an upload that are not read as data for NHS numbers and people's details: a workbook's other
sheets (hidden and very hidden ones included) and a ZIP download's other members (its notes, its other tables,
workbooks inside).

The sheet or member read as data is screened cell by cell (``pii.find_identifiers``). The rest is never loaded,
but the upload's bytes are kept with the extract, so an NHS number anywhere in them would be stored: it refuses
the file and deletes the copy, as one in the data would. NHS numbers (ten digits that pass the Modulus 11 check)
are looked for everywhere, and a table's column of people's details (a date of birth, an NHS number, a forename,
surname or patient's name: ``personal_heading``) holding values on another sheet or in another table of a ZIP.
Addresses, postcodes and telephone numbers are not: notes and contents sheets hold organisations' as a matter of
course, and their first rows are often titles, not column names. A table's telephone, fax
and address columns are left alone (found by their headings): a telephone number stored as a number loses its
leading zero, and one in eleven such numbers passes the check (NHS.uk's Hospitals.csv has three).
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import unquote

from ..problems import FileRefused, Problem
from . import archive
from .cells import cell_text
from .headers import normalise
from .pii import (
    DATE_OF_BIRTH_IN_TEXT,
    MAX_FINDINGS,
    contact_header,
    holds_nhs_number,
    nhs_number_valid,
)
from .sniff import decode, delimiter_of, is_workbook_listing
from .titles import MOST_TITLE_LINES, TITLE_VALUES, title_lines

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
#: Why a part not read as data refuses the upload: the whole upload is stored, not only the data read.
STORED = "the whole upload is stored, not only the data read, so it is refused as patient data."
MESSAGE = (
    "This part of the upload is not read as data, but it holds what looks like an NHS number (ten digits that pass "
    f"the Modulus 11 check); {STORED}"
)
TITLE_MESSAGE = (
    "This line above the table is not read as data, but it holds what looks like an NHS number or a date of birth; "
    f"{STORED}"
)
#: A column name longer than this is a sentence of notes ("Exclusions: date of birth after 1960"), not a heading.
MAX_HEADING_LENGTH = 40
#: Rows of another table in a ZIP read to find a value under a personal heading.
MAX_ROWS_UNDER_HEADING = 1000


def personal_message(heading: str) -> str:
    return (
        f"This part of the upload is not read as data, but it holds a table with a column '{heading[:40]}' that has "
        f"values: people's details; {STORED}"
    )


BEYOND_MESSAGE = (
    "This row has cells beyond the last named column, not read as data, and one holds what looks like an NHS number "
    f"or a date of birth; {STORED}"
)
PART_MESSAGE = (
    "A part of the workbook that is not its cells (a comment, its properties, a sheet or defined name, a page header "
    f"or footer, a hyperlink) holds what looks like an NHS number or a date of birth; {STORED}"
)
SHARED_MESSAGE = (
    "The workbook stores a text that no cell shows (an unused shared string), and it holds what looks like an NHS "
    f"number or a date of birth; {STORED}"
)
TEXT_MESSAGE = f"This part of the upload is not read as data, but it gives a date of birth; {STORED}"
COMMENT_MESSAGE = f"The ZIP archive's comment holds what looks like an NHS number or a date of birth; {STORED}"
#: A page header or footer's formatting codes (&amp;"Arial,Bold"&amp;12, &amp;P): removed before looking for text.
_HEADER_CODES = re.compile(r"&amp;(?:&quot;[^&]*&quot;|\d+|[A-Za-z])|<[^>]+>")
#: Parts of a workbook that are not text: pictures, printer settings, macros.
BINARY_PART_SUFFIXES = frozenset({".bin", ".png", ".jpeg", ".jpg", ".gif", ".emf", ".wmf", ".tif", ".tiff", ".bmp"})
#: At most this many bytes of a workbook's other parts are read (a sheet's cells are far larger, and screened).
MAX_PART_BYTES = 64 * 1024 * 1024
#: A cell or line that could hold ten digits in a 3-3-4 run (a quick test before the regular expression).
_MIN_DIGITS = 10
#: Ten digits, 3-3-4 with one separator style or none, not part of a longer number, a code or a decimal (a whole
#: float, "9434765919.0", counts); in a text member a comma or a tab is a delimiter, not part of a number (unlike
#: pii.NHS_NUMBER_IN_TEXT, inside one cell).
_TEN_DIGITS = re.compile(r"(?<![\w.])([0-9]{3})([ /-]?)([0-9]{3})\2([0-9]{4})(?!\w|\.[0-9]*[1-9])")


def identifiers_elsewhere(
    raw: bytes, *, member: str | None, sheet: str | None, limits: archive.ArchiveLimits
) -> list[Problem]:
    """Where, outside the sheet or member read (``member``: its name in a ZIP; ``sheet``: the sheet read), the
    upload ``raw`` holds an NHS number: one problem per place, at most ``MAX_FINDINGS``."""
    findings: list[Problem] = []
    for problem in _places(raw, member=member, sheet=sheet, limits=limits):
        findings.append(problem)
        if len(findings) >= MAX_FINDINGS:
            break
    return findings


def _places(raw: bytes, *, member: str | None, sheet: str | None, limits: archive.ArchiveLimits) -> Iterator[Problem]:
    if archive.is_archive(raw):
        yield from _in_archive(raw, member=member, sheet=sheet, limits=limits)
    elif _is_workbook(raw):
        yield from _in_workbook_parts(raw, where="")
        yield from _in_workbook(raw, skip_sheet=sheet, where="")


def _in_archive(
    raw: bytes, *, member: str | None, sheet: str | None, limits: archive.ArchiveLimits
) -> Iterator[Problem]:
    try:
        zipped = zipfile.ZipFile(io.BytesIO(raw))
        entries = zipped.infolist()
    except Exception:  # the archive was opened once already to read its data; a second failure hides nothing
        return
    comment = zipped.comment.decode("utf-8", errors="replace")
    if (len(comment) >= _MIN_DIGITS and holds_nhs_number(comment)) or DATE_OF_BIRTH_IN_TEXT.search(comment):
        yield Problem(None, "the ZIP archive's comment", "patient_identifiable", COMMENT_MESSAGE)
    for info in entries:
        parts = info.filename.replace("\\", "/").split("/")
        if info.is_dir() or parts[0] == "__MACOSX" or info.flag_bits & 0x1:
            continue
        suffix = PurePosixPath(parts[-1]).suffix.lower()
        read_as_data = info.filename == member
        if read_as_data and suffix not in WORKBOOK_SUFFIXES:
            continue  # screened cell by cell as the data
        try:
            content = archive.read_member(zipped, info, limits)
        except FileRefused:  # over the caps: the data member would have been refused the same way
            continue
        where = f"'{archive.clip(info.filename)}' in the ZIP archive"
        if _is_workbook(content):
            yield from _in_workbook_parts(content, where=where)
            yield from _in_workbook(content, skip_sheet=sheet if read_as_data else None, where=where)
        elif not read_as_data:
            yield from _in_text(content, where=where)


def _xml_text(xml: str) -> str:
    """An XML part's text, tags and page-header codes taken out, so "DOB&amp;12 12/03/1954" reads as words."""
    return _HEADER_CODES.sub(" ", xml).replace("&amp;", "&")


def _is_workbook(content: bytes) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except Exception:
        return False
    return is_workbook_listing(names)


def _in_workbook_parts(content: bytes, *, where: str) -> Iterator[Problem]:
    """What a workbook keeps besides its cells: comments, document properties, sheet and defined names, page
    headers and footers, hyperlinks' targets (a sheet's ``_rels``), and any part a tool added. The cells themselves
    are screened sheet by sheet. An email address in a ``mailto:`` link is not refused: published workbooks link to
    their publisher's address, as their notes give it."""
    try:
        book = zipfile.ZipFile(io.BytesIO(content))
        infos = book.infolist()
    except Exception:  # refused as damaged when read as data
        return
    budget = MAX_PART_BYTES
    for info in infos:
        name = info.filename
        if name == "xl/sharedStrings.xml":
            if info.file_size <= budget and _unused_shared_string(book, name):
                yield Problem(None, _part_place(name, where), "patient_identifiable", SHARED_MESSAGE)
            continue  # the strings cells use: screened with their sheet (a telephone column's exemption kept)
        if PurePosixPath(name).suffix.lower() in BINARY_PART_SUFFIXES:
            continue  # pictures and binaries
        if info.file_size > budget:
            if not name.startswith("xl/worksheets/") and _large_part_identifies(book, info):
                yield Problem(None, _part_place(name, where), "patient_identifiable", PART_MESSAGE)
            continue  # a sheet this large is its cells, screened with its sheet
        try:
            data = book.read(name)
        except Exception:
            continue
        budget -= len(data)
        relationships = name.endswith(".rels")  # hyperlink targets ("...?nhs=9434765919"), a sheet's included
        if name.startswith("xl/worksheets/") and not relationships:
            tail = data.rfind(b"</sheetData>")
            data = data[tail:] if tail >= 0 else b""  # after the cells: the page headers and footers
        text = data.decode("utf-8", errors="replace")
        if relationships:
            text = unquote(html.unescape(text))  # a link's "%20" and "&amp;" are its text's space and "&"
        if _part_identifies(text):
            yield Problem(None, _part_place(name, where), "patient_identifiable", PART_MESSAGE)


#: A part over the budget (padding, a custom XML part, a pivot table's cache) is read in chunks this large, each
#: with the end of the one before, so that nothing written across two chunks is missed.
_CHUNK_BYTES = 8 * 1024 * 1024
_OVERLAP_BYTES = 256


def _part_place(name: str, where: str) -> str:
    return f"the workbook's part '{archive.clip(name)}'" + (f" in {where}" if where else "")


def _part_identifies(text: str) -> bool:
    """Whether a part's text (its XML, and the text between its tags) holds an NHS number or a date of birth."""
    if any(nhs_number_valid(m[1] + m[3] + m[4]) for m in _TEN_DIGITS.finditer(text)):
        return True
    return bool(DATE_OF_BIRTH_IN_TEXT.search(text) or DATE_OF_BIRTH_IN_TEXT.search(_xml_text(text)))


def _large_part_identifies(book: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part too large to read whole holds an NHS number or a date of birth, read chunk by chunk (its
    size is already bounded by the workbook's unpacked-size limit): a 69 MB custom XML part hid one."""
    try:
        with book.open(info) as stream:
            carry = b""
            while chunk := stream.read(_CHUNK_BYTES):
                if _part_identifies((carry + chunk).decode("utf-8", errors="replace")):
                    return True
                carry = chunk[-_OVERLAP_BYTES:]
    except Exception:  # a damaged part hides nothing that can be read
        return False
    return False


_SHARED_STRING = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.S)
_TAG = re.compile(r"<[^>]+>")
#: A cell that shows a shared string: ``<c r="A1" t="s"><v>17</v></c>`` (with or without a namespace prefix).
_SHARED_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\bt=\"s\"[^>]*>\s*<(?:\w+:)?v>\s*([0-9]+)\s*</", re.S)


def _unused_shared_string(book: zipfile.ZipFile, name: str) -> bool:
    """Whether a string the workbook stores but no cell shows holds an NHS number or a date of birth. The strings
    cells show are screened with their sheet, with its exemptions (an organisation's telephone column): only the
    others are looked at here, and the sheets are searched for their uses only when one such string is found."""
    try:
        strings = book.read(name)
    except Exception:
        return False
    suspect = set()
    for index, found in enumerate(_SHARED_STRING.finditer(strings)):
        text = html.unescape(_TAG.sub("", (found[1] or b"").decode("utf-8", errors="replace")))
        if (len(text) >= _MIN_DIGITS and holds_nhs_number(text)) or DATE_OF_BIRTH_IN_TEXT.search(text):
            suspect.add(index)
    if not suspect:
        return False
    for sheet in book.namelist():
        if sheet.startswith("xl/worksheets/") and sheet.endswith(".xml"):
            try:
                suspect -= {int(m[1]) for m in _SHARED_CELL.finditer(book.read(sheet))}
            except Exception:
                continue
            if not suspect:
                return False
    return True


def _in_workbook(content: bytes, *, skip_sheet: str | None, where: str) -> Iterator[Problem]:
    """Every sheet but the one read, whatever its state (visible, hidden, very hidden)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        if skip_sheet is not None and sum(n.startswith("xl/worksheets/sheet") for n in names) <= 1:
            return  # one sheet, already screened as the data (and its shared strings are not parsed twice)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a workbook openpyxl cannot open was refused as damaged when read as data
        return
    try:
        for worksheet in book.worksheets:
            if worksheet.title == skip_sheet:
                continue
            state = "" if worksheet.sheet_state == "visible" else f" ({worksheet.sheet_state.replace('H', ' h')})"
            place = f"Sheet '{worksheet.title}'{state}" + (f" of {where}" if where else "")
            worksheet.reset_dimensions()
            contact: set[int] = set()  # columns under a telephone, fax or address heading: an organisation's
            personal: dict[int, str] = {}  # columns under a heading of people's details, until one holds a value
            for row_number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
                # A row of text may be data as well as a heading (a table of names and dates written as text):
                # the columns under a heading of people's details are looked at on every row below it.
                for column in [c for c in personal if c <= len(cells) and _a_detail(cells[c - 1])]:
                    where_in_sheet = f"{place}, column {get_column_letter(column)}"
                    message = personal_message(personal.pop(column))
                    yield Problem(row_number, where_in_sheet, "patient_identifiable", message)
                if _is_heading_row(cells):  # a table's column names: its contact columns until the next heading
                    contact = {i for i, v in enumerate(cells, start=1) if isinstance(v, str) and contact_header(v)}
                    personal = {
                        i: v for i, v in enumerate(cells, start=1) if isinstance(v, str) and personal_heading(v)
                    }
                    continue
                for column, value in enumerate(cells, start=1):
                    if value is None or isinstance(value, bool) or column in contact:
                        continue
                    text = cell_text(value)
                    if len(text) >= _MIN_DIGITS and holds_nhs_number(text):
                        where_in_sheet = f"{place}, column {get_column_letter(column)}"
                        yield Problem(row_number, where_in_sheet, "patient_identifiable", MESSAGE)
    except Exception:  # a damaged sheet: nothing more can be read from it
        return
    finally:
        book.close()


#: Column names that can only mean one person's details. Only these, exactly: on other sheets and in notes, headings
#: such as "Year of birth", "Age of mother at birth", "Date of birth from" (a cohort's range), a bare "Patient"
#: (a type) or an author's "First name" in a document-control table are aggregate or staff details.
PERSONAL_HEADINGS = frozenset(
    {
        "date_of_birth",
        "dob",
        "d_o_b",
        "birth_date",
        "birthdate",
        "patient_date_of_birth",
        "patient_dob",
        "nhs_number",
        "nhs_no",
        "nhsno",
        "nhsnumber",
        "nhs_num",
        "patient_nhs_number",
        "patient_name",
        "patient_forename",
        "patient_surname",
        "patient_first_name",
        "patient_last_name",
    }
)


def personal_heading(name: str) -> bool:
    """A column name for one patient's details: a date of birth, an NHS number, a patient's name (``PERSONAL_HEADINGS``,
    exactly)."""
    return len(name.strip()) <= MAX_HEADING_LENGTH and normalise(name) in PERSONAL_HEADINGS


def _a_detail(value: object) -> bool:
    """A value under a heading of people's details: anything but a blank or the heading repeated."""
    text = "" if value is None else cell_text(value).strip()
    return bool(text) and not personal_heading(text)


def _is_heading_row(cells: tuple) -> bool:
    """A row of column names: more values than a title line holds, every one of them text."""
    values = [v for v in cells if v is not None and v != ""]
    return len(values) > TITLE_VALUES and all(isinstance(v, str) and not v.strip().isdigit() for v in values)


def _in_text(content: bytes, *, where: str) -> Iterator[Problem]:
    """A notes file or another table: every 3-3-4 run of ten digits (not inside a longer number or a decimal),
    except in a table's telephone, fax or address column. Binary members (a PDF, whose cross-reference table is
    ten-digit offsets; pictures) are not text this check can read."""
    if content.startswith(b"%PDF"):
        return
    try:
        text, _, _ = decode(content)
    except FileRefused:  # binary
        return
    yield from _personal_columns_in_text(text, where=where)
    birth = DATE_OF_BIRTH_IN_TEXT.search(text)
    if birth is not None:
        yield Problem(text.count("\n", 0, birth.start()) + 1, where, "patient_identifiable", TEXT_MESSAGE)
    contact: set[int] | None = None  # the header's contact columns, worked out at the first hit
    delimiter = ","
    lines_before, counted_to = 0, 0
    for found in _TEN_DIGITS.finditer(text):
        if not nhs_number_valid(found[1] + found[3] + found[4]):
            continue
        lines_before += text.count("\n", counted_to, found.start())
        counted_to = found.start()
        if contact is None:
            delimiter = delimiter_of(text[:65_536])
            contact = _contact_columns(text, delimiter)
        if contact and _in_contact_column(text, found.start(), delimiter, contact):
            continue  # a telephone number stored without its leading zero (01763 255700 as 1763255700)
        yield Problem(lines_before + 1, where, "patient_identifiable", MESSAGE)


def _personal_columns_in_text(text: str, *, where: str) -> Iterator[Problem]:
    """Another table's columns of people's details (``personal_heading``) that hold a value in its first rows."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter_of(text[:65_536]))
    numbered = ((reader.line_num, row) for row in reader)  # the line each row ends on
    try:
        first = list(itertools.islice(numbered, MOST_TITLE_LINES + 2))
        if not first:
            return
        skip = title_lines([row for _, row in first])
        header = first[skip][1]
        personal = {i: name for i, name in enumerate(header) if personal_heading(name)}
        if not personal or sum(1 for name in header if name.strip()) <= TITLE_VALUES:
            return
        for line, row in itertools.islice(itertools.chain(first[skip + 1 :], numbered), MAX_ROWS_UNDER_HEADING):
            for i in [i for i in personal if i < len(row) and row[i].strip()]:
                yield Problem(line, where, "patient_identifiable", personal_message(personal.pop(i)))
            if not personal:
                return
    except csv.Error:  # not a table: the ten-digit screen still reads it
        return


def _contact_columns(text: str, delimiter: str) -> set[int]:
    """Positions of the telephone, fax and address columns in the table's header (below any title lines); none
    when the text is not a table (notes whose first line happens to say "Contact")."""
    head = list(csv.reader(io.StringIO(text[:65_536]), delimiter=delimiter))[: MOST_TITLE_LINES + 2]
    if not head:
        return set()
    header = head[title_lines(head)]
    if sum(1 for name in header if name.strip()) <= TITLE_VALUES:
        return set()
    return {index for index, name in enumerate(header) if contact_header(name)}


def _in_contact_column(text: str, position: int, delimiter: str, contact: set[int]) -> bool:
    """Whether the character at ``position`` lies in a contact column of a row of the table (a line split into as
    many fields as a table's, not a line of prose)."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = next(csv.reader([text[start : end if end >= 0 else len(text)]], delimiter=delimiter), [])
    before = next(csv.reader([text[start:position] + "x"], delimiter=delimiter), [""])
    return len(line) > TITLE_VALUES and len(before) - 1 in contact


def nhs_numbers_in_titles(preamble: list[tuple[int, list[str]]]) -> list[Problem]:
    """The title lines above the table read (skipped as data, kept with the upload): an NHS number or a date of
    birth written in them."""
    return identifiers_in_lines(preamble, TITLE_MESSAGE)


def nhs_numbers_beyond(beyond: list[tuple[int, list[str]]]) -> list[Problem]:
    """Cells beyond a table's last named column (refused as ragged, kept with the upload): an NHS number or a date
    of birth written in them."""
    return identifiers_in_lines(beyond, BEYOND_MESSAGE)


def identifiers_in_lines(lines: list[tuple[int, list[str]]], message: str) -> list[Problem]:
    """(line, cells) not read as data: one problem per line holding an NHS number or a date of birth."""
    found = []
    for line, cells in lines:
        for cell in cells:
            if (len(cell) >= _MIN_DIGITS and holds_nhs_number(cell)) or DATE_OF_BIRTH_IN_TEXT.search(cell):
                found.append(Problem(line, None, "patient_identifiable", message))
                break
    return found[:MAX_FINDINGS]
