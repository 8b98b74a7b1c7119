"""HTML to PDF through WeasyPrint (which needs Debian's Pango), and a check of the laid-out pages. No Django imports.

The pack's template marks what must never be split over a page (``data-keep``: an executive summary block, an
outcome's page, a PCN chart, a workstream table) and the tables that may run over pages (``data-table``: the rows
never split, the header repeats, and no page holds a lone row of a table that runs on). ``layout_faults`` reads
WeasyPrint's page boxes and names every place those rules were broken, so tests and the task can check the PDF
itself rather than trusting the CSS.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .images import CHROMIUM, chromium_path

PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


def missing() -> str | None:
    """Why a pack cannot be rendered on this machine, or None when everything it needs is there."""
    if chromium_path() is None:
        return f"board pack charts need Debian's Chromium at {CHROMIUM} (make system-packages)"
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi)
    except (ImportError, OSError) as exc:
        return f"board pack PDFs need WeasyPrint and Pango ({PANGO_PACKAGES}; make system-packages): {exc}"
    try:
        import kaleido  # noqa: F401
    except ImportError as exc:
        return f"board pack charts need kaleido (make install): {exc}"
    return None


def render_document(html: str) -> Any:
    """The laid-out WeasyPrint document of a self-contained HTML page (its ``pages`` hold the boxes)."""
    import weasyprint

    return weasyprint.HTML(string=html).render()


def render_pdf(html: str) -> tuple[bytes, int]:
    """The PDF of a self-contained HTML page, and its number of pages."""
    document = render_document(html)
    return document.write_pdf(), len(document.pages)


@dataclass
class Layout:
    """Where the marked blocks and table rows fell: page numbers from 1."""

    keep_pages: dict[str, list[int]] = field(default_factory=dict)  # data-keep value -> pages it is drawn on
    table_rows: dict[str, list[list[int]]] = field(default_factory=dict)  # data-table -> body rows' pages, by row
    headed_pages: dict[str, list[int]] = field(default_factory=dict)  # data-table -> pages its header is drawn on

    def faults(self) -> list[str]:
        """Every broken rule, in words; empty when the pack is laid out as it should be."""
        out = []
        for key, pages in self.keep_pages.items():
            if len(pages) > 1:
                out.append(f"{key} is split over pages {', '.join(map(str, pages))}")
        for key, rows in self.table_rows.items():
            per_page: dict[int, int] = defaultdict(int)
            for i, pages in enumerate(rows, 1):
                if len(pages) > 1:
                    out.append(f"row {i} of {key} is split over pages {', '.join(map(str, pages))}")
                per_page[pages[0]] += 1
            if len(per_page) > 1:
                lone = [page for page, n in per_page.items() if n == 1]
                if lone:
                    out.append(f"{key} leaves a lone row on page {', '.join(map(str, lone))}")
                missing_header = sorted(set(per_page) - set(self.headed_pages.get(key, [])))
                if missing_header:
                    out.append(f"{key} runs on to page {', '.join(map(str, missing_header))} without its header")
        return out


def layout(document: Any) -> Layout:
    """Read which page each ``data-keep`` block and each row of each ``data-table`` table was drawn on."""
    from weasyprint.formatting_structure import boxes

    keep: dict[str, list[int]] = {}
    rows: dict[str, dict[int, list[int]]] = {}  # table -> id(row element) -> pages (insertion order = row order)
    headed: dict[str, list[int]] = {}

    def note(mapping: dict, key: Any, number: int) -> None:
        pages = mapping.setdefault(key, [])
        if number not in pages:
            pages.append(number)

    def walk(box: Any, number: int, table: str | None, header: bool) -> None:
        element = getattr(box, "element", None)
        if element is not None and not isinstance(box, boxes.TextBox):
            marked = element.get("data-keep")
            if marked:
                note(keep, marked, number)
            if isinstance(box, boxes.TableBox) and element.get("data-table"):
                table = element.get("data-table")
            if table is not None and isinstance(box, boxes.TableRowGroupBox):
                header = bool(getattr(box, "is_header", False))
            if table is not None and isinstance(box, boxes.TableRowBox):
                if header:
                    note(headed, table, number)
                else:
                    note(rows.setdefault(table, {}), id(element), number)
        for child in getattr(box, "children", None) or ():
            walk(child, number, table, header)

    for number, page in enumerate(document.pages, 1):
        walk(page._page_box, number, None, False)
    return Layout(keep, {key: list(by_row.values()) for key, by_row in rows.items()}, headed)
