"""Partial coverage is said wherever a derived value is shown (tile, chart, tables, CSV, pack), and an analyst can
accept a held-back value from the extract's page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pandas as pd
import pytest
from django.db.models import F, Q
from django.urls import reverse

from outcomes import actions, coverage
from outcomes.models import CoverageAcceptance, Extract, Indicator, Observation, PracticeMembership
from outcomes.selectors import HARROW_CODE

pytestmark = pytest.mark.django_db
CODE = "OUT5_ACSC_ADMISSIONS"


def _next_period(indicator: Indicator) -> tuple[dt.date, dt.date, list[dict]]:
    """The period after the indicator's latest practice period, and that period's practice rows to copy."""
    rows = Observation.objects.filter(indicator=indicator, area__level="practice", breakdown="all", is_current=True)
    latest = rows.latest("period_end")
    months = (latest.period_end.year - latest.period_start.year) * 12 + latest.period_end.month
    months -= latest.period_start.month - 1
    start = latest.period_end + dt.timedelta(days=1)
    end = (pd.Timestamp(start) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()
    source = list(rows.filter(period_end=latest.period_end).values("area_id", "numerator", "denominator"))
    return start, end, source


def _load_partial(indicator: Indicator, *, keep: int | None = None, drop: int = 1) -> tuple[Extract, dt.date, int]:
    """A loaded extract for the next period with rows from all members but ``drop`` (or only ``keep`` of them)."""
    start, end, source = _next_period(indicator)
    members = set(
        PracticeMembership.objects.filter(Q(end__isnull=True) | Q(end__gt=end), start__lte=end).values_list(
            "practice_id", flat=True
        )
    )
    source = sorted((r for r in source if r["area_id"] in members), key=lambda r: r["area_id"])
    chosen = source[:keep] if keep is not None else source[drop:]
    extract = actions.create_extract(file_name="partial.csv", content=b"partial", format="generic", source="command")
    rows = [r | {"indicator_id": indicator.pk, "period_start": start, "period_end": end, "value": None} for r in chosen]
    result = actions.load_observations(extract=extract, rows=rows)
    warnings = []
    result += actions.derive_rollups(
        indicator=indicator, extract=extract, period_ends=[end], on_warning=warnings.append
    )
    actions.finish_extract(
        extract=extract,
        status=Extract.Status.LOADED,
        result=result,
        rows_read=len(rows),
        warnings=[w.as_dict() for w in warnings],
    )
    return extract, end, len(members)


def test_a_partial_borough_value_is_caveated_on_the_page_chart_table_csv_and_tile(board_client, settings):
    settings.ROLLUP_MIN_COVERAGE = 0.5
    indicator = Indicator.objects.get(code=CODE)
    extract, end, members = _load_partial(indicator)
    words = f"Covers {members - 1} of {members} practices ("
    assert any(w["code"] == "rollup_members_missing" for w in extract.warnings)

    response = board_client.get(reverse("dashboards:indicator", args=[CODE]))
    page = response.context["page"]
    assert page.latest_coverage.startswith(words) and "of the denominator)" in page.latest_coverage
    assert page.latest_coverage in response.content.decode()
    figure = json.loads(page.spc_chart.figure_json)
    rings = [t for t in figure["data"] if t.get("name") == "Partial coverage"]
    assert len(rings) == 1 and rings[0]["customdata"] == [page.latest_coverage]
    assert any("Hollow rings" in a["text"] for a in figure["layout"]["annotations"])
    assert page.spc_chart.table[-1]["coverage"] == page.latest_coverage
    assert page.spc_chart.table[0]["coverage"] == "All practices"

    csv_text = board_client.get(reverse("dashboards:indicator_csv", args=[CODE, HARROW_CODE])).content.decode()
    trend = [r for r in csv.DictReader(io.StringIO(csv_text)) if r["section"] == "trend"]
    assert trend[-1]["period_end"] == str(end) and trend[-1]["coverage"] == page.latest_coverage
    assert trend[0]["coverage"] == ""

    from dashboards.board import board_tiles

    _, tiles = board_tiles(end + dt.timedelta(days=1))
    tile = next(t for t in tiles if t.indicator.code == CODE)
    assert tile.latest_caveat == page.latest_coverage and tile.table_has_coverage
    assert "Partial coverage" in tile.figure_json and tile.table[-1]["coverage"] == page.latest_coverage
    board = board_client.get(reverse("dashboards:board")).content.decode()
    assert page.latest_coverage in board


def test_full_coverage_says_nothing(board_client):
    response = board_client.get(reverse("dashboards:indicator", args=[CODE]))
    page = response.context["page"]
    assert page.latest_coverage == "" and "Partial coverage" not in page.spc_chart.figure_json
    assert "coverage" not in page.spc_chart.columns


def test_an_analyst_accepts_a_held_back_value_from_the_extract_page(role_client, settings):
    settings.ROLLUP_MIN_COVERAGE = 0.95
    indicator = Indicator.objects.get(code=CODE)
    extract, end, _ = _load_partial(indicator, keep=2)
    assert not Observation.objects.filter(
        indicator=indicator, period_end=end, is_derived=True, is_current=True, value__isnull=False
    ).exists()
    analyst = role_client("analyst")
    page = analyst.get(reverse("dashboards:extract", args=[extract.pk]))
    held = page.context["held_back"]
    borough = next(h for h in held if h.area.code == HARROW_CODE)
    assert "Held back for coverage" in page.content.decode() and "Accept with reason" in page.content.decode()
    assert borough.caveat.startswith("Covers 2 of ")

    accept = reverse("dashboards:extract_accept_coverage", args=[extract.pk])
    refused = analyst.post(accept, {"key": borough.key, "reason": "  "})
    assert refused.status_code == 400 and not CoverageAcceptance.objects.exists()
    assert analyst.post(accept, {"key": "1:2:2000-01-31", "reason": "x"}).status_code == 400

    done = analyst.post(accept, {"key": borough.key, "reason": "Two practices piloted the scheme"})

    assert done.status_code == 302
    acceptance = CoverageAcceptance.objects.get()
    assert acceptance.area.code == HARROW_CODE and acceptance.accepted_by.username == "analyst"
    derived = Observation.objects.get(
        indicator=indicator, area__code=HARROW_CODE, period_end=end, breakdown="all", is_current=True
    )
    assert derived.value is not None and derived.covered_practices == 2
    assert coverage.caveat(2, derived.member_practices, derived.coverage_share, derived.coverage_basis)
    after = analyst.get(reverse("dashboards:extract", args=[extract.pk])).context["held_back"]
    assert borough.key not in {h.key for h in after}


def test_only_analysts_accept_coverage(role_client, settings):
    settings.ROLLUP_MIN_COVERAGE = 0.95
    extract, _, _ = _load_partial(Indicator.objects.get(code=CODE), keep=2)
    accept = reverse("dashboards:extract_accept_coverage", args=[extract.pk])
    assert role_client("board").post(accept, {"key": "x", "reason": "y"}).status_code == 403
    assert role_client("analyst").get(accept).status_code == 405


def test_the_pcn_page_says_when_its_value_covers_only_some_practices(role_client, settings):
    settings.ROLLUP_MIN_COVERAGE = 0.5
    indicator = Indicator.objects.get(code=CODE)
    extract, _, _ = _load_partial(indicator)
    partial = Observation.objects.filter(member_practices__gt=F("covered_practices"))
    row = partial.get(extract=extract, is_derived=True, area__level="pcn", breakdown="all")
    page = role_client("analyst").get(reverse("dashboards:pcn", args=[row.area.code])).context["page"]
    caveats = {r["indicator"]: r.get("coverage") for r in page.spine.table}
    assert caveats[indicator.display_name].startswith(f"Covers {row.covered_practices} of {row.member_practices}")
    assert "coverage" in page.spine.columns
