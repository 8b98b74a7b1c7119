"""SPC and comparison figures for the board's monthly picture (issue 13.3 and 13.4)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboards.figures import (
    MDC_COMMON,
    MDC_CONCERN,
    MDC_IMPROVEMENT,
    SPINE_STYLES,
    breakdown_figure,
    figure_summary,
    spc_figure,
    tick_label,
)
from outcomes.stats.spc import spc


def month_ends(n: int, start: dt.date = dt.date(2021, 1, 31)) -> list[dt.date]:
    out, year, month = [], start.year, start.month
    for _ in range(n):
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        out.append(nxt - dt.timedelta(days=1))
        year, month = nxt.year, nxt.month
    return out


def traces_by_name(fig) -> dict[str, dict]:
    return {t["name"]: t for t in fig["data"]}


def test_special_cause_points_are_coloured_by_type_mdc_orange_blue_grey():
    values = np.array([50.0] * 10 + [40.0] * 10 + [60.0] * 10) + np.tile([0.5, -0.5], 15)
    result = spc(values, improvement="increase", min_points=15)
    fig = spc_figure(month_ends(30), values, result, title="t", y_title="Per cent", unit="%")
    names = traces_by_name(fig)
    assert names["Special cause: concern"]["marker"]["color"] == MDC_CONCERN
    assert names["Special cause: improvement"]["marker"]["color"] == MDC_IMPROVEMENT
    assert names["Value (common cause in grey)"]["marker"]["color"] == MDC_COMMON
    concern_x = set(names["Special cause: concern"]["x"])
    assert concern_x == {d for d, t in zip(month_ends(30), result.point_type, strict=True) if t.endswith("concern")}


def test_below_the_minimum_a_run_chart_says_too_few_points():
    values = np.array([30.0, 28.0, 25.0, 27.0])
    result = spc(values, improvement="decrease", target=20.0, min_points=15)
    assert result.too_few_points and result.variation_icon is None and result.assurance_icon is None
    assert np.isnan(result.upl).all() and set(result.point_type) == {"common_cause"}
    ends = [dt.date(2017, 8, 31), dt.date(2019, 8, 31), dt.date(2022, 8, 31), dt.date(2024, 8, 31)]
    fig = spc_figure(ends, values, result, title="t", y_title="Per cent", unit="%", frequency="biennial")
    names = traces_by_name(fig)
    median = next(t for n, t in names.items() if n.startswith("Median"))
    assert median["y"] == [27.5] * 4
    notes = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "too few points" in notes and "15" in notes
    assert "too few points" in figure_summary(fig)
    assert not any(n.startswith("Special cause") for n in names)


def test_at_the_minimum_the_chart_has_limits():
    values = np.arange(15, dtype=float) % 3
    result = spc(values, min_points=15)
    assert not result.too_few_points and np.isfinite(result.upl).all()


def test_min_points_is_validated():
    with pytest.raises(ValueError, match="min_points"):
        spc([1.0, 2.0], min_points=1)


@pytest.mark.parametrize(
    ("day", "frequency", "label"),
    [
        (dt.date(2024, 3, 31), "annual", "2023/24"),
        (dt.date(2024, 8, 31), "biennial", "2023/24"),  # an academic year, as the pages name it
        (dt.date(2024, 8, 31), "annual", "2023/24"),
        (dt.date(2024, 12, 31), "annual", "2024"),  # a calendar year
        (dt.date(2024, 6, 30), "quarterly", "Jun 2024"),
        (dt.date(2024, 1, 31), "monthly", "Jan 2024"),
    ],
)
def test_tick_labels_follow_the_frequency(day, frequency, label):
    assert tick_label(day, frequency) == label


def test_annual_measures_get_one_tick_per_year_not_monthly_ticks():
    ends = [dt.date(y, 3, 31) for y in range(2016, 2024)]
    values = np.linspace(70, 80, len(ends))
    fig = spc_figure(ends, values, spc(values, min_points=15), title="t", y_title="y", frequency="annual")
    axis = fig["layout"]["xaxis"]
    assert axis["tickmode"] == "array" and len(axis["tickvals"]) == len(ends)
    assert axis["ticktext"][0] == "2015/16" and axis["ticktext"][-1] == "2022/23"


def test_long_monthly_series_are_thinned_but_keep_the_latest_tick():
    ends = month_ends(49)
    values = np.linspace(40, 60, 49)
    fig = spc_figure(ends, values, spc(values, min_points=15), title="t", y_title="y", frequency="monthly")
    axis = fig["layout"]["xaxis"]
    assert len(axis["tickvals"]) <= 12 and axis["ticktext"][-1] == f"{ends[-1]:%b %Y}"


def test_pcn_marks_are_coloured_by_comparison_with_harrow_polarity_aware():
    rows = pd.DataFrame(
        {
            "category": ["A", "B", "C"],
            "value": [60.0, 43.0, 30.0],
            "lower_ci": [55.0, 40.0, 25.0],
            "upper_ci": [65.0, 46.0, 35.0],
        }
    )
    high = breakdown_figure(rows, title="t", y_title="%", benchmark=43.0, polarity="high_is_good", unit="%")
    names = traces_by_name(high)
    assert (
        names["Better than Harrow"]["x"] == ["A"]
        and names["Better than Harrow"]["marker"]["color"] == (SPINE_STYLES["better"][0])
    )
    assert names["Worse than Harrow"]["x"] == ["C"]
    assert names["Similar to Harrow"]["x"] == ["B"]
    labels = [a["text"] for a in high["layout"]["annotations"]]
    assert "Harrow 43.0%" in labels and not any(t.startswith("All persons") for t in labels)
    low = traces_by_name(breakdown_figure(rows, title="t", y_title="%", benchmark=43.0, polarity="low_is_good"))
    assert low["Worse than Harrow"]["x"] == ["A"] and low["Better than Harrow"]["x"] == ["C"]
