"""Every table the product lets people download, as CSV or XLSX, with numbers as the page shows them.

One formatting rule for every writer: a value with a known number of decimals is written at those decimals
(``41.3``, never ``41.27346938775511``), counts as integers (``570``, never ``570.0``), booleans as ``yes``/``no``,
dates as ISO dates, missing values as blank, and text made formula-safe (``csv_safe.neutralise``). The CSV and the
XLSX carry the same cells: in the XLSX numbers stay numbers (rounded, with a number format of the same decimals)
and text is always written as a string, never as a formula. Pure: no Django.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from . import csv_safe

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def cell(value: Any, decimals: int | None = None) -> Any:
    """The value to write: a rounded float, an int, or text ("" for missing); see the module docstring."""
    if value is None:
        return ""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if decimals is not None:
            return round(value, decimals) if decimals > 0 else round(value)
        return int(value) if value.is_integer() else value
    if hasattr(value, "normalize") and value == value.normalize():  # a pandas Timestamp of a date
        return value.date().isoformat()
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if text in ("NaT", "nan", "<NA>"):
        return ""
    return csv_safe.neutralise(text)


def row(values: Sequence[Any], decimals: Sequence[int | None] | None = None) -> list[Any]:
    decimals = decimals or [None] * len(values)
    return [cell(v, d) for v, d in zip(values, decimals, strict=True)]


def csv_text(value: Any, decimals: int | None) -> str:
    """A written cell as CSV text: a float at exactly ``decimals`` places (``41.30``)."""
    if isinstance(value, float) and decimals is not None:
        return f"{value:.{decimals}f}"
    return str(value)


#: Decimals for one column: one number for every row, or one per row (a column mixing indicators, each shown at
#: its own decimals, as the PCN page's practice table); None: as they are.
Decimals = int | Sequence[int | None] | None


class Table:
    """A header, its rows and, per column, the decimals numbers are shown at (None: as they are)."""

    def __init__(
        self, header: Sequence[str], rows: Iterable[Sequence[Any]], decimals: Mapping[str, Decimals] | None = None
    ) -> None:
        """``row_decimals`` (one mapping per row) overrides ``decimals`` cell by cell, for a table whose rows are
        different indicators shown at their own decimals (the JSNA table)."""
        self.header = [str(h) for h in header]
        self.decimals = [(decimals or {}).get(h) for h in self.header]
        values = [list(r) for r in rows]
        #: each cell's decimals (row by row), from the column's number or its per-row sequence
        self.cell_decimals = [
            [d[i] if isinstance(d, Sequence) else d for d in self.decimals] for i in range(len(values))
        ]
        self.rows = [row(r, d) for r, d in zip(values, self.cell_decimals, strict=True)]

    @classmethod
    def from_frame(cls, frame, decimals: Mapping[str, Decimals] | None = None) -> Table:
        """A pandas DataFrame (no index)."""
        columns = [str(c) for c in frame.columns]
        return cls(columns, frame.itertuples(index=False, name=None), decimals)

    def csv(self) -> str:
        buffer = io.StringIO()
        writer = csv_safe.writer(buffer)
        writer.writerow(self.header)
        for values, decimals in zip(self.rows, self.cell_decimals, strict=True):
            writer.writerow([csv_text(v, d) for v, d in zip(values, decimals, strict=True)])
        return buffer.getvalue()

    def xlsx(self, sheet: str = "Data") -> bytes:
        """The same cells as an .xlsx workbook (openpyxl, write-only): numbers as numbers, text as text."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        ws = book.create_sheet(title=sheet[:31])

        def text_cell(value: str) -> WriteOnlyCell:
            written = WriteOnlyCell(ws, value=None)
            written.value, written.data_type = value, "s"  # never "f": a string is never a formula here
            return written

        ws.append([text_cell(csv_safe.neutralise(h)) for h in self.header])
        for values, decimals in zip(self.rows, self.cell_decimals, strict=True):
            formats = ["0" if d == 0 else (f"0.{'0' * d}" if d else None) for d in decimals]
            out = []
            for value, number_format in zip(values, formats, strict=True):
                if isinstance(value, str):
                    out.append(text_cell(value))
                else:
                    written = WriteOnlyCell(ws, value=value)
                    if number_format:
                        written.number_format = number_format
                    out.append(written)
            ws.append(out)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
