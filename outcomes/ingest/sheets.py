"""Which sheet of a workbook to read: the one whose column names a reader recognises, wherever it is.

Published workbooks put their data on a later sheet: the NHS ODS ePCN workbook opens on ``PCNDetails`` (PCN
addresses) and keeps the practice-to-PCN table on ``PCN Core Partner Details``. Reading the first sheet blindly
would load the wrong table (and screen organisation addresses as if they were patients'), so every sheet's first
row is offered to the readers: a format-specific reader's match wins, then the generic template's, then the first
sheet. The choice is reported, so the analyst knows which sheet was read.
"""

from __future__ import annotations

import pandas as pd

from ..problems import Problem
from .cells import cell_text
from .parsed import LINE, Table
from .readers import READERS
from .titles import MOST_TITLE_LINES, title_lines


def _first_row(sheet) -> list[str]:
    """The sheet's column names: its first row, or the first below any title lines (``titles``)."""
    head = [[cell_text(v) for v in row] for row in sheet.iter_rows(max_row=MOST_TITLE_LINES + 2, values_only=True)]
    if not head:
        return []
    header = [v.strip() for v in head[title_lines(head)]]
    while header and not header[-1]:
        header.pop()
    return header


def choose_sheet(book) -> tuple[int, Problem | None]:
    """(index of the sheet to read, a warning naming it when the workbook has several sheets)."""
    sheets = book.worksheets
    if len(sheets) <= 1:
        return 0, None
    specific, generic = None, None
    for index, sheet in enumerate(sheets):
        header = _first_row(sheet)
        if not any(header):
            continue
        probe = Table(header=header, frame=pd.DataFrame(columns=[*range(len(header)), LINE]))
        for reader in READERS.values():
            try:
                matched = reader.matches(probe)
            except Exception:  # a reader that needs data rows to decide does not match a bare header
                matched = False
            if matched and reader.name != "generic" and specific is None:
                specific = (index, reader.label)
            elif matched and reader.name == "generic" and generic is None:
                generic = (index, reader.label)
    index, label = specific or generic or (0, "")
    others = ", ".join(f"'{s.title}'" for i, s in enumerate(sheets) if i != index)
    why = f"its columns are the {label}" if label else "no sheet's columns match an accepted format"
    return index, Problem(
        None,
        None,
        "sheet_read",
        f"Read sheet {index + 1} of {len(sheets)}, '{sheets[index].title}' ({why}); not read: {others}.",
        "warning",
    )
