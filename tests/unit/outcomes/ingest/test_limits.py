"""Row and size limits are checked before or while a file is read: reading stops at the first row over."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from outcomes.ingest import limits as limits_module
from outcomes.ingest import table, workbook_table
from outcomes.ingest.limits import NO_LIMITS, Limits, rows_with_values
from outcomes.ingest.sniff import sniff
from outcomes.problems import FileRefused

HEADER = ["indicator_code", "org_code", "value"]


def csv_bytes(rows: int, blank_every: int = 0) -> bytes:
    lines = [",".join(HEADER)]
    for i in range(rows):
        if blank_every and i % blank_every == 0:
            lines.append("")
        lines.append(f"A,E{i:05d},{i}")
    return ("\n".join(lines) + "\n").encode()


def workbook(rows: int, *, write_only: bool = False, extra=None) -> bytes:
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("data") if write_only else book.active
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append(["A", f"E{i:05d}", i])
    for row in extra or []:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read(content: bytes, limits: Limits = NO_LIMITS):
    return table.read_table(content, sniff(content), limits)


# ----------------------------------------------------------------------------------------------- CSV


def test_csv_under_the_limit_is_read_whole():
    parsed = read(csv_bytes(5), Limits(rows=5))
    assert parsed.over_limit is None and len(parsed.frame) == 5


def test_csv_over_the_limit_stops_at_the_first_row_over_it():
    parsed = read(csv_bytes(50), Limits(rows=10))
    assert parsed.over_limit.code == "too_many_rows"
    assert parsed.over_limit.line == 12  # header on line 1, row 11 on line 12
    assert "more than 10 rows: refused at row 11" in parsed.over_limit.message
    assert len(parsed.frame) == 10  # only the rows before it are held


def test_csv_blank_lines_do_not_count_towards_the_limit():
    parsed = read(csv_bytes(10, blank_every=2), Limits(rows=10))  # 15 lines after the header, 10 rows
    assert parsed.over_limit is None and len(parsed.frame) == 10


def test_csv_rows_spanning_lines_count_once():
    content = ("a,b\n" + "".join(f'{i},"two\nlines"\n' for i in range(4))).encode()
    assert read(content, Limits(rows=4)).over_limit is None
    assert read(content, Limits(rows=3)).over_limit.line == 8


def test_csv_with_old_mac_line_ends_is_counted_too():
    content = ("a,b\r" + "".join(f"{i},x\r" for i in range(6))).encode()
    assert read(content, Limits(rows=5)).over_limit is not None


def test_csv_without_limits_reads_every_row():
    assert len(read(csv_bytes(50)).frame) == 50


# ---------------------------------------------------------------------------------------------- XLSX


def test_xlsx_whose_dimension_says_too_many_rows_is_refused_before_reading_them():
    parsed = read(workbook(30), Limits(rows=10))  # openpyxl writes <dimension ref="A1:C31"/>
    assert parsed.over_limit.code == "too_many_rows" and "runs to row 31" in parsed.over_limit.message


def test_xlsx_without_a_dimension_is_refused_by_counting_its_rows(monkeypatch):
    content = workbook(30, write_only=True)  # no <dimension>
    monkeypatch.setattr(workbook_table, "SAMPLE_ROWS", 5)
    parsed = read(content, Limits(rows=10))
    assert parsed.over_limit.code == "too_many_rows" and "refused at row 11" in parsed.over_limit.message
    assert len(parsed.frame) == 5  # only a sample kept, for the patient-data scan


def test_xlsx_reader_itself_stops_at_the_first_row_over_the_limit(monkeypatch):
    monkeypatch.setattr(workbook_table, "rows_with_values", lambda *args: 0)  # as if the archive count missed them
    parsed = read(workbook(30, write_only=True), Limits(rows=10))
    assert parsed.over_limit.line == 12 and len(parsed.frame) == 10


def test_xlsx_under_the_limit_is_read_whole():
    parsed = read(workbook(10, write_only=True), Limits(rows=10))
    assert parsed.over_limit is None and len(parsed.frame) == 10


def test_xlsx_rows_beyond_a_lying_dimension_are_still_read():
    content = workbook(5)
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        entries = {i.filename: source.read(i) for i in source.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    entries[sheet] = entries[sheet].replace(b'<dimension ref="A1:C6" />', b'<dimension ref="A1:C2" />')
    assert b'ref="A1:C2"' in entries[sheet]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            target.writestr(name, data)
    assert len(read(buffer.getvalue()).frame) == 5  # openpyxl alone would stop at row 2
    assert read(buffer.getvalue(), Limits(rows=3)).over_limit is not None


def test_xlsx_formula_cells_are_still_reported():
    parsed = read(workbook(1, extra=[["A", "E1", "=1+1"]]))
    assert [(p.line, p.code) for p in parsed.problems] == [(3, "formula")]


def test_xlsx_over_the_uncompressed_cap_is_refused_before_it_is_opened():
    content = workbook(50)
    with pytest.raises(FileRefused) as refused:
        read(content, Limits(workbook_bytes=1000))
    assert refused.value.problems[0].code == "workbook_too_large"


def test_xlsx_that_expands_absurdly_is_refused_as_a_zip_bomb(monkeypatch):
    monkeypatch.setattr(limits_module, "RATIO_FLOOR_BYTES", 1000)
    buffer = io.BytesIO(workbook(1))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 2_000_000)
    with pytest.raises(FileRefused) as refused:
        read(buffer.getvalue(), Limits(rows=10))
    assert refused.value.problems[0].code == "workbook_suspicious"


def test_rows_with_values_counts_only_rows_holding_a_value():
    xml = (
        b"<worksheet><sheetData>"
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
        b'<row r="2"/>'
        b'<row r="3"><c r="A3" s="1"/></row>'
        b'<row r="4"><c r="A4"><v>4</v></c></row>'
        b'<row r="5"><c r="A5" t="inlineStr"><is><t></t></is></c></row>'
        b'<row r="6"><c r="A6"><f>1+1</f></c></row>'
        b"</sheetData></worksheet>"
    )
    prefixed = xml.replace(b"<", b"<x:").replace(b"<x:/", b"</x:")
    for body in (xml, prefixed):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("sheet.xml", body)
        with zipfile.ZipFile(buffer) as archive:
            assert rows_with_values(archive, "sheet.xml", 100) == 3
            assert rows_with_values(archive, "sheet.xml", 1) > 1  # counting stops (chunk by chunk) once past it


def test_opening_a_workbook_without_a_dimension_does_not_parse_the_whole_sheet(monkeypatch):
    from openpyxl.worksheet._reader import WorkSheetParser

    def whole_sheet(self):
        raise AssertionError("openpyxl parsed the whole sheet looking for <dimension>")

    monkeypatch.setattr(WorkSheetParser, "parse_dimensions", whole_sheet)
    assert len(read(workbook(20, write_only=True), Limits(rows=100)).frame) == 20


@pytest.mark.parametrize(
    ("xml", "ref"),
    [
        (
            b'<worksheet><sheetPr/><dimension ref="A1:I300001"/><sheetData><row r="1"/></sheetData></worksheet>',
            "A1:I300001",
        ),
        (b'<x:worksheet><x:dimension ref="B2"/><x:sheetData></x:sheetData></x:worksheet>', "B2"),
        (b'<worksheet><sheetData><row r="1"/></sheetData><dimension ref="A1:C3"/></worksheet>', None),
        (b"<worksheet><sheetData>" + b'<row r="1"/>' * 100_000 + b"</sheetData></worksheet>", None),
    ],
)
def test_the_declared_dimension_is_read_from_the_head_of_the_sheet(xml, ref):
    assert limits_module.declared_dimension(io.BytesIO(xml)) == ref


def test_csv_over_the_limit_with_blank_lines_in_its_head_is_counted_exactly():
    content = ("a,b\n" + "\n" * 20 + "".join(f"{i},x\n" for i in range(12))).encode()
    parsed = read(content, Limits(rows=10))
    assert parsed.over_limit.line == 32 and len(parsed.frame) == 10
