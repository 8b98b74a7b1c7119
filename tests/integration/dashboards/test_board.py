"""The board overview shows the five outcome measures with values, comparators, targets and charts."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_board_overview_shows_the_five_outcomes_with_charts(board_client):
    response = board_client.get(reverse("dashboards:board"))
    html = response.content.decode()
    for outcome in range(1, 6):
        assert f"Outcome {outcome}" in html
    figures = re.findall(r'<script type="application/json" id="figure-([A-Z0-9_]+)">(.*?)</script>', html, re.S)
    codes = {code for code, _ in figures}
    assert {
        "OUT1_TOOTH_DECAY",
        "OUT2_GP_ACCESS",
        "OUT3_CARE_EXPERIENCE",
        "OUT4_STAFF_TURNOVER",
        "OUT5_ACSC_ADMISSIONS",
    } <= codes
    for _, payload in figures:
        figure = json.loads(payload)
        assert figure["layout"]["title"]["text"]
        assert figure["layout"]["yaxis"]["title"]["text"]
        assert figure["data"]
    assert "/static/vendor/plotly/plotly.min.js" in html
    assert "cdn" not in html.lower()


def test_tiles_show_latest_value_comparators_and_target_assessment(board_client):
    tiles = {t.indicator.code: t for t in board_client.get(reverse("dashboards:board")).context["tiles"]}
    tooth = tiles["OUT1_TOOTH_DECAY"]
    assert {c.name for c in tooth.comparators} >= {"London", "England"}
    assert tooth.targets[0].target.relative_unit == "percent"
    assert tooth.targets[0].assessment.status in {"met", "on_track", "off_track", "not_met"}
    assert "40.3%" in tooth.targets[0].assessment.reason  # 42.4% less 5% of itself
    acsc = tiles["OUT5_ACSC_ADMISSIONS"]
    assert acsc.latest_period == "Sep 2026"
    assert "NWL" in {c.name for c in acsc.comparators}
    assert "PCNs meet it" in acsc.targets[0].child_summary
    experience = tiles["OUT3_CARE_EXPERIENCE"]
    assert experience.targets[0].target.kind == "baseline"


def test_board_overview_query_count_does_not_grow_with_data(board_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outcomes import actions
    from outcomes.models import Area, Indicator

    with CaptureQueriesContext(connection) as before:
        board_client.get(reverse("dashboards:board"))
    extract = actions.create_extract(file_name="more.csv", content=b"more", format="generic", source="command")
    indicator = Indicator.objects.get(code="OUT3_CARE_EXPERIENCE")
    harrow = Area.objects.get(code="E09000015")
    actions.load_observations(
        extract=extract,
        rows=[
            {
                "indicator_id": indicator.pk,
                "area_id": harrow.pk,
                "period_start": dt.date(y, 4, 1),
                "period_end": dt.date(y + 1, 3, 31),
                "numerator": 600.0,
                "denominator": 1000.0,
                "value": 60.0,
            }
            for y in range(2000, 2020)
        ],
    )
    with CaptureQueriesContext(connection) as after:
        board_client.get(reverse("dashboards:board"))
    assert len(after) == len(before) < 25
