"""The JSNA page in the Fingertips style (issue 13.5), read over HTTP by each role: values with units and
intervals, London and England, the comparison with England, the recent trend, indicators awaiting data apart,
and the table as CSV and XLSX with the numbers as shown."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from outcomes.models import Area, Indicator

from .loading import load
from .test_downloads import _as_csv_text, _csv, _xlsx

pytestmark = pytest.mark.django_db
ROLES = ["board", "analyst", "pcnlead"]
COMPARISONS = {"better", "similar", "worse", "higher", "lower", "not compared"}


def _page(client):
    response = client.get(reverse("dashboards:jsna"))
    assert response.status_code == 200
    return response.context["page"], response.content.decode()


def _rows(page) -> dict:
    return {row.indicator.code: row for _, rows in page.stages for row in rows}


@pytest.mark.parametrize("username", ROLES)
def test_every_role_sees_values_with_units_comparators_comparison_and_trend(role_client, username):
    page, html = _page(role_client(username))
    assert [stage for stage, _ in page.stages] == ["Start Well", "Live Well", "Work Well", "Age Well"]
    rows = _rows(page)
    jsna = Indicator.objects.filter(is_jsna=True)
    assert len(rows) + len(page.awaiting) == jsna.count()
    assert sum(page.counts.values()) == jsna.count()
    # Most indicators are compared with England, with London and England for the same period (the demo).
    compared = [r for r in rows.values() if r.comparison != "not compared"]
    assert len(compared) >= 20 and all(r.london and r.england and r.interval for r in compared)
    assert {r.comparison for r in rows.values()} <= COMPARISONS
    for row in rows.values():
        assert row.value.replace(",", "")[0].isdigit()
        unit = row.indicator.unit_suffix
        assert row.value.endswith(unit), (row.indicator.code, row.value)  # never a bare number
        assert f'app-tag--cmp-{row.comparison.replace(" ", "-")}">{row.comparison.capitalize()}<' in html
    neet = rows["JSNA_NEET_16_17"]
    assert re.fullmatch(r"\d+\.\d%", neet.value) and re.fullmatch(r"\d+\.\d to \d+\.\d", neet.interval)
    assert neet.count and neet.trend_marker != "could not be calculated"  # five yearly proportions
    # Trends are tested: some proportions change significantly, rates and life expectancy cannot be.
    markers = {r.trend_marker for r in rows.values()}
    assert {"increasing", "decreasing"} & markers and "could not be calculated" in markers
    assert rows["JSNA_LIFE_EXPECTANCY_MALE"].trend == "Could not be calculated"
    assert rows["JSNA_DIABETES_PREVALENCE"].comparison in {"higher", "lower", "similar"}  # no polarity: blue
    # Awaiting data, apart, with source and expected frequency.
    assert "Awaiting data" in html
    for item in page.awaiting:
        assert item.indicator.code not in rows
        assert f'<td class="nhsuk-table__cell">{item.source}</td>' in html and item.frequency in html
    assert "Download this table" in html and "?format=xlsx" in html


def test_the_comparison_and_trend_follow_the_loaded_data(board_client):
    """Five yearly proportions rising from 10% to 30% (low is good) read "Increasing and getting worse"; England
    below Harrow's interval reads worse. Loaded as a later run of years than the demo's, so they are the latest."""
    indicator = Indicator.objects.get(code="JSNA_OBESITY_RECEPTION")
    assert indicator.polarity == "low_is_good"
    harrow, england = (Area.objects.get(code=c) for c in ("E09000015", "E92000001"))
    rows = []
    for i, share in enumerate((0.10, 0.15, 0.20, 0.25, 0.30)):
        start, end = dt.date(2030 + i, 9, 1), dt.date(2031 + i, 8, 31)
        rows.append(
            {
                "indicator_id": indicator.pk,
                "area_id": harrow.pk,
                "period_start": start,
                "period_end": end,
                "numerator": 3000 * share,
                "denominator": 3000.0,
                "value": share * 100,
                "lower_ci": share * 100 - 1.0,
                "upper_ci": share * 100 + 1.0,
            }
        )
        rows.append(
            {
                "indicator_id": indicator.pk,
                "area_id": england.pk,
                "period_start": start,
                "period_end": end,
                "value": 9.5,
            }
        )
    load(rows)
    page, html = _page(board_client)
    row = _rows(page)["JSNA_OBESITY_RECEPTION"]
    assert row.period == "2034/35 academic year" and row.value == "30.0%" and row.count == "900"
    assert row.england == "9.5%" and row.london == ""  # London has no value for that year
    assert row.comparison == "worse" and row.trend == "Increasing and getting worse"
    assert "Increasing and getting worse" in html


def test_an_indicator_leaves_awaiting_data_when_its_first_value_arrives(board_client):
    page, _ = _page(board_client)
    assert page.awaiting, "the demo leaves some indicators awaiting data"
    waiting = page.awaiting[0].indicator
    harrow = Area.objects.get(code="E09000015")
    load(
        [
            {
                "indicator_id": waiting.pk,
                "area_id": harrow.pk,
                "period_start": dt.date(2024, 4, 1),
                "period_end": dt.date(2025, 3, 31),
                "value": 7.4,
            }
        ]
    )
    page, _ = _page(board_client)
    assert waiting.code in _rows(page) and waiting.code not in {a.indicator.code for a in page.awaiting}
    assert _rows(page)[waiting.code].comparison == "not compared"  # no interval, no England value


@pytest.mark.parametrize("username", ROLES)
def test_the_table_downloads_as_csv_and_xlsx_with_the_numbers_as_shown(role_client, username):
    client = role_client(username)
    page, _ = _page(client)
    body = _csv(client.get(reverse("dashboards:jsna"), {"format": "csv"}))
    header, lines = body[0], body[1:]
    assert header[:5] == ["Life stage", "Indicator", "Period", "Unit", "Harrow"]
    shown = {row.indicator.display_name: row for _, rows in page.stages for row in rows}
    assert len(lines) == len(shown) + len(page.awaiting)
    for line in lines:
        row = shown.get(line[1])
        if row is None:
            assert line[header.index("Compared with England")] == "Awaiting data"
            continue
        decimals = row.indicator.decimal_places
        number = rf"-?\d+\.\d{{{decimals}}}" if decimals else r"-?\d+"
        assert re.fullmatch(number, line[4]), (line[1], line[4])
        assert row.value.startswith(f"{float(line[4]):,.{decimals}f}")  # the number the page shows
        assert line[header.index("Recent trend")] == row.trend
        assert line[header.index("Compared with England")] == row.comparison_words
        assert re.fullmatch(r"\d*", line[header.index("Count")])
    cells = _xlsx(client.get(reverse("dashboards:jsna"), {"format": "xlsx"}))
    assert [[_as_csv_text(c) for c in r] for r in cells] == body
