"""Disclosure control on the PCN and indicator pages and in the indicator CSV: counts below borough level are
shown to anyone but analysts as * (1-7) or rounded to 5, and nothing derived from a suppressed count is shown."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from django.urls import reverse

from outcomes.models import Observation, PracticeMembership

from .loading import replace_latest

pytestmark = pytest.mark.django_db

ACSC = "OUT5_ACSC_ADMISSIONS"


def _csv(client, code, area):
    response = client.get(reverse("dashboards:indicator_csv", args=[code, area]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _is_controlled(count: str) -> bool:
    return count in ("", "*") or float(count.replace(",", "")) % 5 == 0


def _practice_in(pcn_code: str, indicator_code: str) -> str:
    """A practice of the PCN with headline data for the indicator in its latest period."""
    practices = PracticeMembership.objects.filter(pcn__code=pcn_code, end__isnull=True).values_list(
        "practice__code", flat=True
    )
    rows = Observation.objects.filter(
        indicator__code=indicator_code, area__code__in=list(practices), is_current=True, breakdown="all"
    )
    latest = rows.order_by("-period_end").first().period_end
    return rows.filter(period_end=latest, numerator__isnull=False).order_by("area__code").first().area.code


def test_pcn_funnel_and_practice_tables_show_nothing_derived_from_a_suppressed_count(role_client):
    practice = _practice_in("U84846", "PERF_DIABETES_9CP")
    replace_latest("PERF_DIABETES_9CP", practice, 5)  # 5 of the practice's patients: suppressed
    page = role_client("pcnlead").get(reverse("dashboards:pcn", args=["U84846"])).context["page"]
    funnel = next(c for c in page.funnels if c.key == "funnel-PERF_DIABETES_9CP")
    hidden = [r for r in funnel.table if r["numerator_display"] == "*" or r["denominator_display"] == "*"]
    assert hidden, "the practice with 5 patients is suppressed"
    for row in hidden:
        assert row["value"] == "*" and row["significance_words"] == "Not shown"
    for row in funnel.table:
        assert _is_controlled(row["numerator_display"]) and _is_controlled(row["denominator_display"])
    table_rows = [r for r in page.practice_rows if r["numerator_display"] == "*"]
    assert table_rows and all(r["value"] == "*" for r in table_rows)


def test_practice_indicator_page_for_the_pcn_lead_hides_values_from_suppressed_counts(role_client, settings):
    settings.SPC_MIN_POINTS = 2  # limits on however few points the practice has, so the mean can be checked
    practice = _practice_in("U84846", ACSC)
    replace_latest(ACSC, practice, 6)
    earlier = replace_latest(ACSC, practice, 3, back=3)
    client = role_client("pcnlead")
    page = client.get(reverse("dashboards:indicator_area", args=[ACSC, practice])).context["page"]
    assert page.latest_text.startswith("*")
    assert all(row["comparison"] == "not compared" for row in page.benchmark_rows)
    table = page.spc_chart.table
    hidden = [r for r in table if r["value"] == "*"]
    assert {r["period_end"] for r in hidden} >= {str(earlier.period_end)} and len(hidden) >= 2
    assert all(r["mean"] == "" and r["upper_process_limit"] == "" for r in hidden)
    # The SPC runs on the values shown: its mean is theirs (no rebasing in demo data).
    shown = np.array([float(r["value"].replace(",", "")) for r in table if r["value"] != "*"])
    mean = float(next(r["mean"] for r in table if r["value"] != "*").replace(",", ""))
    assert mean == pytest.approx(shown.mean(), abs=10**-page.data.indicator.decimal_places)
    assert "not shown" in page.spc_chart.summary
    rows = [r for r in _csv(client, ACSC, practice) if r["section"] == "trend"]
    suppressed = [r for r in rows if r["numerator"] == "*"]
    assert {r["period_end"] for r in suppressed} >= {str(earlier.period_end)}
    assert all(r["value"] == "*" and r["mean"] == "" for r in suppressed)
    assert all(_is_controlled(r["numerator"]) and _is_controlled(r["denominator"]) for r in rows)
    analyst = role_client("analyst").get(reverse("dashboards:indicator_area", args=[ACSC, practice]))
    assert not analyst.context["page"].latest_text.startswith("*")  # analysts see the exact value


def test_pcn_indicator_page_for_a_board_member_is_under_disclosure_control(role_client):
    replace_latest(ACSC, "U60450", 4)
    page = role_client("board").get(reverse("dashboards:indicator_area", args=[ACSC, "U60450"])).context["page"]
    assert page.latest_text.startswith("*")
    assert page.spc_chart.table[-1]["value"] == "*"
    pcn_row = next(r for r in page.pcn_chart.table if r["numerator"] == "*")
    assert pcn_row["value"] == "—"
    trend = [r for r in _csv(role_client("board"), ACSC, "U60450") if r["section"] == "trend"]
    assert trend[-1]["numerator"] == "*" and trend[-1]["value"] == "*"
    assert all(_is_controlled(r["numerator"]) for r in trend)


@pytest.mark.parametrize("username", ["board", "pcnlead", "analyst"])
def test_the_borough_csv_is_what_the_page_shows(role_client, username):
    client = role_client(username)
    page = client.get(reverse("dashboards:indicator", args=[ACSC])).context["page"]
    rows = _csv(client, ACSC, "E09000015")
    sections = {r["section"] for r in rows}
    assert {"trend", "benchmark", "pcn", "breakdown:imd_quintile", "breakdown:age"} <= sections
    below_borough = [r for r in rows if r["section"] == "pcn" or r["section"].startswith("breakdown:")]
    counts = [r[c] for r in below_borough for c in ("numerator", "denominator")]
    if username == "analyst":
        assert any(c not in ("", "*") and float(c) % 5 for c in counts)  # analysts see exact counts
    else:
        assert counts and all(_is_controlled(c) for c in counts)
    # The PCN rows are the page's PCN table.
    pcn_rows = [r for r in rows if r["section"] == "pcn"]
    on_page = [r["numerator"].replace(",", "") for r in page.pcn_chart.table]
    assert [r["numerator"] if r["numerator"] == "*" else f"{float(r['numerator']):.0f}" for r in pcn_rows] == on_page
    # The SPC mean and limits per point, and the slope index of inequality the page draws.
    trend = [r for r in rows if r["section"] == "trend"]
    assert len(trend) == len(page.spc_chart.table)
    assert all(r["mean"] and r["lower_process_limit"] and r["upper_process_limit"] for r in trend)
    imd = [r for r in rows if r["section"] == "breakdown:imd_quintile"]
    assert len(imd) == 5
    if all(r["value"] not in ("", "*") for r in imd):
        assert all(r["sii"] and r["sii_lower_ci"] and r["sii_upper_ci"] for r in imd)
    else:  # a quintile is hidden (ADR 0008): no SII, which would need it
        assert username != "analyst" and not any(r.get("sii") for r in imd)
    # Benchmarks are above borough level and the page shows their values only.
    benchmark = [r for r in rows if r["section"] == "benchmark"]
    assert benchmark and all(r["numerator"] == "" and r["value"] for r in benchmark)


def test_the_slope_index_of_inequality_is_computed_for_rates(role_client):
    # An analyst: for others a quintile may be hidden (ADR 0008), and then no SII is drawn.
    page = role_client("analyst").get(reverse("dashboards:indicator", args=[ACSC])).context["page"]
    assert page.data.indicator.unit == "rate"
    imd = next(c for c in page.breakdown_charts if c.key == "breakdown-imd_quintile")
    assert "slope index of inequality" in imd.summary.lower()


def _places(text: str) -> int:
    return len(text.partition(".")[2])


def test_values_beside_rounded_counts_go_out_at_the_precision_shown(role_client):
    """A full-precision value beside rounded counts gives the exact counts away (see outcomes.disclosure)."""
    client = role_client("pcnlead")
    decimals = Observation.objects.filter(indicator__code=ACSC).first().indicator.decimal_places
    rows = [r for r in _csv(client, ACSC, "U84846") if r["section"] == "trend" and r["value"] not in ("", "*")]
    assert rows and all(_places(r[c]) <= decimals for r in rows for c in ("value", "lower_ci", "upper_ci"))
    analyst = [r for r in _csv(role_client("analyst"), ACSC, "U84846") if r["section"] == "trend"]
    # every download is at the precision the page shows (issue 13.10), analysts' included; their counts are exact
    assert all(_places(r["value"]) == decimals for r in analyst if r["value"] not in ("", "*"))
    assert any(int(r["numerator"]) % 5 for r in analyst if r["numerator"] not in ("", "*"))


def _figure(chart) -> dict:
    import json

    return json.loads(chart.figure_json)


def test_the_funnel_draws_practices_at_their_rounded_counts_for_a_pcn_lead(role_client):
    def funnel(username: str):
        page = role_client(username).get(reverse("dashboards:pcn", args=["U84846"])).context["page"]
        chart = next(c for c in page.funnels if c.key == "funnel-PERF_DIABETES_9CP")
        points = [t for t in _figure(chart)["data"] if t.get("customdata")]
        return [x for t in points for x in t["x"]], [y for t in points for y in t["y"]]

    xs, ys = funnel("pcnlead")
    assert xs and all(x % 5 == 0 for x in xs) and all(round(y, 1) == y for y in ys)
    exact_xs, _ = funnel("analyst")
    assert any(x % 5 for x in exact_xs)  # the demo practices' exact denominators are not all multiples of 5


def test_the_spine_table_shows_the_pcn_and_harrow_and_hides_suppressed_pcn_values(role_client):
    replace_latest("PERF_DIABETES_9CP", "U60450", 4)  # Health Alliance: 4 patients, suppressed
    for username in ("board", "analyst"):
        page = role_client(username).get(reverse("dashboards:pcn", args=["U84846"])).context["page"]
        assert page.spine.headers[:4] == ["Indicator", "Period", "Healthsense", "Harrow"]
        row = next(r for r in page.spine.table if r["indicator"] == "Diabetes 9 care processes")
        assert row["value"] not in ("", "—") and row["benchmark"] not in ("", "—") and row["period"]
        spine = _figure(page.spine)
        range_text = " ".join(t for trace in spine["data"] for t in (trace.get("customdata") or []))
        # Health Alliance's value from 4 patients is in the range of PCNs only when it may be shown.
        if username == "board":
            assert "Range of 4 areas" in range_text
        else:
            assert "Range of 5 areas" in range_text
