"""The governance tables and the PCN practice table download as CSV and XLSX with the same cells."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from workstreams.models import Risk, Workstream

pytestmark = pytest.mark.django_db


def _both(client, url, params=None):
    params = params or {}
    response = client.get(url, {**params, "format": "csv"})
    assert response.status_code == 200, response.content[:300]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    workbook = client.get(url, {**params, "format": "xlsx"})
    assert workbook.status_code == 200 and "spreadsheetml" in workbook["Content-Type"]
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    cells = [list(r) for r in sheet.iter_rows()]
    assert all(c.data_type != "f" for r in cells for c in r)
    return rows, cells


def _text(cell) -> str:
    if cell.value is None:
        return ""
    if isinstance(cell.value, (int, float)) and "." in cell.number_format:
        return f"{cell.value:.{len(cell.number_format.split('.')[1])}f}"
    return str(cell.value)


def test_workstream_list_download_names_every_sro(board_client):
    rows, cells = _both(board_client, reverse("dashboards:workstreams"))
    header = rows[0]
    assert len(rows) - 1 == Workstream.objects.filter(is_active=True).count()
    assert all(r[header.index("sro")] for r in rows[1:])
    assert {r[header.index("reported_this_month")] for r in rows[1:]} <= {"yes", "no"}
    assert [[_text(c) for c in r] for r in cells] == rows


def test_risk_register_download_follows_the_filters(board_client):
    rows, cells = _both(board_client, reverse("dashboards:risks"), {"closed": "1"})
    header = rows[0]
    assert len(rows) - 1 == Risk.objects.count()
    for r in rows[1:]:
        assert int(r[header.index("score")]) == int(r[header.index("likelihood")]) * int(r[header.index("impact")])
    assert [[_text(c) for c in r] for r in cells] == rows
    only = board_client.get(reverse("dashboards:risks"), {"workstream": "frailty", "format": "csv"})
    assert (
        len(list(csv.reader(io.StringIO(only.content.decode())))) - 1
        == Risk.objects.filter(workstream__code="frailty", status="open").count()
    )


def test_a_bad_format_is_a_400(board_client):
    assert board_client.get(reverse("dashboards:risks"), {"format": "pdf"}).status_code == 400


@pytest.mark.parametrize("username", ["pcnlead", "analyst"])
def test_practice_table_download_is_the_table_shown(role_client, username):
    client = role_client(username)
    url = reverse("dashboards:pcn", args=["U84846"])
    page = client.get(url).context["page"]
    rows, cells = _both(client, url)
    assert rows[0] == ["practice", "indicator", "period", "numerator", "denominator", "value"]
    assert len(rows) - 1 == len(page.practice_rows)
    for shown, written in zip(page.practice_rows, rows[1:], strict=True):
        assert written[3] == shown["numerator_display"].replace(",", "")
        assert written[5].replace(",", "") == shown["value"].replace(",", "")
    assert [[_text(c) for c in r] for r in cells] == rows
    if username == "pcnlead":  # under disclosure control: counts rounded to 5 or suppressed
        assert all(r[3] in ("", "*") or int(r[3]) % 5 == 0 for r in rows[1:])


def test_board_members_get_no_practice_download(board_client):
    assert board_client.get(reverse("dashboards:pcn", args=["U84846"]), {"format": "csv"}).status_code == 404
