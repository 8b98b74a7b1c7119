"""Reading a sheet: workbooks that are refused before their rows are read."""

from __future__ import annotations

import io

import openpyxl
import pytest

from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table


def sheet(values: list[object], number_format: str | None) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["org_code", "value"])
    for value in values:
        book.active.append(["E84068", value])
        if number_format:
            book.active.cell(book.active.max_row, 2).number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_strict_open_xml_workbook_is_refused_with_how_to_save_it():
    import zipfile

    from outcomes.problems import FileRefused

    plain = sheet([0.5], None)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain)) as source, zipfile.ZipFile(out, "w") as strict:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/") and info.filename.endswith(".xml"):
                data = data.replace(
                    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    b"http://purl.oclc.org/ooxml/spreadsheetml/main",
                )
            strict.writestr(info, data)
    content = out.getvalue()
    with pytest.raises(FileRefused) as refused:
        read_table(content, sniff(content))
    assert refused.value.problems[0].code == "strict_xlsx"


def test_a_stray_cell_far_to_the_right_of_the_header_is_refused_before_the_rows_are_read():
    from outcomes.problems import FileRefused

    book = openpyxl.Workbook()
    book.active.append(["org_code", "value"])
    book.active.append(["E84068", 1])
    book.active.cell(1, 16_384, "x")  # column XFD, the last a sheet has
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    with pytest.raises(FileRefused) as refused:
        read_table(content, sniff(content))
    [problem] = refused.value.problems
    assert (problem.code, problem.line) == ("too_many_columns", 1) and "16,384 columns" in problem.message
