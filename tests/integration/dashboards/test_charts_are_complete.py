"""Every chart on every dashboard page has a title, axis titles, a plain-language summary and its numbers as a
table, for people who cannot see it (issue 5, "Also")."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from outcomes.models import Indicator

pytestmark = pytest.mark.django_db


def _charts(page) -> list:
    found = [page.spine, *page.funnels] if hasattr(page, "funnels") else []
    if hasattr(page, "spc_chart"):
        found = [page.spc_chart, page.pcn_chart, *page.breakdown_charts]
    return [c for c in found if c is not None]


def _problems(chart) -> list[str]:
    layout = json.loads(chart.figure_json)["layout"]
    problems = []
    for what, text in (
        ("title", layout.get("title", {}).get("text")),
        ("x axis title", layout.get("xaxis", {}).get("title", {}).get("text")),
        ("y axis title", layout.get("yaxis", {}).get("title", {}).get("text")),
        ("summary", chart.summary),
    ):
        if not text or not str(text).strip():
            problems.append(f"{chart.key}: no {what}")
    if not chart.table or not chart.columns:
        problems.append(f"{chart.key}: no table")
    elif len(chart.headers) != len(chart.columns) or any("_" in h for h in chart.headers):
        problems.append(f"{chart.key}: headers {chart.headers}")
    return problems


def _paths() -> list[str]:
    paths = []
    for indicator in Indicator.objects.filter(partnership_outcome__isnull=False):
        paths.append(reverse("dashboards:indicator", args=[indicator.code]))
        if "pcn" in indicator.levels:  # an indicator published only for the borough has no PCN view (a 404)
            paths.append(reverse("dashboards:indicator_area", args=[indicator.code, "U84846"]))
    return [*paths, reverse("dashboards:pcn", args=["U84846"]), reverse("dashboards:pcn", args=["U89806"])]


@pytest.mark.slow  # every page a role can reach
@pytest.mark.parametrize("username", ["board", "pcnlead", "analyst"])
def test_every_chart_has_a_title_axis_titles_a_summary_and_a_table(role_client, username):
    client = role_client(username)
    seen, problems = 0, []
    for path in _paths():
        response = client.get(path)
        assert response.status_code == 200, path
        for chart in _charts(response.context["page"]):
            seen += 1
            problems += [f"{path} {p}" for p in _problems(chart)]
            assert chart.summary in response.content.decode(), f"{path} {chart.key}: summary not on the page"
    assert seen >= 30, seen
    assert not problems, "\n".join(problems)


def test_every_board_tile_chart_has_a_title_axis_titles_a_summary_and_a_table(board_client):
    response = board_client.get(reverse("dashboards:board"))
    html = response.content.decode()
    for tile in response.context["tiles"]:
        layout = json.loads(tile.figure_json)["layout"]
        assert layout["title"]["text"] and layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]
        assert tile.summary and tile.summary in html
        assert tile.table or tile.latest_text == "No data yet", tile.indicator.code
