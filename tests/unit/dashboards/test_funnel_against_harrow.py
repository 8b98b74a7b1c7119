"""The PCN page's funnel plots (issue 13.6): practices against Harrow's value, outliers marked good or bad by the
indicator's polarity (colour and marker, legend in words), full names in the hover, each point linking to its
practice's trend page. Pure: no database."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboards import figures
from dashboards import significance as sig
from dashboards.figures import figure_summary, funnel_table, wrap_label
from outcomes.stats.funnel import funnel_comparisons, funnel_limits

LONG = "Kenton Bridge Medical Centre (Dr Golden) at the Kenton Road Health Campus"


def funnel_figure(*args, **kwargs) -> go.Figure:
    """The builder's dict through plotly's schema, which refuses an unknown property or a bad value."""
    return go.Figure(figures.funnel_figure(*args, **kwargs))


def _practices() -> pd.DataFrame:
    """Six practices around 40% with one far above and one far below; Harrow is at 43%."""
    frame = pd.DataFrame(
        {
            "code": [f"P{i}" for i in range(6)],
            "name": [LONG, "High Street Surgery", "Low Road Surgery", "Mid Practice", "Even Practice", "Small"],
            "numerator": [430, 700, 200, 420, 860, 20],
            "denominator": [1000, 1000, 1000, 1000, 2000, 50],
        }
    )
    return frame.assign(link=[f"/indicators/X/{c}/" for c in frame["code"]])


def _trace(fig: go.Figure, name: str):
    matches = [t for t in fig.data if t.name == name]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def _build(polarity: str, **kwargs) -> go.Figure:
    return funnel_figure(
        _practices(), title="F", x_title="Patients", y_title="%", target=43.0, polarity=polarity, **kwargs
    )


def test_limits_and_the_line_are_harrows():
    fig = _build("high_is_good")
    frame = _practices()
    expected = funnel_limits(frame["numerator"], frame["denominator"], multiplier=100, target=0.43)
    np.testing.assert_allclose(_trace(fig, "95% limits").y, expected["upper_2s_limit"])  # the upper line
    np.testing.assert_allclose(_trace(fig, "99.8% lower limit").y, expected["lower_3s_limit"])
    assert list(_trace(fig, "Harrow (43.0%)").y) == [43.0, 43.0]
    assert not any(t.name.startswith("Average") for t in fig.data)


@pytest.mark.parametrize(
    ("polarity", "high", "low"),
    [("high_is_good", "better", "worse"), ("low_is_good", "worse", "better"), ("no_judgement", "higher", "lower")],
)
def test_outliers_are_marked_by_what_they_mean(polarity, high, low):
    fig = _build(polarity)
    above = _trace(fig, f"{sig.STYLES[high].word} than Harrow (outside 99.8%)")
    below = _trace(fig, f"{sig.STYLES[low].word} than Harrow (outside 99.8%)")
    assert [row[0] for row in above.customdata] == ["High Street Surgery"]
    assert [row[0] for row in below.customdata] == ["Low Road Surgery"]
    assert above.marker.symbol == sig.STYLES[high].symbol and below.marker.symbol == sig.STYLES[low].symbol
    assert above.marker.color == sig.STYLES[high].colour and below.marker.color == sig.STYLES[low].colour
    assert above.marker.symbol != below.marker.symbol and above.marker.color != below.marker.color
    inside = _trace(fig, "Similar to Harrow")
    assert {row[0] for row in inside.customdata} == {LONG, "Mid Practice", "Even Practice", "Small"}


def test_verdicts_are_the_matrix_verdicts():
    """The funnel's words and the matrix's come from the same statistics for the same counts."""
    frame = _practices()
    units, _ = funnel_table(frame, target=43.0, polarity="low_is_good")
    expected = funnel_comparisons(
        frame["numerator"],
        frame["denominator"],
        target=43.0,
        statistic="proportion",
        multiplier=100,
        polarity="low_is_good",
    )
    assert list(units["comparison"]) == list(expected["comparison"])
    assert list(units["level"]) == list(expected["level"])
    assert units["significance_words"].iloc[1] == "Worse than Harrow (outside the 99.8% limits)"


def test_full_names_in_the_hover_none_printed_to_be_cut_off():
    fig = _build("high_is_good")
    names = [row[0] for t in fig.data if t.customdata is not None for row in t.customdata]
    assert LONG in names  # whole, never shortened
    assert all(t.mode in ("lines", "markers") for t in fig.data)  # no names printed on the plot
    assert all("%{customdata[4]}" in t.hovertemplate for t in fig.data if t.customdata is not None)
    hover_names = [row[4] for t in fig.data if t.customdata is not None for row in t.customdata]
    assert wrap_label(LONG, figures.HOVER_LINE) in hover_names  # wrapped at spaces to fit a phone's plot


def test_each_point_links_to_its_practice():
    fig = _build("high_is_good")
    frame = _practices().set_index("name")
    for trace in fig.data:
        if trace.customdata is None:
            continue
        assert list(trace.meta["links"]) == [frame.loc[row[0], "link"] for row in trace.customdata]


def test_the_summary_names_better_and_worse_practices():
    summary = figure_summary(
        figures.funnel_figure(_practices(), title="F", x_title="P", y_title="%", target=43.0, polarity="high_is_good")
    )
    assert summary.startswith("The limits are around Harrow's value, 43.0%.")
    assert "significantly better than Harrow: High Street Surgery (70.0%, beyond 99.8%)" in summary
    assert "significantly worse than Harrow: Low Road Surgery (20.0%, beyond 99.8%)" in summary


def test_without_a_polarity_the_funnel_is_as_before():
    """The other callers' funnel (the practices' own average, above/below triangles) is unchanged."""
    fig = funnel_figure(_practices(), title="F", x_title="P", y_title="%")
    assert any(t.name.startswith("Average of all units") for t in fig.data)
    assert _trace(fig, "Above the 99.8% limit").marker.symbol == "triangle-up"


def test_rate_funnels_centre_on_harrows_rate():
    frame = pd.DataFrame({"name": ["A", "B", "C"], "numerator": [30, 10, 0], "denominator": [1000.0, 1000.0, 1000.0]})
    units, limits = funnel_table(frame, statistic="rate", multiplier=1000, target=10.0, polarity="low_is_good")
    assert list(units["comparison"]) == ["worse", "similar", "better"]
    assert (limits["baseline"] == 10.0).all()


def test_names_wrap_at_spaces_only():
    wrapped = wrap_label(LONG)
    assert wrapped.replace("<br>", " ") == LONG
    assert all(len(line) <= 18 for line in wrapped.split("<br>"))
    assert wrap_label("Supercalifragilisticexpialidocious Surgery") == "Supercalifragilisticexpialidocious<br>Surgery"
