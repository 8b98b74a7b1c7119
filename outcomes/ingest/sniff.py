"""What a file really is, and how its text is encoded, before anything tries to parse it."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from typing import Literal

from ..problems import FileRefused, Problem
from .titles import MOST_TITLE_LINES, TITLE_VALUES, names_only, title_lines

Kind = Literal["text", "xlsx"]
DELIMITERS = ",;\t|"
#: A character UTF-8 writes in two to four bytes (an accent, a pound sign, a dash): Windows-1252 text holds such a
#: byte pair only by a rare chance ("Ã©").
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
#: The stream an encrypted Office Open XML file keeps its workbook in, named (UTF-16) in its OLE2 directory.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    text: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    warnings: tuple[Problem, ...] = ()


def _refuse(code: str, message: str) -> FileRefused:
    return FileRefused(Problem(None, None, code, message))


def sniff(content: bytes) -> Sniffed:
    """Classify the bytes: an XLSX workbook, or delimited text with its encoding and delimiter."""
    if not content.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise _refuse("empty_file", "The file is empty.")
    head = content[:8]
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    if head.startswith(b"%PDF"):
        raise _refuse("not_a_table", "This is a PDF. Export the table as CSV or XLSX and upload that instead.")
    if head.startswith(b"\xd0\xcf\x11\xe0") and ENCRYPTED_PACKAGE in content:  # its directory may lie anywhere
        raise _refuse(
            "encrypted_workbook",
            "This workbook is password-protected (Excel keeps an encrypted workbook in an old-style container). Open "
            "it in Excel, take the password off (File, Info, Protect Workbook, Encrypt with Password: clear it), "
            "save it as .xlsx and upload that.",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse("old_excel", "This is an old-style Excel file (.xls). Save it as .xlsx or CSV and upload that.")
    text, encoding, warnings = decode(content)
    start = text.lstrip()[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<?xml", "<table")):
        raise _refuse("not_a_table", "This is a web page or XML file, not a table. Download the CSV or XLSX itself.")
    return Sniffed("text", text=text, encoding=encoding, delimiter=delimiter_of(text), warnings=tuple(warnings))


def is_workbook_listing(names) -> bool:
    """Whether a ZIP's member names are an Excel workbook's (an XLSX is a ZIP, as is an ODS file or a download)."""
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def _zip_kind(content: bytes) -> Sniffed:
    """A workbook; an OpenDocument spreadsheet (refused: not read); any other ZIP is an archive, which the
    pipeline opens before sniffing (``archive.unwrap``), so here it is one inside another or another package."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = archive.namelist()
        mimetype = b""
        if "mimetype" in names:
            with archive.open("mimetype") as member:  # its first bytes only, whatever its size
                mimetype = member.read(100)
    except Exception as exc:  # BadZipFile, and the struct/OS errors a truncated archive gives
        raise _refuse(
            "not_a_table", "The file looks like a ZIP archive or workbook but is damaged. Download it again."
        ) from exc
    if is_workbook_listing(names):
        return Sniffed("xlsx")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise _refuse("opendocument", "This is an OpenDocument file (.ods), which is not read. Save it as XLSX or CSV.")
    raise _refuse(
        "zip_archive",
        "This ZIP archive cannot be read as a table (an archive inside an archive, or a kind of package we do not "
        "open). Unzip it and upload the CSV or XLSX inside.",
    )


def decode(content: bytes) -> tuple[str, str, list[Problem]]:
    """UTF-8 (with or without BOM), UTF-16 or UTF-32 (BOM, or NUL-interleaved), else Excel's Windows-1252."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM begins with UTF-16 LE's
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(encoding), encoding, []
            except UnicodeDecodeError as exc:
                raise _refuse("bad_encoding", f"The file says it is {encoding} but is not valid {encoding}.") from exc
    sample = content[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        for encoding in ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"):
            try:
                text = content.decode(encoding)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text[:4096] and (text.isprintable() or "\n" in text):
                return text, encoding, []
        raise _refuse("binary_file", "This is a binary file, not a CSV or XLSX table.")
    if b"\x00" in sample:
        raise _refuse("binary_file", "This is a binary file, not a CSV or XLSX table.")
    try:
        return content.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        if UTF8_MULTIBYTE.search(content):  # UTF-8 accents elsewhere: read as Windows-1252 they would be garbled
            line = content.count(b"\n", 0, exc.start) + 1
            raise FileRefused(
                Problem(
                    line,
                    None,
                    "mixed_encoding",
                    "This line is not UTF-8 text, though other lines are (two files saved differently, joined?). "
                    "Open the file in Excel and save it as CSV UTF-8.",
                )
            ) from exc
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _refuse("bad_encoding", "The file is neither UTF-8 nor Windows-1252 text. Save it as CSV UTF-8.") from exc
    return (
        text,
        "cp1252",
        [
            Problem(
                None,
                None,
                "encoding_cp1252",
                "Read as Windows-1252 (Excel's default); saving as CSV UTF-8 avoids "
                "surprises with accented characters.",
                "warning",
            )
        ],
    )


def delimiter_of(text: str) -> str:
    """The delimiter of the header line: the candidate that splits it into the most fields (quote-aware). A first
    line of one or two fields may be a title above the table (``titles``): then the first of the next lines that
    splits into three or more decides."""
    lines = re.split(r"\r\n|\r|\n", text.lstrip("\ufeff"), maxsplit=MOST_TITLE_LINES + 1)  # old Mac: CR alone
    first = _best_split(lines[0])
    if first[1] > TITLE_VALUES:
        return _below_a_wide_title(lines, *first)
    for line in lines[1 : MOST_TITLE_LINES + 1]:
        best, count = _best_split(line)
        if count > TITLE_VALUES:
            return best
    return first[0]


def _below_a_wide_title(lines: list[str], delimiter: str, width: int) -> str:
    """A first line of several values may be a title written with commas above a table of another delimiter
    ("Smoking prevalence, Harrow, 2023/24" above a semicolon table): another delimiter wins only when, split by
    it, ``titles.title_lines`` finds a header of names below the first line, at least twice as wide as the first
    line's split (and three fields wider), with a line of the same width below it. (A comma file whose notes hold
    semicolons keeps its commas.)"""
    best, least = delimiter, max(2 * width, width + 3)
    for candidate in DELIMITERS:
        if candidate == delimiter:
            continue
        rows = [_fields(line, candidate) for line in lines[: MOST_TITLE_LINES + 2]]
        skip = title_lines(rows)
        header = rows[skip] if skip else []
        if len(header) >= least and names_only(header) and skip + 1 < len(rows) and len(rows[skip + 1]) == len(header):
            best, least = candidate, len(header) + 1
    return best


def _fields(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _best_split(line: str) -> tuple[str, int]:
    best, best_count = ",", 0
    for candidate in DELIMITERS:
        try:
            fields = next(csv.reader([line], delimiter=candidate), [])
        except csv.Error:  # e.g. a NUL or a stray line break inside the header line
            continue
        if len(fields) > best_count:
            best, best_count = candidate, len(fields)
    return best, best_count
