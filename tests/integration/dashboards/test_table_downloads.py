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
    """The value is a number in its own column and its unit in another (it was "46.2%" as text), at the
    indicator's decimals as the page shows it; the PCN's and Harrow's values beside it, numbers too."""
    client = role_client(username)
    url = reverse("dashboards:pcn", args=[_lead_pcn_code()])
    page = client.get(url).context["page"]
    rows, cells = _both(client, url)
    assert rows[0] == [
        "practice",
        "practice_code",
        "indicator",
        "indicator_code",
        "period",
        "period_start",
        "period_end",
        "numerator",
        "denominator",
        "value",
        "unit",
        "pcn_value",
        "harrow_value",
        "comparison_with_harrow",
    ]
    assert len(rows) - 1 == len(page.practice_rows)
    written_values = 0
    for shown, written, row_cells in zip(page.practice_rows, rows[1:], cells[1:], strict=True):
        record = dict(zip(rows[0], written, strict=True))
        assert record["practice"] == shown["practice"] and record["indicator"] == shown["indicator"]
        assert record["numerator"] == shown["numerator_display"].replace(",", "")
        assert record["comparison_with_harrow"] == shown["comparison"]
        for column in ("value", "pcn_value", "harrow_value"):
            on_page = shown[column]
            if on_page in ("*", "—"):
                assert record[column] == ("*" if on_page == "*" else "")
                continue
            # the page's text is the written number, with thousands separators, then the unit
            assert on_page == f"{float(record[column]):,.{len(record[column].split('.')[-1])}f}" + (
                record["unit"] if record["unit"] == "%" else f" {record['unit']}"
            )
            written_values += 1
        value_cell = row_cells[rows[0].index("value")]
        if record["value"] != "*":
            assert isinstance(value_cell.value, (int, float))  # a number in the workbook, not text
    assert written_values
    assert [[_text(c) for c in r] for r in cells] == rows
    if username == "pcnlead":  # under disclosure control: counts rounded to 5 or suppressed
        assert all(r[7] in ("", "*") or int(r[7]) % 5 == 0 for r in rows[1:])


def _lead_pcn_code() -> str:
    """The demo PCN lead's PCN, from their profile (PCN codes are not fixed in tests)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="pcnlead").profile.pcn.code


def test_board_members_get_no_practice_download(board_client):
    assert board_client.get(reverse("dashboards:pcn", args=[_lead_pcn_code()]), {"format": "csv"}).status_code == 404
