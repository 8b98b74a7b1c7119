"""Downloads carry the numbers as the page shows them, and every table with a CSV has an XLSX with the same cells."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from outcomes.models import Indicator

pytestmark = pytest.mark.django_db

ACSC = "OUT5_ACSC_ADMISSIONS"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _xlsx(response) -> list[list]:
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [list(r) for r in sheet.iter_rows()]
    assert all(c.data_type != "f" for r in cells for c in r), "no cell is a formula"
    return cells


def _as_csv_text(cell) -> str:
    """An XLSX cell as the CSV writes it: numbers at their number format's decimals."""
    if cell.value is None:
        return ""
    if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
        decimals = len(cell.number_format.split(".")[1]) if "." in cell.number_format else None
        if decimals is not None:
            return f"{cell.value:.{decimals}f}"
        if cell.number_format == "0":
            return str(int(cell.value))
    return str(cell.value)


@pytest.mark.parametrize("username", ["board", "analyst"])
@pytest.mark.parametrize("area", ["E09000015", "U84846"])
def test_indicator_csv_has_shown_decimals_whole_counts_and_yes_no(role_client, username, area):
    client = role_client(username)
    indicator = Indicator.objects.get(code=ACSC)
    rows = _csv(client.get(reverse("dashboards:indicator_csv", args=[ACSC, area])))
    header, body = rows[0], rows[1:]
    fixed = re.compile(rf"^-?\d+\.\d{{{indicator.decimal_places}}}$")
    for name in ("value", "lower_ci", "upper_ci"):
        column = header.index(name)
        values = [r[column] for r in body if r[column] not in ("", "*")]
        assert values and all(fixed.match(v) for v in values), (name, values[:5])
    for name in ("numerator", "denominator"):
        column = header.index(name)
        assert all(re.fullmatch(r"\d+|\*|", r[column]) for r in body), name
    if "suppressed" in header:
        assert {r[header.index("suppressed")] for r in body} <= {"yes", "no", ""}
    assert not any(v in ("True", "False", "nan") for r in body for v in r)


@pytest.mark.parametrize("username", ["board", "analyst"])
def test_indicator_xlsx_equals_the_csv_for_each_role(role_client, username):
    """Non-analysts' spreadsheet comes from the same controlled frame as their CSV and page."""
    client = role_client(username)
    area = "U84846"
    expected = _csv(client.get(reverse("dashboards:indicator_csv", args=[ACSC, area])))
    cells = _xlsx(client.get(reverse("dashboards:indicator_xlsx", args=[ACSC, area])))
    assert [[_as_csv_text(c) for c in r] for r in cells] == expected
    if username == "board":
        header = expected[0]
        counts = [r[header.index("numerator")] for r in expected[1:]]
        assert all(c in ("", "*") or int(c) % 5 == 0 for c in counts), "controlled counts"


def test_indicator_page_links_both_downloads(board_client):
    page = board_client.get(reverse("dashboards:indicator", args=[ACSC])).content.decode()
    assert reverse("dashboards:indicator_csv", args=[ACSC, "E09000015"]) in page
    assert reverse("dashboards:indicator_xlsx", args=[ACSC, "E09000015"]) in page
