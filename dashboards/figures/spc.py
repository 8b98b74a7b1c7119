"""The SPC (XmR) chart in Making Data Count style, its table and its summary sentence. Pure (no Django)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from outcomes.stats.spc import MIN_POINTS, SPCResult
from outcomes.units import hover_suffix

from ..icons import ASSURANCE_ICON_TITLES, VARIATION_ICON_TITLES
from ..plotly_spec import (
    Figure,
    add_annotation,
    add_shape,
    add_trace,
    new_figure,
    scatter,
    update_xaxis,
)
from .base import (
    MDC_COMMON,
    MDC_CONCERN,
    MDC_IMPROVEMENT,
    MDC_NEUTRAL,
    NHS_DARK_GREY,
    NHS_TEXT,
    TARGET_COLOUR,
    _base_layout,
    _fmt,
    _note,
    _short,
    _target_band,
    _with_meta,
    frequency_ticks,
)

POINT_TYPE_WORDS = {
    "common_cause": "Common cause variation",
    "special_cause_improvement": "Special cause variation: improvement",
    "special_cause_concern": "Special cause variation: concern",
    "special_cause_neutral": "Special cause variation: neither improvement nor concern",
}
# point type -> (colour, marker symbol, legend name); shapes differ so colour is not the only cue.
SPC_POINT_STYLES = {
    "special_cause_improvement": (MDC_IMPROVEMENT, "circle", "Special cause: improvement"),
    "special_cause_concern": (MDC_CONCERN, "diamond", "Special cause: concern"),
    "special_cause_neutral": (MDC_NEUTRAL, "square", "Special cause: neither improvement nor concern"),
}
_RULE_PATTERNS = (
    (re.compile(r"^Above UCL$"), "above the upper process limit"),
    (re.compile(r"^Below LCL$"), "below the lower process limit"),
    (re.compile(r"^(\d+) Point Trend \(Increasing\)$"), r"in a run of \1 or more rising points"),
    (re.compile(r"^(\d+) Point Trend \(Decreasing\)$"), r"in a run of \1 or more falling points"),
    (re.compile(r"^2 in 3 Above CL$"), "2 of 3 points near or beyond the upper limit"),
    (re.compile(r"^2 in 3 Below CL$"), "2 of 3 points near or beyond the lower limit"),
    (re.compile(r"^(\d+) Points Above CL$"), r"in a run of \1 or more points above the mean"),
    (re.compile(r"^(\d+) Points Below CL$"), r"in a run of \1 or more points below the mean"),
)


def _rule_words(label: str) -> str:
    for pattern, words in _RULE_PATTERNS:
        if pattern.match(label):
            return pattern.sub(words, label)
    return ""


def _too_few_points(result: SPCResult) -> bool:
    """Limits provisional: a group below PTD's 13 points while the caller set no higher minimum of its own."""
    if result.min_points is not None:
        return False  # groups below the caller's minimum are run charts; the others have enough points
    return any(g.n < MIN_POINTS for g in result.groups) or any(
        f"at least {MIN_POINTS}" in warning for warning in result.warnings
    )


def run_chart_words(result: SPCResult) -> str:
    """What a reader is told when the last period is a run chart (below the caller's minimum), else ""."""
    if not result.too_few_points:
        return ""
    n = result.groups[-1].n
    since = " since the last re-base" if len(result.groups) > 1 else ""
    return (
        f"Run chart: too few points ({n}{since}) for process limits or icons; Making Data Count needs at least "
        f"{result.min_points}."
    )


def spc_table(dates: Sequence, result: SPCResult) -> pd.DataFrame:
    """The SPC chart's numbers, one row per point: period_end, value, mean, lower/upper_process_limit, group
    (1-based rebase group), point_type, and ``meaning`` (the point type and the rule that flagged it, in words)."""
    dates = list(dates)
    if len(dates) != len(result.values):
        raise ValueError(f"{len(dates)} dates for {len(result.values)} values")
    types = list(result.point_type)
    labels = list(result.special_cause_type)
    meaning = []
    for point_type, label in zip(types, labels, strict=True):
        words = POINT_TYPE_WORDS[point_type]
        rule = _rule_words(label) if point_type != "common_cause" else ""
        meaning.append(f"{words} ({rule})" if rule else words)
    return pd.DataFrame(
        {
            "period_end": dates,
            "value": np.asarray(result.values, dtype=float),
            "mean": np.asarray(result.mean, dtype=float),
            "lower_process_limit": np.asarray(result.lpl, dtype=float),
            "upper_process_limit": np.asarray(result.upl, dtype=float),
            "group": np.asarray(result.group_index) + 1,
            "point_type": types,
            "meaning": meaning,
        }
    )


def _by_group(x: list, y: np.ndarray, result: SPCResult) -> tuple[list, list]:
    """Line coordinates with a gap between rebase groups, so each group's mean and limits stand alone."""
    xs: list = []
    ys: list = []
    for g in result.groups:
        xs += [*x[g.first_index : g.first_index + g.n], None]
        ys += [*(float(v) for v in y[g.first_index : g.first_index + g.n]), None]
    return xs[:-1], ys[:-1]


def spc_figure(
    dates: Sequence,
    values: Sequence[float] | np.ndarray,
    result: SPCResult,
    *,
    title: str,
    y_title: str,
    target: float | None = None,
    improvement: str | None = None,
    x_title: str = "Period ending",
    unit: str = "",
    decimals: int = 1,
    height: int = 420,
    band: tuple[float, float] | None = None,
    trajectory: tuple[tuple, tuple] | None = None,
    rebase_reasons: Sequence[str] = (),
    frequency: str | None = None,
) -> Figure:
    """Making Data Count XmR chart of ``values`` by ``dates`` from ``result = spc(values, ...)``.

    Draws each rebase group's mean (solid) and process limits (dashed) with a gap between groups, a dotted vertical
    line labelled "Rebased" at each new group's first date, all points joined by a grey line, special-cause points
    coloured and shaped by type (improvement: blue circle; concern: orange diamond; neither: purple square; common
    cause stays grey), the target (``target``, else ``result.target``) as a dash-dot line, and a note when any group
    has fewer than 13 points (limits provisional), a target ``band`` (lower, upper) as a shaded band, and a target
    ``trajectory`` ((start date, value), (due date, target)) as a dotted line. Hover gives each point's type and
    rule in words. ``unit``
    (e.g. "%") is appended to values in hover and summary; ``y_title`` should name the unit too.
    ``improvement`` defaults to ``result.improvement``; a different value is an error. A group below the
    result's ``min_points`` is a run chart (median line, no limits, grey points) and the chart says "too few
    points"; ``rebase_reasons`` (one per re-base) label the re-base lines; ``frequency`` sets the axis ticks.
    """
    values = np.asarray(values, dtype=float)
    if len(values) != len(result.values) or not np.allclose(values, result.values, equal_nan=True):
        raise ValueError("values are not the series the SPC result was computed from")
    if improvement is not None and improvement != result.improvement:
        raise ValueError(f"improvement {improvement!r} differs from the result's {result.improvement!r}")
    target = result.target if target is None else target
    fig = new_figure()
    _base_layout(fig, title=title, y_title=y_title, height=height)
    update_xaxis(fig, title={"text": x_title})
    if len(values) == 0:
        _note(fig, "No data to chart.")
        return _with_meta(fig, f"{title}: there is no data to chart.")
    table = spc_table(dates, result)
    x = list(table["period_end"])
    fmt = f",.{decimals}f"
    if band is not None:
        label = f"Target band {_fmt(band[0], decimals, unit)} to {_fmt(band[1], decimals, unit)}"
        _target_band(fig, band, label, opacity=0.15)
    for column, name, dash in (
        ("upper_process_limit", "Upper process limit", "dash"),
        ("lower_process_limit", "Lower process limit", "dash"),
        ("mean", "Mean", "solid"),
    ):
        xs, ys = _by_group(x, table[column].to_numpy(), result)
        add_trace(
            fig,
            scatter(
                x=xs,
                y=ys,
                mode="lines",
                name=name,
                line={"color": NHS_DARK_GREY, "width": 1.5 if dash == "dash" else 2, "dash": dash},
                hovertemplate=f"{name}: %{{y:{fmt}}}<extra></extra>",
            ),
        )
    if target is not None:
        add_trace(
            fig,
            scatter(
                x=[x[0], x[-1]],
                y=[target, target],
                mode="lines",
                name=f"Target ({_fmt(target, decimals, unit)})",
                line={"color": TARGET_COLOUR, "width": 2, "dash": "dashdot"},
                hovertemplate=f"Target: %{{y:{fmt}}}<extra></extra>",
            ),
        )
    if trajectory is not None:
        (start, start_value), (due, goal) = trajectory
        add_trace(
            fig,
            scatter(
                x=[start, due],
                y=[start_value, goal],
                mode="lines",
                name=f"Target trajectory (to {_fmt(goal, decimals, unit)} by {due:%b %Y})",
                line={"color": TARGET_COLOUR, "width": 1.5, "dash": "dot"},
                hovertemplate=f"Trajectory: %{{y:{fmt}}}<extra></extra>",
            ),
        )
    add_trace(
        fig,
        scatter(
            x=x,
            y=table["value"],
            mode="lines+markers",
            name="Value (common cause in grey)",
            line={"color": MDC_COMMON, "width": 1.5},
            marker={"color": MDC_COMMON, "size": 7, "symbol": "circle"},
            customdata=table["meaning"],
            hovertemplate=f"Value: %{{y:{fmt}}}{hover_suffix(unit)}<br>%{{customdata}}<extra></extra>",
        ),
    )
    for point_type, (colour, symbol, name) in SPC_POINT_STYLES.items():
        rows = table[table["point_type"] == point_type]
        if rows.empty:
            continue
        add_trace(
            fig,
            scatter(
                x=list(rows["period_end"]),
                y=rows["value"],
                mode="markers",
                name=name,
                marker={"color": colour, "size": 10, "symbol": symbol, "line": {"color": "white", "width": 1}},
                hoverinfo="skip",
            ),
        )
    short = [g for g in result.groups if result.min_points is not None and g.n < result.min_points]
    for g in short:  # a run chart's centre line is the median (Making Data Count)
        segment = table["value"].iloc[g.first_index : g.first_index + g.n]
        median = float(segment.median())
        add_trace(
            fig,
            scatter(
                x=x[g.first_index : g.first_index + g.n],
                y=[median] * g.n,
                mode="lines",
                name=f"Median ({_fmt(median, decimals, unit)}), run chart: too few points for limits",
                line={"color": NHS_DARK_GREY, "width": 1.5, "dash": "dot"},
                hovertemplate=f"Median: %{{y:{fmt}}}<extra></extra>",
            ),
        )
    for index, group in enumerate(result.groups[1:]):
        start = x[group.first_index]
        reason = rebase_reasons[index] if rebase_reasons and index < len(rebase_reasons) else ""
        add_shape(
            fig,
            type="line",
            x0=start,
            x1=start,
            y0=0,
            y1=1,
            xref="x",
            yref="paper",
            line={"color": NHS_TEXT, "width": 1.5, "dash": "dot"},
        )
        add_annotation(
            fig,
            x=start,
            y=1,
            xref="x",
            yref="paper",
            text=f"Re-based: {_short(reason)}" if reason else "Rebased",
            hovertext=reason or "Rebased",
            showarrow=False,
            xanchor="left",
            yanchor="top",
            bgcolor="white",
        )
    if frequency:
        frequency_ticks(fig, x, frequency)
    if result.too_few_points:
        _note(fig, run_chart_words(result))
    elif _too_few_points(result):
        several = len(result.groups) > 1
        _note(
            fig,
            f"Fewer than {MIN_POINTS} points{' in a period' if several else ''}: "
            "the limits and any special cause are provisional.",
        )
    return _with_meta(fig, summary_sentence_spc(table, result, unit=unit, decimals=decimals))


def summary_sentence_spc(table: pd.DataFrame, result: SPCResult, *, unit: str = "", decimals: int = 1) -> str:
    """Plain-language summary of an SPC chart from its `spc_table` and result."""
    if table.empty:
        return "There is no data to chart."
    last = table.iloc[-1]
    group = result.groups[-1]
    when = last["period_end"]
    when = when.strftime("%B %Y") if hasattr(when, "strftime") else str(when)
    latest = f"The latest value, for the period ending {when}, is {_fmt(last['value'], decimals, unit)}."
    if result.too_few_points:
        return f"{latest} {run_chart_words(result)}"
    parts = [
        latest,
        f"Since {'the last rebase' if len(result.groups) > 1 else 'the start'}, the mean is "
        f"{_fmt(group.mean, decimals, unit)} and the process limits are {_fmt(group.lpl, decimals, unit)} to "
        f"{_fmt(group.upl, decimals, unit)}.",
    ]
    if result.variation_icon:
        parts.append(VARIATION_ICON_TITLES[result.variation_icon] + ".")
    special = int(np.count_nonzero(table["point_type"] != "common_cause"))
    if special:
        parts.append(f"{special} of {len(table)} points show special cause variation.")
    if result.assurance_icon:
        parts.append(ASSURANCE_ICON_TITLES[result.assurance_icon] + ".")
    if _too_few_points(result):
        parts.append(f"With fewer than {MIN_POINTS} points the limits are provisional.")
    return " ".join(parts)
