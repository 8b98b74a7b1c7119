"""The page-break check reads WeasyPrint's laid-out pages: it must see a split block, a split row, a lone row and
a missing header, and must pass a layout that keeps to the rules. No database, no browser."""

from __future__ import annotations

import pytest

from dashboards.board_pack import pdf

pytestmark = pytest.mark.skipif(pdf.missing() is not None, reason=pdf.missing() or "")

PAGE = "@page { size: A6; margin: 10mm } body { font-size: 9pt; margin: 0 }"
RULES = (
    "[data-keep], tr { break-inside: avoid } tbody tr:first-child, tbody tr:nth-last-child(2) { break-after: avoid }"
)


def laid_out(body: str, css: str = RULES) -> pdf.Layout:
    return pdf.layout(pdf.render_document(f"<html><head><style>{PAGE} {css}</style></head><body>{body}</body></html>"))


def spacer(mm: int) -> str:
    return f'<div style="height: {mm}mm">spacer</div>'


def table(rows: int, *, header: bool = True, lines: int = 1) -> str:
    head = "<thead><tr><th>Period</th><th>Value</th></tr></thead>" if header else ""
    text = "<br>".join(["A line of the note."] * lines)
    body = "".join(f"<tr><td>row {i}</td><td>{text}</td></tr>" for i in range(1, rows + 1))
    return f'<table data-table="numbers">{head}<tbody>{body}</tbody></table>'


def test_a_block_that_fits_is_moved_whole_to_the_next_page():
    block = '<div data-keep="outcome">' + "<p>A line of commentary.</p>" * 12 + "</div>"
    assert laid_out(spacer(100) + block).faults() == []
    faults = laid_out(spacer(100) + block, css="").faults()
    assert faults == ["outcome is split over pages 1, 2"]


def test_a_table_that_runs_on_keeps_its_header_and_never_leaves_a_lone_row():
    # 25 rows fill an A6 page here: without the rules the 26th sits alone on page 2.
    plain = laid_out(table(26), css="tr { break-inside: avoid }")
    assert plain.faults() == ["numbers leaves a lone row on page 2"]
    ruled = laid_out(table(26))
    assert ruled.faults() == [] and len(ruled.table_rows["numbers"]) == 26
    assert ruled.headed_pages["numbers"] == [1, 2]  # the header repeats on every page the table reaches
    # A lone first row at the foot of a page moves on with the rest.
    assert laid_out(spacer(116) + table(10), css="tr { break-inside: avoid }").faults() == [
        "numbers leaves a lone row on page 1"
    ]
    assert laid_out(spacer(116) + table(10)).faults() == []


def test_a_split_row_and_a_table_without_its_header_are_named():
    faults = laid_out(spacer(60) + table(3, lines=20), css="").faults()
    assert any(f.startswith("row ") and "of numbers is split over pages" in f for f in faults), faults
    faults = laid_out(table(40, header=False)).faults()
    assert faults == ["numbers runs on to page 1, 2 without its header"]
