"""The indicator page for any indicator and area: content, access by role, CSV, commentary (query counts: in
test_pcn_and_jsna_pages.py)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from outcomes.models import Commentary, Indicator, PracticeMembership

pytestmark = pytest.mark.django_db


def url(code: str, area: str | None = None) -> str:
    if area is None:
        return reverse("dashboards:indicator", args=[code])
    return reverse("dashboards:indicator_area", args=[code, area])


@pytest.mark.slow  # every page of its kind, for every role
@pytest.mark.parametrize("username", ["board", "analyst", "pcnlead", "admin"])
def test_every_role_reads_every_outcome_indicator(role_client, username):
    client = role_client(username)
    for indicator in Indicator.objects.filter(partnership_outcome__isnull=False):
        response = client.get(url(indicator.code))
        assert response.status_code == 200, indicator.code
        assert indicator.name in response.content.decode()


def test_the_page_shows_spc_benchmarks_pcns_breakdowns_and_definition(board_client):
    response = board_client.get(url("OUT5_ACSC_ADMISSIONS"))
    page = response.context["page"]
    html = response.content.decode()
    assert page.spc_chart is not None and 'id="figure-spc"' in html
    assert page.variation is not None and "<svg" in html and 'role="img"' in html
    assert [r["area"] for r in page.benchmark_rows] == ["NWL"]
    assert page.pcn_chart is not None and len(page.pcn_chart.table) == 5
    assert {c.key for c in page.breakdown_charts} == {
        "breakdown-age",
        "breakdown-sex",
        "breakdown-ethnicity",
        "breakdown-imd_quintile",
    }
    assert "ambulatory care sensitive" in html.lower() and "Lower is better" in html
    assert page.targets[0].assessment.status in {"off_track", "not_met", "met", "on_track"}


def test_unknown_indicator_or_area_is_404(board_client):
    assert board_client.get(url("NOPE")).status_code == 404
    assert board_client.get(url("OUT5_ACSC_ADMISSIONS", "NOPE")).status_code == 404


def test_the_area_switcher_works_without_javascript(board_client):
    response = board_client.get(url("OUT5_ACSC_ADMISSIONS") + "?area=U89806")
    assert response.status_code == 302 and response.url == url("OUT5_ACSC_ADMISSIONS", "U89806")
    assert board_client.get(response.url).status_code == 200


def test_practice_detail_follows_the_pcn_scope(role_client):
    own = PracticeMembership.objects.filter(pcn__code="U84846", end__isnull=True).first().practice.code
    other = PracticeMembership.objects.filter(pcn__code="U89806", end__isnull=True).first().practice.code
    assert role_client("pcnlead").get(url("OUT5_ACSC_ADMISSIONS", own)).status_code == 200
    assert role_client("pcnlead").get(url("OUT5_ACSC_ADMISSIONS", other)).status_code == 403
    assert role_client("board").get(url("OUT5_ACSC_ADMISSIONS", own)).status_code == 403
    assert role_client("analyst").get(url("OUT5_ACSC_ADMISSIONS", other)).status_code == 200
    # Every role may see PCN-level pages.
    assert role_client("pcnlead").get(url("OUT5_ACSC_ADMISSIONS", "U89806")).status_code == 200


def test_a_practice_in_no_pcn_is_for_analysts_only(role_client):
    import datetime as dt

    membership = PracticeMembership.objects.filter(pcn__code="U84846", end__isnull=True).first()
    PracticeMembership.objects.filter(pk=membership.pk).update(end=dt.date(2020, 3, 31))  # the practice left
    practice = membership.practice.code
    assert role_client("analyst").get(url("OUT5_ACSC_ADMISSIONS", practice)).status_code == 200
    assert role_client("pcnlead").get(url("OUT5_ACSC_ADMISSIONS", practice)).status_code == 403


def _csv(client, code, area):
    response = client.get(reverse("dashboards:indicator_csv", args=[code, area]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_csv_has_what_the_page_shows_with_counts_controlled_below_borough(role_client):
    rows = _csv(role_client("board"), "OUT5_ACSC_ADMISSIONS", "U84846")
    assert {r["section"] for r in rows} >= {"trend", "benchmark"}
    counts = [float(r["numerator"]) for r in rows if r["numerator"] not in ("", "*")]
    assert counts and all(c % 5 == 0 for c in counts)  # rounded to the nearest 5 for non-analysts
    analyst_rows = _csv(role_client("analyst"), "OUT5_ACSC_ADMISSIONS", "U84846")
    assert any(float(r["numerator"]) % 5 for r in analyst_rows if r["numerator"])  # analysts see exact counts


def test_pcn_counts_on_the_page_are_controlled_for_board_members(role_client):
    board = role_client("board").get(url("OUT5_ACSC_ADMISSIONS")).context["page"]
    for row in board.pcn_chart.table:
        assert row["numerator"] == "*" or int(row["numerator"].replace(",", "")) % 5 == 0


def test_analysts_write_commentary_and_others_cannot(role_client):
    analyst = role_client("analyst")
    endpoint = reverse("dashboards:commentary", args=["OUT5_ACSC_ADMISSIONS", "E09000015"])
    response = analyst.post(
        endpoint, {"period_end": "2026-09-30", "text": "Winter pressures eased."}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "Winter pressures eased." in response.content.decode()
    assert Commentary.objects.filter(indicator__code="OUT5_ACSC_ADMISSIONS", author__username="analyst").exists()
    blank = analyst.post(endpoint, {"period_end": "2026-09-30", "text": "  "})
    assert "cannot be blank" in blank.content.decode()
    assert role_client("board").post(endpoint, {"period_end": "2026-09-30", "text": "x"}).status_code == 403
    board_page = role_client("board").get(url("OUT5_ACSC_ADMISSIONS")).content.decode()
    assert "Winter pressures eased." in board_page and "Add commentary" not in board_page


def test_a_band_target_is_drawn_on_the_spc_chart(board_client):
    import json

    page = board_client.get(url("OUT4_STAFF_TURNOVER")).context["page"]
    shapes = json.loads(page.spc_chart.figure_json)["layout"].get("shapes", [])
    assert [(s["y0"], s["y1"]) for s in shapes if s["type"] == "rect"] == [(10.0, 18.4)]


def test_the_benchmark_list_gives_each_value_with_its_interval_and_the_csv_the_comparison(board_client):
    import csv
    import io

    from outcomes.models import Observation

    code = "OUT5_ACSC_ADMISSIONS"
    response = board_client.get(url(code))
    page = response.context["page"]
    indicator = page.data.indicator
    harrow, nwl = (
        Observation.objects.filter(indicator__code=code, area__code=area, breakdown="all", is_current=True)
        .exclude(lower_ci=None)
        .latest("period_end")
        for area in ("E09000015", "QRV")
    )
    assert harrow.period_end == nwl.period_end
    assert page.latest_interval == (
        f"95% CI {indicator.format_value(harrow.lower_ci)} to {indicator.format_value(harrow.upper_ci)}"
    )
    assert page.latest_interval in response.content.decode()
    row = next(r for r in page.benchmark_rows if r["area"] == "NWL")
    assert row["interval"] == f"95% CI {indicator.format_value(nwl.lower_ci)} to {indicator.format_value(nwl.upper_ci)}"
    assert row["interval"] in response.content.decode()
    csv_text = board_client.get(reverse("dashboards:indicator_csv", args=[code, "E09000015"])).content.decode()
    benchmark = [r for r in csv.DictReader(io.StringIO(csv_text)) if r["section"] == "benchmark"]
    assert len(benchmark) == 1
    assert benchmark[0]["lower_ci"] == f"{nwl.lower_ci:.{indicator.decimal_places}f}"  # as the page shows it
    assert benchmark[0]["comparison"] == row["comparison"] and row["comparison"] in ("better", "similar", "worse")


def test_progress_against_the_target_trajectory_is_drawn_and_said(board_client):
    """Tooth decay: a fall of 5 percentage points from 42.4% (Aug 2019) by Mar 2027, so the path ends at 37.4%."""
    import datetime as dt
    import json

    page = board_client.get(url("OUT1_TOOTH_DECAY")).context["page"]
    figure = json.loads(page.spc_chart.figure_json)
    (line,) = [t for t in figure["data"] if t["name"].startswith("Target trajectory")]
    assert line["x"] == ["2019-08-31", "2027-03-31"] and line["y"] == [42.4, pytest.approx(37.4)]
    latest = page.data.series.dropna(subset=["value"]).iloc[-1]
    share = (latest["period_end"] - dt.date(2019, 8, 31)).days / (dt.date(2027, 3, 31) - dt.date(2019, 8, 31)).days
    on_path = 42.4 + (37.4 - 42.4) * share
    words = "ahead of" if latest["value"] <= on_path else "behind"  # lower is better
    assert f"would be at {on_path:.1f}% by {latest['period_end']:%B %Y}" in page.spc_chart.summary
    assert f"it is {words} that path" in page.spc_chart.summary


def test_the_breakdown_tables_name_the_groups_in_words_in_the_charts_order(role_client):
    """The table under a breakdown chart once listed raw codes ("not_stated", "female", "clch", "harrow-council")
    with the age bands sorted as text ("45-64" before "5-17")."""
    tables = {
        c.key: [row["category"] for row in c.table]
        for code in ("OUT5_ACSC_ADMISSIONS", "OUT4_STAFF_TURNOVER")
        for c in role_client("analyst").get(url(code)).context["page"].breakdown_charts
    }
    assert tables["breakdown-age"] == ["0-4", "5-17", "18-44", "45-64", "65-74", "75+"]
    assert tables["breakdown-sex"] == ["Female", "Male"]
    assert "Not stated" in tables["breakdown-ethnicity"] and "not_stated" not in tables["breakdown-ethnicity"]
    assert tables["breakdown-imd_quintile"][0] == "1 (most deprived)"
    assert tables["breakdown-imd_quintile"][-1] == "5 (least deprived)"
    assert tables["breakdown-partner"] == ["CLCH", "CNWL", "Harrow Council", "Harrow Health", "LNWUHT"]
