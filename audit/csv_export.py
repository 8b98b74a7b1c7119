"""CSV downloads of the audit trail and access log, safe to open in a spreadsheet.

A cell starting with ``= + - @`` (or a tab or carriage return) is prefixed with a single quote, so text someone
typed into a form (a mitigation, a commentary) cannot run as a formula when an auditor opens the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import StreamingHttpResponse

from harrow_bbp import tabular

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Text: quoted if it starts like a formula (any sign, stricter than a page's download: an audit cell is
    evidence, so ``-1`` typed into a form stays the text that was typed). Other values: the product's one cell
    format (``yes``/``no``, whole numbers without ``.0``; harrow_bbp.tabular)."""
    if value is not None and not isinstance(value, str):
        value = tabular.cell(value)
        if not isinstance(value, str):
            return tabular.csv_text(value, None)
    text = "" if value is None else value
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    """A streamed CSV download (the trail can be long): header, then each row with every cell made safe."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow([safe_cell(v) for v in row]) for row in _with_header(header, rows))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_header(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterable[Sequence[Any]]:
    yield header
    yield from rows
