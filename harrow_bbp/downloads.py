"""HTTP responses for table downloads: ``?format=csv`` or ``?format=xlsx`` (or a ``data.csv``/``data.xlsx`` route)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from .params import BadParameter
from .tabular import CSV_TYPE, FORMATS, XLSX_TYPE, Table


def requested_format(request: HttpRequest) -> str | None:
    """The download asked for by ``?format=``: None for the page itself; else "csv" or "xlsx", or 400."""
    value = request.GET.get("format")
    if value in (None, ""):
        return None
    if value not in FORMATS:
        raise BadParameter("format", "must be csv or xlsx")
    return value


def table_response(table: Table, *, filename: str, format: str) -> HttpResponse:
    """The table as an attachment named ``filename`` (without extension) in ``format``."""
    if format == "xlsx":
        response = HttpResponse(table.xlsx(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(table.csv(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{format}"'
    return response
