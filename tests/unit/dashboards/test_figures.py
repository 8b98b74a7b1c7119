"""Figure builders for the indicator and PCN pages: titles and axis titles, SPC colours from a real shifted series,
funnel limits straight from the funnel module, spine normalisation, breakdown order. Pure: no database."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboards import figures
from dashboards.figures import (
    MDC_COMMON,
    MDC_CONCERN,
    MDC_IMPROVEMENT,
    MDC_NEUTRAL,
    breakdown_table,
    figure_json,
    figure_summary,
    funnel_table,
    spc_table,
    spine_table,
)
from outcomes.stats.benchmark import compare_to_benchmark
from outcomes.stats.funnel import funnel_limits, funnel_significance
from outcomes.stats.inequality import sii
from outcomes.stats.spc import spc


def _validated(build):
    """The builder's dict as a plotly Figure: plotly's schema refuses any unknown property or bad value."""

    def wrapped(*args, **kwargs) -> go.Figure:
        spec = build(*args, **kwargs)
        assert isinstance(spec, dict) and set(spec) == {"data", "layout"}
        return go.Figure(spec)

    return wrapped


breakdown_figure, funnel_figure, spc_figure, spine_figure, trend_figure = (
    _validated(getattr(figures, name))
    for name in ("breakdown_figure", "funnel_figure", "spc_figure", "spine_figure", "trend_figure")
)


# A monthly series with one real upward shift: 15 points around 50, then 15 around 60 (deterministic).
BASE = [50, 52, 49, 51, 50, 48, 52, 51, 49, 50, 51, 49, 52, 50, 48]
SHIFTED = BASE + [v + 10 for v in BASE]
DATES = pd.date_range("2022-01-31", periods=len(SHIFTED), freq="ME")


def _titles(fig: go.Figure) -> tuple[str, str, str]:
    layout = fig.layout
    return layout.title.text, layout.xaxis.title.text, layout.yaxis.title.text


def _trace(fig: go.Figure, name: str):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def _annotations(fig: go.Figure) -> str:
    return " ".join(a.text for a in fig.layout.annotations)


# ---------------------------------------------------------------------------------------------------- SPC


@pytest.mark.parametrize(
    ("improvement", "late", "early"),
    [
        ("increase", ("Special cause: improvement", MDC_IMPROVEMENT), ("Special cause: concern", MDC_CONCERN)),
        ("decrease", ("Special cause: concern", MDC_CONCERN), ("Special cause: improvement", MDC_IMPROVEMENT)),
    ],
)
def test_spc_special_cause_colours_follow_the_improvement_direction(improvement, late, early):
    result = spc(SHIFTED, improvement=improvement)
    fig = spc_figure(DATES, SHIFTED, result, title="Test", y_title="Per cent (%)", improvement=improvement)
    assert _titles(fig) == ("Test", "Period ending", "Per cent (%)")
    table = spc_table(DATES, result)
    for (name, colour), half in ((late, table.index >= 15), (early, table.index < 15)):
        trace = _trace(fig, name)
        assert trace.marker.color == colour
        expected = table[(table["point_type"] != "common_cause") & half]
        assert not expected.empty
        # Every special-cause point of this half is in the trace (the shift makes both halves special cause).
        assert set(pd.to_datetime(trace.x)) >= set(expected["period_end"])
        assert np.allclose(
            sorted(trace.y), sorted(table.loc[table["period_end"].isin(pd.to_datetime(trace.x)), "value"])
        )
    values = _trace(fig, "Value (common cause in grey)")
    assert values.marker.color == MDC_COMMON
    assert any("Special cause variation: improvement" in m for m in values.customdata)
    assert any("run of 7 or more points" in m for m in values.customdata)


def test_spc_neutral_points_are_purple():
    result = spc(SHIFTED, improvement="neutral")
    fig = spc_figure(DATES, SHIFTED, result, title="T", y_title="Count (people)")
    assert _trace(fig, "Special cause: neither improvement nor concern").marker.color == MDC_NEUTRAL


def test_spc_limits_mean_target_and_rebase():
    result = spc(SHIFTED, improvement="increase", target=55, rebase_at=[15])
    fig = spc_figure(DATES, SHIFTED, result, title="T", y_title="Per cent (%)", unit="%")
    mean = _trace(fig, "Mean")
    upper = _trace(fig, "Upper process limit")
    assert upper.line.dash == "dash" and _trace(fig, "Lower process limit").line.dash == "dash"
    # One segment per group, with a gap (None) between them.
    assert list(mean.y).count(None) == 1
    first, second = result.groups
    assert mean.y[0] == pytest.approx(first.mean) and mean.y[-1] == pytest.approx(second.mean)
    assert upper.y[-1] == pytest.approx(second.upl)
    assert list(_trace(fig, "Target (55.0%)").y) == [55, 55]
    rebase_lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(rebase_lines) == 1 and pd.Timestamp(rebase_lines[0].x0) == DATES[15]
    assert "Rebased" in _annotations(fig)
    # 15 points per group: no too-few-points note.
    assert "Fewer than" not in _annotations(fig)
    assert "Assurance" in figure_summary(fig.to_dict())


def test_spc_target_band_is_shaded_and_labelled():
    result = spc(SHIFTED, improvement="decrease")
    fig = spc_figure(DATES, SHIFTED, result, title="T", y_title="Per cent (%)", unit="%", band=(10, 18.4))
    band = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(band) == 1 and (band[0].y0, band[0].y1) == (10, 18.4) and band[0].xref == "x domain"
    assert "Target band 10.0% to 18.4%" in _annotations(fig)
    assert not [s for s in spc_figure(DATES, SHIFTED, result, title="T", y_title="Y").layout.shapes if s.type == "rect"]


def test_spc_target_trajectory_is_a_dotted_line_from_the_start_to_the_target_at_the_due_date():
    import datetime as dt

    result = spc(SHIFTED, improvement="increase")
    path = ((dt.date(2021, 12, 31), 50.0), (dt.date(2025, 3, 31), 70.0))
    fig = spc_figure(DATES, SHIFTED, result, title="T", y_title="Per cent (%)", unit="%", trajectory=path)
    line = _trace(fig, "Target trajectory (to 70.0% by Mar 2025)")
    assert list(line.x) == [dt.date(2021, 12, 31), dt.date(2025, 3, 31)] and list(line.y) == [50.0, 70.0]
    assert line.line.dash == "dot"


def test_spc_too_few_points_note():
    values = SHIFTED[:10]
    result = spc(values, improvement="increase")
    assert any("at least 13" in w for w in result.warnings)
    fig = spc_figure(DATES[:10], values, result, title="T", y_title="Per cent (%)")
    assert "Fewer than 13 points" in _annotations(fig)
    assert "provisional" in figure_summary(fig.to_dict())


def test_spc_refuses_mismatched_inputs_and_handles_empty():
    result = spc(SHIFTED, improvement="increase")
    with pytest.raises(ValueError, match="not the series"):
        spc_figure(DATES, SHIFTED[::-1], result, title="T", y_title="Y")
    with pytest.raises(ValueError, match="differs"):
        spc_figure(DATES, SHIFTED, result, title="T", y_title="Y", improvement="decrease")
    empty = spc([], improvement="increase")
    fig = spc_figure([], [], empty, title="T", y_title="Y")
    assert "No data" in _annotations(fig) and fig.layout.title.text == "T"


# ---------------------------------------------------------------------------------------------------- funnel


def _practices() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    denominators = rng.integers(1500, 12000, 20)
    numerators = rng.binomial(denominators, 0.3)
    frame = pd.DataFrame(
        {"code": [f"P{i:02d}" for i in range(20)], "name": [f"Practice {i}" for i in range(20)]}
    ).assign(numerator=numerators, denominator=denominators)
    frame.loc[0, "numerator"] = int(frame.loc[0, "denominator"] * 0.42)  # far above
    frame.loc[1, "numerator"] = int(frame.loc[1, "denominator"] * 0.18)  # far below
    return frame


def test_funnel_limits_equal_the_funnel_module():
    frame = _practices()
    fig = funnel_figure(frame, title="F", x_title="Registered patients (count)", y_title="Per cent (%)")
    assert _titles(fig) == ("F", "Registered patients (count)", "Per cent (%)")
    expected = funnel_limits(frame["numerator"], frame["denominator"], statistic="proportion", multiplier=100)
    for level, label in (("2s", "95%"), ("3s", "99.8%")):
        for side in ("lower", "upper"):
            trace = _trace(fig, f"{label} lower limit" if side == "lower" else f"{label} limits")
            np.testing.assert_array_equal(trace.x, expected["Population"])
            np.testing.assert_array_equal(trace.y, expected[f"{side}_{level}_limit"])
    baseline = next(t for t in fig.data if t.name.startswith("Average"))
    assert baseline.y[0] == pytest.approx(expected["baseline"].iloc[0])


def test_funnel_outliers_are_named_and_match_significance():
    frame = _practices()
    fig = funnel_figure(frame, title="F", x_title="Patients (count)", y_title="Per cent (%)", highlight="P05")
    labels = funnel_significance(frame["numerator"], frame["denominator"], statistic="proportion")
    assert labels[0] == "High (0.001)" and labels[1] == "Low (0.001)"
    above = _trace(fig, "Above the 99.8% limit")
    below = _trace(fig, "Below the 99.8% limit")
    assert list(above.text) == ["Practice 0"] and list(below.text) == ["Practice 1"]
    assert above.marker.symbol == "triangle-up" and below.marker.symbol == "triangle-down"
    named = [name for t in fig.data if t.mode == "markers+text" and "selected" not in t.name for name in t.text]
    outliers = frame.loc[[lab != "Not significant" for lab in labels], "name"]
    assert sorted(named) == sorted(outliers)
    assert _trace(fig, "Practice 5 (selected)").marker.symbol == "circle-open"
    assert "Practice 0" in figure_summary(fig.to_dict()) and "Practice 1" in figure_summary(fig.to_dict())


def test_funnel_hides_units_with_suppressed_counts_and_draws_everything_from_the_controlled_counts():
    frame = pd.concat(
        [_practices(), pd.DataFrame({"code": ["TINY"], "name": ["Tiny"], "numerator": [3], "denominator": [900]})],
        ignore_index=True,
    )
    fig = funnel_figure(
        frame, title="F", x_title="Patients (count)", y_title="Per cent (%)", suppress_small_counts=True
    )
    plotted = [row[0] for t in fig.data if t.customdata is not None for row in t.customdata]
    assert "Tiny" not in plotted
    assert "1 unit not shown" in _annotations(fig)
    # The limits use only the controlled (rounded) counts of the units shown: limits from the exact counts would
    # give the exact total away. They are drawn a decimal place finer than the values (1 by default).
    shown = frame[frame["name"] != "Tiny"]
    rounded = [np.floor(shown[c] / 5 + 0.5) * 5 for c in ("numerator", "denominator")]
    expected = funnel_limits(*rounded, statistic="proportion", multiplier=100)
    np.testing.assert_array_equal(_trace(fig, "95% limits").y, np.round(expected["upper_2s_limit"], 2))
    exact = funnel_limits(frame["numerator"], frame["denominator"], statistic="proportion", multiplier=100)
    assert not np.array_equal(np.round(exact["upper_2s_limit"], 2), np.round(expected["upper_2s_limit"], 2))
    units, _ = funnel_table(frame, suppress_small_counts=True)
    assert set(units["numerator_display"]) >= {"*"}
    assert all(d == "*" or int(d.replace(",", "")) % 5 == 0 for d in units["numerator_display"])
    # Units are drawn at their rounded denominators with values to one decimal place, never at exact counts.
    points = [t for t in fig.data if t.customdata is not None]
    xs = [x for t in points for x in t.x]
    ys = [y for t in points for y in t.y]
    assert xs and all(x % 5 == 0 for x in xs)
    assert all(round(y, 1) == y for y in ys)
    exact = dict(zip(frame["name"], frame["denominator"], strict=True))
    assert any(exact[row[0]] % 5 for t in points for row in t.customdata)  # the check above has teeth
    assert fig.layout.xaxis.range[1] == 1.05 * max(xs)  # the axis from the drawn units only


def test_an_analyst_funnel_is_drawn_at_the_exact_counts():
    frame = _practices()
    fig = funnel_figure(frame, title="F", x_title="Patients (count)", y_title="Per cent (%)")
    within = _trace(fig, "Within the 95% limits")
    rows = frame.set_index("name").loc[[row[0] for row in within.customdata]]
    np.testing.assert_array_equal(within.x, rows["denominator"])
    np.testing.assert_allclose(within.y, rows["numerator"] / rows["denominator"] * 100)


def test_funnel_rate_statistic():
    frame = _practices()
    fig = funnel_figure(
        frame, title="F", x_title="Population (people)", y_title="Rate per 1,000", statistic="rate", multiplier=1000
    )
    rate = frame["numerator"] / frame["denominator"] * 1000
    expected = funnel_limits(
        frame["numerator"],
        frame["denominator"],
        statistic="rate",
        multiplier=1000,
        rate=rate,
        rate_type="crude",
        years_of_data=1,
    )
    trace = _trace(fig, "99.8% limits")  # the upper line, which carries the level's one legend entry
    np.testing.assert_allclose(trace.y, expected["upper_3s_limit"])
    np.testing.assert_allclose(trace.x, expected["upper_3s_population_1_year"])
    np.testing.assert_allclose(_trace(fig, "99.8% lower limit").y, expected["lower_3s_limit"])


def test_a_funnel_legend_names_each_level_of_limits_once_for_both_its_lines():
    """A legend entry "95% upper limit" stood for the lower line too (one entry per level, toggling both)."""
    frame = pd.DataFrame(
        {"name": list("ABCDE"), "numerator": [5, 9, 12, 20, 30], "denominator": [50, 80, 90, 150, 200]}
    )
    fig = funnel_figure(frame, title="F", x_title="Patients (count)", y_title="Per cent (%)")
    limits = [t for t in fig.data if t.legendgroup in ("95%", "99.8%")]
    assert [t.name for t in limits if t.showlegend] == ["99.8% limits", "95% limits"]
    for level in ("95%", "99.8%"):
        lines = [t for t in limits if t.legendgroup == level]
        assert len(lines) == 2 and {("upper" in t.hovertemplate) for t in lines} == {True, False}


# ---------------------------------------------------------------------------------------------------- spine


def _spine_frame() -> pd.DataFrame:
    rows = []
    data = {
        ("Diabetes care processes", "high_is_good", "%"): [70.0, 60.0, 50.0, 65.0, 55.0],
        ("ACSC admissions", "low_is_good", "per 1,000"): [9.0, 12.0, 10.0, 14.0, 11.0],
        ("Aged 65 and over", "no_judgement", "%"): [15.0, 15.0, 15.0, 15.0, 15.0],
    }
    benchmark = {"Diabetes care processes": 60.0, "ACSC admissions": 11.5, "Aged 65 and over": 15.0}
    for (indicator, polarity, unit), values in data.items():
        for i, value in enumerate(values):
            rows.append(
                {
                    "indicator": indicator,
                    "area": f"PCN {i}",
                    "role": "focus" if i == 0 else "comparison",
                    "value": value,
                    "lower_ci": value - 1,
                    "upper_ci": value + 1,
                    "polarity": polarity,
                    "unit": unit,
                }
            )
        rows.append(
            {
                "indicator": indicator,
                "area": "Harrow",
                "role": "benchmark",
                "value": benchmark[indicator],
                "polarity": polarity,
                "unit": unit,
            }
        )
    return pd.DataFrame(rows)


def test_spine_normalisation_min_0_max_1():
    table = spine_table(_spine_frame()).set_index("indicator")
    diabetes = table.loc["Diabetes care processes"]
    assert (diabetes["minimum"], diabetes["maximum"]) == (50.0, 70.0)
    assert diabetes["min_position"] == 0 and diabetes["max_position"] == 1
    assert diabetes["value_position"] == 1.0  # the focus PCN has the highest value
    assert diabetes["benchmark_position"] == pytest.approx((60 - 50) / 20)
    assert (diabetes["iqr_start"], diabetes["iqr_end"]) == pytest.approx(((55 - 50) / 20, (65 - 50) / 20))
    # Lower is better: the range still spans 0..1, oriented so that the lowest (best) value sits at 1.
    acsc = table.loc["ACSC admissions"]
    assert {acsc["min_position"], acsc["max_position"]} == {0.0, 1.0}
    assert acsc["value_position"] == 1.0 and acsc["minimum"] == 9.0
    # No spread at all: everything in the middle.
    assert table.loc["Aged 65 and over", "value_position"] == 0.5


def test_spine_comparison_uses_benchmark_semantics_with_polarity():
    frame = _spine_frame()
    table = spine_table(frame).set_index("indicator")
    assert table.loc["Diabetes care processes", "comparison"] == "better"
    assert (
        table.loc["ACSC admissions", "comparison"]
        == compare_to_benchmark(9.0, 8.0, 10.0, 11.5, polarity="low_is_good")
        == "better"
    )
    assert table.loc["Aged 65 and over", "comparison"] == "similar"


def test_spine_figure_traces_and_titles():
    fig = spine_figure(_spine_frame(), title="PCN 0 against Harrow PCNs")
    title, x_title, y_title = _titles(fig)
    assert title == "PCN 0 against Harrow PCNs" and x_title and y_title == "Indicator"
    full = _trace(fig, "Range of areas (lowest to highest)")
    assert list(full.base) == [0, 0, 0.5]  # every range starts at 0 ...
    assert list(full.x) == [1, 1, 0]  # ... and ends at 1 (no spread: a point in the middle)
    better = _trace(fig, "PCN 0: Better than Harrow")
    assert better.marker.symbol == "circle" and len(better.x) == 2
    assert "70.0%" in better.customdata[0] and "Harrow" in better.customdata[0]
    assert "per 1,000" in better.customdata[1]
    assert "2 better" in figure_summary(fig.to_dict())


def test_spine_figure_draws_the_table_it_is_given_as_the_one_it_would_compute():
    """A caller holding `spine_table(frame)` (the PCN page) passes it rather than computing it twice."""
    frame = _spine_frame()
    table = spine_table(frame)
    given = figures.spine_figure(frame, title="PCN 0", table=table)
    assert figure_json(given) == figure_json(figures.spine_figure(frame, title="PCN 0"))
    moved = table.assign(value_position=table["value_position"] * 0 + 0.25)
    assert figure_json(figures.spine_figure(frame, title="PCN 0", table=moved)) != figure_json(given)  # the table given


def test_spine_refuses_bad_frames():
    frame = _spine_frame()
    with pytest.raises(ValueError, match="lacks"):
        spine_table(frame.drop(columns=["role"]))
    with pytest.raises(ValueError, match="exactly one focus"):
        spine_table(frame.assign(role="comparison"))


# ---------------------------------------------------------------------------------------------------- breakdowns


def _imd() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "breakdown": "imd_quintile",
            "category": ["3", "5", "1", "4", "2"],
            "value": [30.0, 25.0, 40.0, 28.0, 35.0],
            "lower_ci": [27.0, 22.0, 37.0, 25.0, 32.0],
            "upper_ci": [33.0, 28.0, 43.0, 31.0, 38.0],
            "population": [2000, 1500, 1000, 2500, 3000],
        }
    )


def test_breakdown_orders_imd_quintiles_1_to_5():
    fig = breakdown_figure(_imd(), title="By deprivation", y_title="Per cent (%)")
    title, x_title, y_title = _titles(fig)
    assert title == "By deprivation" and "IMD" in x_title and y_title == "Per cent (%)"
    points = fig.data[0]
    assert [label[0] for label in points.x] == ["1", "2", "3", "4", "5"]
    assert list(points.y) == [40.0, 35.0, 30.0, 28.0, 25.0]
    assert list(fig.layout.xaxis.categoryarray) == list(points.x)
    np.testing.assert_allclose(points.error_y.array, [3, 3, 3, 3, 3])
    np.testing.assert_allclose(points.error_y.arrayminus, [3, 3, 3, 3, 3])


def test_breakdown_with_sii_line_on_the_ranked_population():
    frame = _imd()
    ordered = frame.sort_values("category")
    result = sii(
        ordered["category"].astype(int),
        ordered["population"],
        ordered["value"],
        lower_cl=ordered["lower_ci"],
        upper_cl=ordered["upper_ci"],
        repetitions=1000,
        seed=3,
    )
    fig = breakdown_figure(frame, title="T", y_title="Per cent (%)", sii_result=result, unit="%")
    points, line = fig.data[0], fig.data[1]
    share = ordered["population"].to_numpy() / ordered["population"].sum()
    np.testing.assert_allclose(points.x, np.cumsum(share) - share / 2)
    assert fig.layout.xaxis.ticktext[0] == "1 (most deprived)"
    assert list(line.x) == [0, 1]
    assert line.y[0] == pytest.approx(result.intercept)
    assert line.y[1] == pytest.approx(result.intercept + result.sii)
    assert line.name.startswith("Slope index of inequality")
    assert "slope index of inequality" in figure_summary(fig.to_dict())


def test_breakdown_age_order_missing_values_and_sii_refusal():
    frame = pd.DataFrame(
        {
            "breakdown": "age",
            "category": ["75+", "0-4", "18-44", "5-17", "45-64", "65-74"],
            "value": [5.0, 1.0, 2.0, np.nan, 3.0, 4.0],
        }
    )
    assert list(breakdown_table(frame)["category"]) == ["0-4", "5-17", "18-44", "45-64", "65-74", "75+"]
    fig = breakdown_figure(frame, title="By age", y_title="Rate per 1,000 people")
    assert fig.layout.xaxis.title.text == "Age band (years)"
    assert "No value shown for 5-17" in _annotations(fig)
    with pytest.raises(ValueError, match="deprivation"):
        breakdown_figure(frame, title="T", y_title="Y", sii_result=sii(None, [1] * 5, [1, 2, 3, 4, 5]))
    sexes = pd.DataFrame({"breakdown": "sex", "category": ["male", "female"], "value": [1.0, 2.0]})
    assert list(breakdown_figure(sexes, title="T", y_title="Y").data[0].x) == ["Male", "Female"]


# ---------------------------------------------------------------------------------------------------- existing builders


def test_existing_builders_unchanged():
    series = pd.DataFrame({"period_end": DATES[:3], "value": [1.0, 2.0, 3.0]})
    fig = trend_figure(series, title="Trend", y_title="Per cent (%)", area_name="Harrow")
    assert _titles(fig) == ("Trend", "Period ending", "Per cent (%)")


def test_partial_coverage_points_are_ringed_with_the_caveat_on_hover_and_a_note():
    dates = list(pd.date_range("2024-01-31", periods=4, freq="ME").date)
    values = [1.0, 2.0, 3.0, 4.0]
    fig = figures.trend_figure(
        pd.DataFrame({"period_end": dates, "value": values}), title="T", y_title="Y", area_name="Harrow"
    )
    caveats = ["", "Covers 27 of 29 practices (93% of the denominator)", "", "Covers 5 of 6 practices"]
    figures.mark_partial_coverage(fig, dates, values, caveats)
    rings = [t for t in fig["data"] if t.get("name") == "Partial coverage"]
    assert len(rings) == 1 and rings[0]["x"] == [dates[1], dates[3]] and rings[0]["y"] == [2.0, 4.0]
    assert rings[0]["customdata"] == [caveats[1], caveats[3]] and rings[0]["marker"]["symbol"] == "circle-open"
    assert [a["text"] for a in fig["layout"]["annotations"]] == [figures.PARTIAL_COVERAGE_NOTE]
    go.Figure(fig)  # a valid plotly figure


def test_full_coverage_adds_nothing_and_a_second_note_shares_the_box():
    fig = figures.trend_figure(pd.DataFrame({"period_end": [], "value": []}), title="T", y_title="Y", area_name="H")
    before = len(fig["data"])
    figures.mark_partial_coverage(fig, [], [], [])
    assert len(fig["data"]) == before and not fig["layout"].get("annotations")
    figures._note(fig, "Fewer than 13 points")
    figures.mark_partial_coverage(fig, ["2024-01-31"], [1.0], ["Covers 1 of 2 practices"])
    notes = fig["layout"]["annotations"]
    assert len(notes) == 1 and notes[0]["text"] == f"Fewer than 13 points<br>{figures.PARTIAL_COVERAGE_NOTE}"


def test_the_overview_trend_labels_its_target_with_the_unit_and_ticks_at_the_measures_periods():
    """The walk found "Target 37.4" on a chart in per cent and yearly ticks (2018, 2020) for a measure whose periods
    are school years ending in August."""
    import datetime as dt

    ends = [dt.date(year, 8, 31) for year in (2017, 2019, 2022, 2024)]
    london = pd.DataFrame({"period_end": ends[1:], "value": [27.0, 25.6, 24.1]})
    fig = figures.trend_figure(
        pd.DataFrame({"period_end": ends, "value": [39.6, 42.4, 41.5, 39.9]}),
        title="T",
        y_title="Per cent",
        area_name="Harrow",
        comparators={"London": london},
        target=37.4,
        target_text="37.4%",
        frequency="annual",
    )
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["Target 37.4%"]
    assert fig["layout"]["xaxis"]["tickvals"] == [d.isoformat() for d in ends]
    assert fig["layout"]["xaxis"]["ticktext"] == ["2016/17", "2018/19", "2021/22", "2023/24"]  # as periods are named
    go.Figure(fig)
