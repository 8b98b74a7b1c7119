"""SPC as Making Data Count advises (issue 13.3): a run chart below the minimum number of points, a re-base prompt
after a sustained shift for analysts only, and a re-base with its reason that recomputes the limits."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from outcomes.models import SpcRebase

pytestmark = pytest.mark.django_db
HARROW = "E09000015"
TOOTH = "OUT1_TOOTH_DECAY"
NINE_CP = "PERF_DIABETES_9CP"


def page(client, code: str, area: str = HARROW):
    cache.clear()
    response = client.get(reverse("dashboards:indicator_area", args=[code, area]))
    assert response.status_code == 200
    return response


def test_tooth_decay_has_too_few_points_for_limits_or_icons(board_client):
    response = page(board_client, TOOTH)
    p, html = response.context["page"], response.content.decode()
    assert p.spc_chart is not None
    assert p.variation is None and p.assurance is None
    assert "too few points" in p.too_few_points and "too few points" in html
    assert all(r["lower_process_limit"] == "" and r["upper_process_limit"] == "" for r in p.spc_chart.table)
    assert {r["point_type"] for r in p.spc_chart.table} == {"common_cause"}
    figure = json.loads(p.spc_chart.figure_json)
    assert any(t["name"].startswith("Median") for t in figure["data"])
    # Biennial: one tick per period, never monthly ones.
    ticks = figure["layout"]["xaxis"]["ticktext"]
    assert len(ticks) == len(p.spc_chart.table) and all("/" in t or t.isdigit() for t in ticks)


def test_the_minimum_is_a_setting(board_client, settings):
    settings.SPC_MIN_POINTS = 3
    p = page(board_client, TOOTH).context["page"]
    assert not p.too_few_points
    assert any(r["upper_process_limit"] for r in p.spc_chart.table)


def test_nine_care_processes_prompts_analysts_to_rebase(role_client):
    analyst = page(role_client("analyst"), NINE_CP)
    p = analyst.context["page"]
    assert p.shift_since is not None
    html = analyst.content.decode()
    assert f"A sustained shift since {p.shift_since:%B %Y}: consider re-basing" in html
    assert reverse("dashboards:spc_rebase", args=[NINE_CP, HARROW]) in html
    board = page(role_client("board"), NINE_CP).content.decode()
    assert "consider re-basing" not in board and "spc_rebase" not in board and "/rebase/" not in board


def test_only_analysts_may_rebase(role_client):
    url = reverse("dashboards:spc_rebase", args=[NINE_CP, HARROW])
    response = role_client("board").post(url, {"starts": "2024-01-01", "reason": "x"})
    assert response.status_code == 403
    assert not SpcRebase.objects.filter(indicator__code=NINE_CP, area__code=HARROW).exists()


def test_a_rebase_needs_a_reason_and_recomputes_the_limits_shown_on_the_chart(role_client):
    client = role_client("analyst")
    before = page(client, NINE_CP).context["page"]
    starts = before.shift_since
    url = reverse("dashboards:spc_rebase", args=[NINE_CP, HARROW])

    blank = client.post(url, {"starts": starts.isoformat(), "reason": "   "})
    assert blank.status_code == 400 and "Give the reason for re-basing" in blank.content.decode()
    bad = client.post(url, {"starts": "1999-01-01", "reason": "New pathway"})
    assert bad.status_code == 400
    assert not SpcRebase.objects.filter(indicator__code=NINE_CP, area__code=HARROW).exists()

    reason = "Diabetes care processes recorded by the new GP template"
    response = client.post(url, {"starts": starts.isoformat(), "reason": reason})
    assert response.status_code == 302
    assert SpcRebase.objects.get(indicator__code=NINE_CP, area__code=HARROW).reason == reason

    after = page(client, NINE_CP).context["page"]
    groups = {str(r["group"]) for r in after.spc_chart.table}
    assert groups == {"1", "2"}
    assert {r["upper_process_limit"] for r in after.spc_chart.table} != {
        r["upper_process_limit"] for r in before.spc_chart.table
    }
    special = sum(r["point_type"] != "common_cause" for r in after.spc_chart.table)
    assert special < sum(r["point_type"] != "common_cause" for r in before.spc_chart.table)
    figure = json.loads(after.spc_chart.figure_json)
    labels = [a.get("text", "") for a in figure["layout"].get("annotations", [])]
    assert any(label.startswith("Re-based: Diabetes care processes") for label in labels)
    assert reason in after.spc_chart.summary


def test_borough_only_indicators_have_no_pcn_views(board_client):
    response = board_client.get(reverse("dashboards:indicator_area", args=[TOOTH, "U84846"]))
    assert response.status_code == 404
    assert "is not published by primary care network (PCN)" in response.content.decode()
    for code in ("OUT3_CARE_EXPERIENCE", "OUT4_STAFF_SATISFACTION", "OUT4_STAFF_TURNOVER"):
        assert board_client.get(reverse("dashboards:indicator_area", args=[code, "U84846"])).status_code == 404
        response = page(board_client, code)
        assert "HRW-PCN-" not in response.content.decode(), code


def test_the_board_pack_draws_spc_charts_with_point_colours_and_icons():
    import datetime as dt

    from dashboards.board_pack import content
    from dashboards.figures import MDC_COMMON

    pack = content.gather(dt.date(2026, 9, 1))
    figures = {page.tile.indicator.code: page for page in pack.outcomes}
    assert figures and all(page.figure is not None for page in figures.values())
    for code, page in figures.items():
        names = [t["name"] for t in page.figure["data"]]
        assert "Value (common cause in grey)" in names, code
        values = next(t for t in page.figure["data"] if t["name"] == "Value (common cause in grey)")
        assert values["marker"]["color"] == MDC_COMMON
        if "too few points" in page.summary:
            assert page.variation is None and page.assurance is None, code
        else:
            assert page.variation is not None, code
            assert any(n.startswith("Upper process limit") for n in names)
    tooth = figures[TOOTH]
    assert "too few points" in tooth.summary and tooth.variation is None
    html = content.render_html(pack)
    assert "too few points" in html


def test_on_a_pcn_page_the_reference_line_is_harrows_value_and_marks_are_compared_with_it(board_client):
    code, pcn = "OUT5_ACSC_ADMISSIONS", "U84846"
    harrow = page(board_client, code).context["page"]
    pcn_page = page(board_client, code, pcn).context["page"]
    figure = json.loads(pcn_page.pcn_chart.figure_json)
    labels = [a.get("text", "") for a in figure["layout"].get("annotations", [])]
    assert f"Harrow {harrow.latest_text}" in labels, labels
    assert not any(label.startswith("All persons") for label in labels)
    assert pcn_page.latest_text != harrow.latest_text  # the PCN's own value is not the reference
    words = {row["comparison"] for row in pcn_page.pcn_chart.table}
    assert words <= {"Better", "Similar", "Worse", "Not compared"} and words
    # A percentage has intervals from the controlled counts too, so board members see each PCN compared.
    nine = page(board_client, NINE_CP, pcn).context["page"].pcn_chart
    drawn = {t["name"] for t in json.loads(nine.figure_json)["data"]}
    assert drawn & {"Better than Harrow", "Similar to Harrow", "Worse than Harrow"}, drawn
    assert {row["comparison"] for row in nine.table} & {"Better", "Similar", "Worse"}


def test_each_comparator_shows_its_own_period(board_client):
    p = page(board_client, "OUT5_ACSC_ADMISSIONS").context["page"]
    assert p.benchmark_rows and all(row["period"] for row in p.benchmark_rows)
    html = page(board_client, "OUT5_ACSC_ADMISSIONS").content.decode()
    for row in p.benchmark_rows:
        assert row["period"] in html
