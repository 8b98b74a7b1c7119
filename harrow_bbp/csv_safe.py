"""CSV the product writes, safe to open in a spreadsheet (CSV/formula injection, OWASP).

A cell a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return, also after leading spaces) is written with a leading single quote, so Excel and LibreOffice show it as
text. This applies to every cell, column names included: an uploaded file's header or a problem message can
carry ``=HYPERLINK(...)`` into a file an analyst opens.

Numbers stay numbers. ``int``/``float`` values are written as they are, and so is text that is exactly a
plain signed number (``-1.5``, ``+3``, ``1e-3``): a spreadsheet reads those as values and runs nothing, and
quoting them would turn a column of figures into text. Anything else that starts with a sign (``-1+2``,
``+44 20 7946 0000``) is quoted. Pure: no Django.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

#: Characters that make a spreadsheet treat a cell as a formula when they come first.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGER_AFTER_SPACES = re.compile(r"^[\s]*[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: Any) -> Any:
    """The value to write: formula-like text gets a leading ``'``; numbers and other values are unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if _TRIGGER_AFTER_SPACES.match(value) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in values]


class SafeWriter:
    """``csv.writer`` whose every row (header included) is neutralised first."""

    def __init__(self, file, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file, **options: Any) -> SafeWriter:
    return SafeWriter(file, **options)


def line(values: Iterable[Any]) -> str:
    """One CSV line (CRLF-terminated, as the csv module writes), neutralised."""
    buffer = io.StringIO()
    writer(buffer).writerow(values)
    return buffer.getvalue()


def frame_to_csv(frame) -> str:
    """A pandas DataFrame as CSV text (no index), its column names and text cells neutralised.

    Numeric columns are written by pandas as numbers; only object/string columns are looked at, each
    distinct value once."""
    import pandas as pd

    safe = frame.copy()
    safe.columns = [neutralise(str(c)) for c in safe.columns]
    for position, dtype in enumerate(safe.dtypes):
        if (
            isinstance(dtype, pd.CategoricalDtype)
            or pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype)
        ):
            column = safe.iloc[:, position]
            safe.isetitem(position, column.map(neutralise))
    return safe.to_csv(index=False)
