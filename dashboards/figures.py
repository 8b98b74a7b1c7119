"""Plotly figure builders: DataFrame in, figure out, as the plain dict plotly.js draws (see `plotly_spec`). Pure
functions (no Django), so they are testable and reused unchanged by the board pack.

Colours are the NHS identity palette; every figure has a title and axis titles with units. The indicator and PCN
pages' builders (`spc_figure`, `funnel_figure`, `spine_figure`, `breakdown_figure`) each draw from a table helper
(`spc_table`, `funnel_table`, `spine_table`, `breakdown_table`) that a template can show as the chart's numbers,
and put a plain-language summary in ``fig["layout"]["meta"]["summary"]`` (read it with `figure_summary`). Colour is
never the only cue: special-cause points, funnel outliers and spine comparisons also differ by marker shape, and
every hover and legend says what a mark means in words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from outcomes.disclosure import display_counts, suppress_counts
from outcomes.stats.benchmark import compare_to_benchmark
from outcomes.stats.funnel import (
    HIGH_001,
    HIGH_025,
    LOW_001,
    LOW_025,
    funnel_limits,
    funnel_significance,
)
from outcomes.stats.inequality import SiiResult
from outcomes.stats.spc import MIN_POINTS, SPCResult
from outcomes.units import format_value, hover_suffix

from .icons import ASSURANCE_ICON_TITLES, ICON_COLOURS, VARIATION_ICON_TITLES
from .plotly_spec import (
    Figure,
    add_annotation,
    add_hline,
    add_hrect,
    add_shape,
    add_trace,
    bar,
    new_figure,
    scatter,
    to_json,
    update_layout,
    update_xaxis,
    update_yaxis,
)

NHS_BLUE = "#005eb8"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_WARM_YELLOW = "#ffb81c"
NHS_DARK_PINK = "#7c2855"
NHS_AQUA_GREEN = "#00a499"
COMPARATOR_COLOURS = [NHS_DARK_GREY, NHS_DARK_PINK, NHS_AQUA_GREEN, NHS_MID_GREY]
FONT = "Arial, Helvetica, sans-serif"


def _base_layout(fig: Figure, *, title: str, y_title: str, height: int) -> Figure:
    update_layout(
        fig,
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 13, "color": "#212b32"},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 90},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.28, "x": 0},
        hovermode="x unified",
    )
    update_xaxis(fig, title={"text": "Period ending"}, showgrid=False, linecolor="#d8dde0", automargin=True)
    update_yaxis(
        fig, title={"text": y_title, "font": {"size": 11}}, automargin=True, gridcolor="#e8edee", zeroline=False
    )
    return fig


def trend_figure(
    series: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    area_name: str,
    comparators: Mapping[str, pd.DataFrame] | None = None,
    target: float | None = None,
    band: tuple[float, float] | None = None,
    height: int = 360,
) -> Figure:
    """A trend of ``value`` by ``period_end`` with its interval, comparator lines and the target.

    ``series`` and each comparator frame need ``period_end`` and ``value`` (``lower_ci``/``upper_ci``
    optional). Intervals are drawn as a shaded band so a board member sees the uncertainty at a glance.
    """
    fig = new_figure()
    if band is not None:
        _target_band(fig, band, "Target band", opacity=0.12)
    data = series.dropna(subset=["value"])
    if {"lower_ci", "upper_ci"} <= set(data.columns) and data["lower_ci"].notna().any():
        ci = data.dropna(subset=["lower_ci", "upper_ci"])
        add_trace(
            fig,
            scatter(
                x=list(ci["period_end"]) + list(ci["period_end"])[::-1],
                y=list(ci["upper_ci"]) + list(ci["lower_ci"])[::-1],
                mode="lines",
                fill="toself",
                fillcolor="rgba(0, 94, 184, 0.12)",
                line={"width": 0},
                hoverinfo="skip",
                name="95% confidence interval",
            ),
        )
    add_trace(
        fig,
        scatter(
            x=data["period_end"],
            y=data["value"],
            mode="lines+markers",
            name=area_name,
            line={"color": NHS_BLUE, "width": 2.5},
            marker={"size": 6},
        ),
    )
    for index, (name, frame) in enumerate((comparators or {}).items()):
        frame = frame.dropna(subset=["value"])
        if frame.empty:
            continue
        add_trace(
            fig,
            scatter(
                x=frame["period_end"],
                y=frame["value"],
                mode="lines+markers",
                name=name,
                line={"color": COMPARATOR_COLOURS[index % len(COMPARATOR_COLOURS)], "width": 1.5, "dash": "dot"},
                marker={"size": 5, "symbol": "diamond"},
            ),
        )
    if target is not None:
        add_hline(
            fig,
            y=target,
            line={"color": NHS_WARM_YELLOW, "width": 2, "dash": "dash"},
            annotation_text=f"Target {target:,.2f}".rstrip("0").rstrip("."),
        )
    return _base_layout(fig, title=title, y_title=y_title, height=height)


PARTIAL_COVERAGE_NOTE = "Hollow rings: values that cover only some member practices (hover for how many)."


def mark_partial_coverage(fig: Figure, x: Sequence, y: Sequence, caveats: Sequence[str]) -> Figure:
    """Ring the points whose value covers only some of its member practices, with the caveat on hover and a note.

    ``caveats`` has one entry per point: "" for full coverage (or a value that is not derived). A ring, not a
    colour, so the cue survives greyscale print and colour blindness."""
    points = [(a, b, c) for a, b, c in zip(x, y, caveats, strict=True) if c and b is not None and b == b]
    if not points:
        return fig
    add_trace(
        fig,
        scatter(
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            mode="markers",
            name="Partial coverage",
            marker={"symbol": "circle-open", "size": 14, "color": NHS_TEXT, "line": {"width": 2}},
            customdata=[p[2] for p in points],
            hovertemplate="%{customdata}<extra></extra>",
        ),
    )
    notes = [a for a in fig["layout"].get("annotations", []) if a.get("yref") == "paper" and a.get("y") == 1.02]
    if notes:  # one note box between title and plot: add a line to it rather than draw over it
        notes[0]["text"] = f"{notes[0]['text']}<br>{PARTIAL_COVERAGE_NOTE}"
        update_layout(fig, margin={"t": 100})
    else:
        _note(fig, PARTIAL_COVERAGE_NOTE)
    return fig


def safe_json(text: str) -> str:
    """JSON that can sit inside a <script> element: <, > and & escaped as unicode (still valid JSON)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def figure_json(fig: Figure) -> str:
    """A figure as JSON for a page's ``<script type="application/json">`` element."""
    return safe_json(to_json(fig))


# --------------------------------------------------------------------------------------------------------------
# Shared helpers for the indicator and PCN pages.

MDC_IMPROVEMENT = ICON_COLOURS["improvement"]  # NHS blue, as the MDC improvement icon
MDC_CONCERN = ICON_COLOURS["concern"]  # NHS orange
MDC_NEUTRAL = ICON_COLOURS["neutral"]  # NHS purple
MDC_COMMON = ICON_COLOURS["common_cause"]  # NHS mid grey
NHS_GREEN = "#007f3b"
NHS_RED = "#d5281b"
NHS_DARK_BLUE = "#003087"
NHS_LIGHT_BLUE = "#41b6e6"
NHS_TEXT = "#212b32"
NHS_PALE_GREY = "#d8dde0"
TARGET_COLOUR = NHS_DARK_PINK


def _fmt(value: float | None, decimals: int = 1, unit: str = "") -> str:
    """A number for people (`outcomes.units.format_value`), "no value" when missing; ``unit`` is the suffix."""
    return format_value(value, decimals=decimals, suffix=unit, missing="no value")


def _short(text: str, limit: int = 40) -> str:
    """Text cut at a word boundary to fit a chart label (the whole text goes in the hover)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


#: Months between ticks by a measure's frequency; at most MAX_TICKS are labelled (every nth period).
TICK_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12, "biennial": 24}
MAX_TICKS = 12


def tick_label(day, frequency: str) -> str:
    """A period end as its axis label: a financial year ("2023/24") for an annual or biennial measure whose year
    ends in March, else the year it ends in; month and year for monthly and quarterly measures."""
    if frequency in ("annual", "biennial"):
        return f"{day.year - 1}/{day.year % 100:02d}" if day.month == 3 else f"{day.year}"
    return f"{day:%b %Y}"


def frequency_ticks(fig: Figure, dates: Sequence, frequency: str) -> None:
    """Ticks at the measure's own periods (one per period end, thinned to at most MAX_TICKS), so an annual
    measure never gets monthly ticks; unknown frequencies (ad hoc) keep plotly's own."""
    if frequency not in TICK_MONTHS:
        return
    days = sorted({d for d in dates if d is not None and hasattr(d, "year")})
    if not days:
        return
    step = max(1, -(-len(days) // MAX_TICKS))
    shown = days[::-1][::step][::-1]  # keep the latest period labelled
    update_xaxis(
        fig,
        tickmode="array",
        tickvals=[d.isoformat() for d in shown],
        ticktext=[tick_label(d, frequency) for d in shown],
    )


def _target_band(fig: Figure, band: tuple[float, float], label: str, *, opacity: float) -> None:
    """A target range (lower, upper) shaded across the plot, labelled inside its top left."""
    add_hrect(fig, y0=band[0], y1=band[1], fillcolor=NHS_AQUA_GREEN, opacity=opacity, annotation_text=label)


def _with_meta(fig: Figure, summary: str) -> Figure:
    update_layout(fig, meta={"summary": summary})
    return fig


def figure_summary(fig: Figure) -> str:
    """The plain-language summary a builder stored with its figure ("" for figures without one)."""
    meta = fig.get("layout", {}).get("meta")
    return meta.get("summary", "") if isinstance(meta, Mapping) else ""


def _note(fig: Figure, text: str) -> None:
    """A note between the title and the plot area, so that it never hides data."""
    update_layout(fig, margin={"t": 85})
    add_annotation(
        fig,
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=1.02,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        align="left",
        bgcolor="rgba(255, 255, 255, 0.9)",
        bordercolor=NHS_MID_GREY,
        borderwidth=1,
        font={"size": 12, "color": NHS_TEXT},
    )


# --------------------------------------------------------------------------------------------------------------
# SPC (XmR) chart.

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


# --------------------------------------------------------------------------------------------------------------
# Funnel plot.

FUNNEL_WORDS = {
    HIGH_001: "Above the 99.8% limit",
    HIGH_025: "Above the 95% limit",
    LOW_025: "Below the 95% limit",
    LOW_001: "Below the 99.8% limit",
}
# significance -> (colour, symbol); up and down triangles say "above" and "below" without colour.
_FUNNEL_STYLES = {
    HIGH_001: (NHS_DARK_BLUE, "triangle-up"),
    HIGH_025: (NHS_LIGHT_BLUE, "triangle-up-open"),
    LOW_025: (NHS_LIGHT_BLUE, "triangle-down-open"),
    LOW_001: (NHS_DARK_BLUE, "triangle-down"),
}
WITHIN_LIMITS = "Within the 95% limits"


def funnel_table(
    frame: pd.DataFrame,
    *,
    statistic: str = "proportion",
    multiplier: float = 100,
    suppress_small_counts: bool = False,
    decimals: int = 1,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units, limits) for a funnel plot. ``units``: the input rows with valid counts plus value, significance
    (PHE label), ``significance_words``, ``outlier`` (outside the 95% limits), ``shown`` (False when its counts
    are suppressed), ``numerator_display``/``denominator_display``, and ``x_shown``/``value_shown``, where the
    unit is drawn; ``limits``: `funnel_limits`' table.

    Under control (``suppress_small_counts``: the small-number rule applied here; or a frame whose counts have
    been through disclosure control and so has ``disclosure_suppressed``) everything is computed from the
    controlled counts of the units shown: the limits, the average, each unit's value and significance. Limits
    from the exact counts would give the exact total away (the curves encode the average to many digits), and
    a value from exact counts beside rounded ones would give the exact counts away. Hidden units keep their row
    (``shown`` False) with no value. Values are drawn rounded to ``decimals``.
    """
    data = frame.copy()
    data["numerator"] = pd.to_numeric(data["numerator"], errors="coerce")
    data["denominator"] = pd.to_numeric(data["denominator"], errors="coerce")
    hidden = np.zeros(len(data), dtype=bool)
    if "disclosure_suppressed" in data.columns:
        hidden |= data["disclosure_suppressed"].fillna(False).astype(bool).to_numpy()
    controlled = suppress_small_counts or "disclosure_suppressed" in data.columns
    if suppress_small_counts:
        for column in ("numerator", "denominator"):
            rule = suppress_counts(data[column].to_numpy())
            data[f"{column}_display"] = display_counts(rule.values, rule.suppressed)
            data[column] = rule.values  # the limits and points use only the controlled counts
            hidden |= rule.suppressed
    for column in ("numerator", "denominator"):
        if f"{column}_display" not in data.columns:
            data[f"{column}_display"] = display_counts(data[column].to_numpy(), np.zeros(len(data), dtype=bool))
    usable = (data["numerator"].notna() & (data["denominator"] > 0)).to_numpy()
    data = data[usable | hidden].reset_index(drop=True)
    hidden = hidden[usable | hidden]
    use = ~hidden
    if not use.any():
        raise ValueError("a funnel plot needs at least one unit with a numerator and a positive denominator")
    x, n = data["numerator"].to_numpy(float)[use], data["denominator"].to_numpy(float)[use]
    value = np.full(len(data), np.nan)
    value[use] = x / n * multiplier
    data["value"] = value
    if statistic == "proportion":
        limits = funnel_limits(x, n, statistic="proportion", multiplier=multiplier)
        significance = funnel_significance(x, n, statistic="proportion")
    elif statistic == "rate":
        limits = funnel_limits(
            x, n, statistic="rate", multiplier=multiplier, rate=value[use], rate_type="crude", years_of_data=1
        )
        significance = funnel_significance(
            x, n, statistic="rate", rate=value[use], rate_type="crude", multiplier=multiplier
        )
    else:
        raise ValueError("statistic must be 'proportion' or 'rate'")
    labels = np.full(len(data), "", dtype=object)
    labels[use] = significance
    data["significance"] = labels
    data["significance_words"] = [FUNNEL_WORDS.get(s, WITHIN_LIMITS) for s in labels]
    data["outlier"] = data["significance"].isin(list(FUNNEL_WORDS))
    data["shown"] = use
    if controlled:
        data["x_shown"] = data["denominator"].where(use)
        data["value_shown"] = np.round(data["value"].to_numpy(float), decimals)
    else:
        data["x_shown"], data["value_shown"] = data["denominator"], data["value"]
    data.attrs["controlled"] = controlled
    return data, limits


def _curve_x(limits: pd.DataFrame, statistic: str) -> np.ndarray:
    """The x (denominator) of each row of a `funnel_limits` table: the population for proportions; for rates the
    smaller of the rows' 95% populations (the limits of one row sit at different populations)."""
    if statistic == "proportion":
        return limits["Population"].to_numpy(float)
    return limits[["lower_2s_population_1_year", "upper_2s_population_1_year"]].min(axis=1).to_numpy(float)


def funnel_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    highlight: str | None = None,
    statistic: str = "proportion",
    multiplier: float = 100,
    suppress_small_counts: bool = False,
    unit: str = "%",
    decimals: int = 1,
    height: int = 460,
    table: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> Figure:
    """Funnel plot of units (practices) against their denominators, with PHE 95% and 99.8% limits.

    ``frame`` columns: ``name`` (shown on outliers and in hover), ``numerator``, ``denominator``; optional ``code``,
    ``disclosure_suppressed`` (rows not drawn), ``numerator_display``/``denominator_display`` (used in hover).
    ``statistic`` "proportion" (value = numerator / denominator x ``multiplier``, 100 for a percentage) or "rate"
    (crude rate per ``multiplier``). Limits come from `outcomes.stats.funnel.funnel_limits` and each unit's
    significance from ``funnel_significance``; units outside the 95% limits are labelled with their name and drawn
    as triangles (up: above; filled: beyond 99.8%). ``highlight`` (a ``code`` or ``name``) rings one unit, e.g. the
    PCN lead's practice. With ``suppress_small_counts`` (anyone but analysts) units with a count of 1-7 are not
    drawn and counts in hover are rounded to 5; the limits still use every unit. ``table`` is `funnel_table`'s
    result for the same arguments when the caller has it already (the exact limits are the costly part).
    """
    units, limits = table or funnel_table(
        frame,
        statistic=statistic,
        multiplier=multiplier,
        suppress_small_counts=suppress_small_counts,
        decimals=decimals,
    )
    # Under control the limits and the average are drawn a decimal place finer than values are shown, not at full
    # precision (the average is the exact ratio of the units' summed counts).
    curve_y = (
        (lambda y: np.round(np.asarray(y, dtype=float), decimals + 1)) if units.attrs["controlled"] else (lambda y: y)
    )
    fig = new_figure()
    fmt = f",.{decimals}f"
    for level, label, dash, width in (("3s", "99.8%", "solid", 1.5), ("2s", "95%", "dash", 1.5)):
        for side in ("lower", "upper"):
            curve_x = "Population" if statistic == "proportion" else f"{side}_{level}_population_1_year"
            xs = limits[curve_x]
            add_trace(
                fig,
                scatter(
                    x=xs,
                    y=curve_y(limits[f"{side}_{level}_limit"]),
                    mode="lines",
                    name=f"{label} {side} limit",
                    legendgroup=label,
                    showlegend=side == "upper",
                    line={"color": NHS_DARK_GREY, "width": width, "dash": dash},
                    hovertemplate=f"{label} {side} limit: %{{y:{fmt}}}{hover_suffix(unit)}<extra></extra>",
                ),
            )
    baseline = float(curve_y(limits["baseline"].iloc[0]))
    curves = fig["data"]
    x_min = float(np.nanmin(curves[0]["x"])) if statistic == "proportion" else float(units["x_shown"].min())
    x_max = float(max(np.nanmax(np.asarray(t["x"], dtype=float)) for t in curves))
    add_trace(
        fig,
        scatter(
            x=[x_min, x_max],
            y=[baseline, baseline],
            mode="lines",
            name=f"Average of all units ({_fmt(baseline, decimals, unit)})",
            line={"color": NHS_TEXT, "width": 1.5},
            hovertemplate=f"Average: %{{y:{fmt}}}{hover_suffix(unit)}<extra></extra>",
        ),
    )
    shown = units[units["shown"]]
    hover = (
        "<b>%{customdata[0]}</b><br>"
        + f"Value: %{{y:{fmt}}}{hover_suffix(unit)}<br>"
        + "Numerator: %{customdata[1]}<br>Denominator: %{customdata[2]}<br>%{customdata[3]}<extra></extra>"
    )

    def customdata(rows: pd.DataFrame) -> np.ndarray:
        return rows[["name", "numerator_display", "denominator_display", "significance_words"]].to_numpy(object)

    within = shown[~shown["outlier"]]
    add_trace(
        fig,
        scatter(
            x=within["x_shown"],
            y=within["value_shown"],
            mode="markers",
            name=WITHIN_LIMITS,
            marker={"color": MDC_COMMON, "size": 8, "symbol": "circle", "line": {"color": "white", "width": 1}},
            customdata=customdata(within),
            hovertemplate=hover,
        ),
    )
    for significance, (colour, symbol) in _FUNNEL_STYLES.items():
        rows = shown[shown["significance"] == significance]
        if rows.empty:
            continue
        add_trace(
            fig,
            scatter(
                x=rows["x_shown"],
                y=rows["value_shown"],
                mode="markers+text",
                name=FUNNEL_WORDS[significance],
                text=rows["name"],
                textposition="top center" if significance in (HIGH_001, HIGH_025) else "bottom center",
                cliponaxis=False,
                marker={"color": colour, "size": 11, "symbol": symbol, "line": {"color": colour, "width": 2}},
                customdata=customdata(rows),
                hovertemplate=hover,
            ),
        )
    if highlight is not None:
        keys = shown["code"] if "code" in shown.columns else shown["name"]
        chosen = shown[(keys == highlight) | (shown["name"] == highlight)]
        if not chosen.empty:
            add_trace(
                fig,
                scatter(
                    x=chosen["x_shown"],
                    y=chosen["value_shown"],
                    mode="markers+text",
                    name=f"{chosen['name'].iloc[0]} (selected)",
                    text=chosen["name"].where(~chosen["outlier"], ""),  # outliers are named already
                    textposition="middle right",
                    marker={"size": 20, "symbol": "circle-open", "color": NHS_TEXT, "line": {"width": 2.5}},
                    customdata=customdata(chosen),
                    hovertemplate=hover,
                ),
            )
    _base_layout(fig, title=title, y_title=y_title, height=height)
    update_layout(fig, hovermode="closest")
    # Zoom on the units: the limits fan out towards a denominator of 1, far from any practice.
    # Only the units drawn set the ranges: a hidden practice's denominator must not show through the axis.
    drawn = units[units["shown"]]
    drawn_x = drawn["x_shown"].to_numpy(float) if not drawn.empty else np.array([x_min, x_max])
    near = limits[_curve_x(limits, statistic) >= 0.5 * np.nanmin(drawn_x)]
    limit_columns = ["lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit"]
    ys = np.concatenate([drawn["value_shown"].to_numpy(float), curve_y(near[limit_columns].to_numpy(float)).ravel()])
    low, high = float(np.nanmin(ys)), float(np.nanmax(ys))
    pad = 0.12 * (high - low or abs(high) or 1)  # room for the outliers' names
    update_yaxis(fig, range=[max(low - pad, 0), high + pad])
    update_xaxis(
        fig,
        title={"text": x_title},
        showgrid=True,
        gridcolor="#e8edee",
        range=[0, 1.05 * float(np.nanmax(drawn_x))],
    )
    hidden = int((~units["shown"]).sum())
    if hidden:
        _note(
            fig,
            f"{hidden} unit{'s' if hidden != 1 else ''} not shown: a count of 1 to 7, or one that would reveal it, "
            "is suppressed.",
        )
    return _with_meta(fig, summary_sentence_funnel(units, baseline=baseline, unit=unit, decimals=decimals))


def summary_sentence_funnel(units: pd.DataFrame, *, baseline: float, unit: str = "%", decimals: int = 1) -> str:
    """Plain-language summary of a funnel plot from `funnel_table`'s units (only the units shown are named)."""
    shown = units[units["shown"]]
    parts = [f"The average of all {len(units)} units is {_fmt(baseline, decimals, unit)}."]
    for words, codes in (("above", (HIGH_001, HIGH_025)), ("below", (LOW_001, LOW_025))):
        rows = shown[shown["significance"].isin(codes)]
        if not rows.empty:
            beyond = {HIGH_001: ", beyond 99.8%", LOW_001: ", beyond 99.8%"}
            names = ", ".join(
                f"{r.name} ({_fmt(r.value, decimals, unit)}{beyond.get(r.significance, '')})" for r in rows.itertuples()
            )
            parts.append(f"{len(rows)} {'is' if len(rows) == 1 else 'are'} {words} the 95% limits: {names}.")
    if not shown["outlier"].any():
        parts.append("All units shown are within the 95% limits.")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------------------------
# Spine chart (Fingertips style).

# comparison -> (colour, symbol); shapes differ so colour is not the only cue.
SPINE_STYLES = {
    "better": (NHS_GREEN, "circle"),
    "similar": (NHS_WARM_YELLOW, "diamond"),
    "worse": (NHS_RED, "square"),
    "higher": (NHS_DARK_BLUE, "triangle-right"),
    "lower": (NHS_LIGHT_BLUE, "triangle-left"),
    "not compared": ("white", "circle-open"),
}
_SPINE_FOLD = {"best": "better", "worst": "worse"}


def _position(v, low: float, high: float, flip: bool):
    span = high - low
    if not np.isfinite(span) or span == 0:
        return np.where(np.isnan(np.asarray(v, dtype=float)), np.nan, 0.5)
    p = (np.asarray(v, dtype=float) - low) / span
    return 1 - p if flip else p


def spine_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator (in first-appearance order) with the numbers a spine chart draws.

    ``frame`` (long, one row per indicator and area): ``indicator``, ``area``, ``role`` ("focus" for the area in
    view, e.g. a PCN; "comparison" for the others in the range, e.g. the other Harrow PCNs; "benchmark" for the
    marker line, e.g. Harrow), ``value``, ``polarity`` ("high_is_good", "low_is_good", "no_judgement"); optional
    ``lower_ci``/``upper_ci`` (the focus area's interval, needed for the comparison), ``unit`` (e.g. "%",
    "per 1,000") and ``comparison`` (a precomputed label; else `compare_to_benchmark` with its default method).

    The range (min, 25th and 75th percentiles by linear interpolation, max) is over the focus and comparison
    areas' values. Positions (``*_position``, and ``range_start``/``range_end``, ``iqr_start``/``iqr_end`` for the
    bars) are normalised per indicator so that the range runs from 0 to 1,
    oriented by polarity: for "low_is_good" the lowest value sits at 1, so that right is always better (for
    "no_judgement", right is higher). The benchmark may fall outside 0..1. A missing value (e.g. suppressed) has
    no position and is "not compared".
    """
    required = {"indicator", "area", "role", "value", "polarity"}
    missing = required - set(frame.columns)
    if missing:
        raise ValueError(f"spine frame lacks {', '.join(sorted(missing))}")
    rows = []
    for indicator, group in frame.groupby("indicator", sort=False):
        polarity = str(group["polarity"].iloc[0])
        focus = group[group["role"] == "focus"]
        bench = group[group["role"] == "benchmark"]
        if len(focus) != 1 or len(bench) > 1:
            raise ValueError(f"{indicator}: need exactly one focus row and at most one benchmark row")
        f = focus.iloc[0]
        in_range = pd.to_numeric(group.loc[group["role"].isin(["focus", "comparison"]), "value"], errors="coerce")
        in_range = in_range.dropna().to_numpy(float)
        low, q25, q75, high = (
            np.percentile(in_range, [0, 25, 75, 100]) if in_range.size else (np.nan, np.nan, np.nan, np.nan)
        )
        value = float(f["value"]) if pd.notna(f["value"]) else np.nan
        lower = float(f["lower_ci"]) if "lower_ci" in f and pd.notna(f["lower_ci"]) else np.nan
        upper = float(f["upper_ci"]) if "upper_ci" in f and pd.notna(f["upper_ci"]) else np.nan
        bench_value = float(bench["value"].iloc[0]) if len(bench) and pd.notna(bench["value"].iloc[0]) else np.nan
        if "comparison" in f and isinstance(f["comparison"], str) and f["comparison"]:
            comparison = f["comparison"]
        else:
            comparison = compare_to_benchmark(value, lower, upper, bench_value, polarity=polarity)
        comparison = _SPINE_FOLD.get(comparison, comparison)
        flip = polarity == "low_is_good"
        ends = sorted([float(_position(q25, low, high, flip)), float(_position(q75, low, high, flip))])
        rows.append(
            {
                "indicator": indicator,
                "unit": str(f["unit"]) if "unit" in f and pd.notna(f["unit"]) else "",
                "polarity": polarity,
                "focus_area": f["area"],
                "value": value,
                "lower_ci": lower,
                "upper_ci": upper,
                "benchmark_area": bench["area"].iloc[0] if len(bench) else "",
                "benchmark": bench_value,
                "comparison": comparison,
                "areas": int(in_range.size),
                "minimum": low,
                "q25": q25,
                "q75": q75,
                "maximum": high,
                "value_position": float(_position(value, low, high, flip)),
                "benchmark_position": float(_position(bench_value, low, high, flip)),
                "min_position": float(_position(low, low, high, flip)),
                "max_position": float(_position(high, low, high, flip)),
                "range_start": min(float(_position(low, low, high, flip)), float(_position(high, low, high, flip))),
                "range_end": max(float(_position(low, low, high, flip)), float(_position(high, low, high, flip))),
                "iqr_start": ends[0],
                "iqr_end": ends[1],
            }
        )
    return pd.DataFrame(rows)


def _comparison_words(comparison: str, benchmark_area: str) -> str:
    if comparison == "not compared":
        return "Not compared"
    return (
        f"{comparison.capitalize()} than {benchmark_area}"
        if comparison != "similar"
        else f"Similar to {benchmark_area}"
    )


def spine_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str = "Position in the range of areas (left: worse or lower; right: better or higher)",
    y_title: str = "Indicator",
    decimals: int = 1,
    height: int | None = None,
) -> Figure:
    """Fingertips-style spine chart: one row per indicator (see `spine_table` for the frame's columns).

    Each row shows the range of the comparison areas (light bar: min to max; darker bar: 25th to 75th percentile),
    the benchmark (e.g. Harrow) as a vertical black marker line, and the focus area (a PCN) as a marker coloured and
    shaped by its comparison with the benchmark (better: green circle; similar: yellow diamond; worse: red square;
    higher / lower for indicators without a polarity: blue triangles pointing right / left; not compared: open
    circle). Values are normalised per indicator so rows are comparable; hover gives the real values with units.
    """
    table = spine_table(frame)
    labels = list(table["indicator"])

    def real(v: float, unit: str) -> str:
        return _fmt(v, decimals, unit)

    range_text = [
        f"<b>{r.indicator}</b><br>Range of {r.areas} areas: {real(r.minimum, r.unit)} to {real(r.maximum, r.unit)}"
        f"<br>Middle half: {real(r.q25, r.unit)} to {real(r.q75, r.unit)}"
        for r in table.itertuples()
    ]
    fig = new_figure()
    add_trace(
        fig,
        bar(
            y=labels,
            x=table["range_end"] - table["range_start"],
            base=table["range_start"],
            orientation="h",
            name="Range of areas (lowest to highest)",
            marker={"color": NHS_PALE_GREY},
            width=0.5,
            customdata=range_text,
            hovertemplate="%{customdata}<extra></extra>",
        ),
    )
    add_trace(
        fig,
        bar(
            y=labels,
            x=table["iqr_end"] - table["iqr_start"],
            base=table["iqr_start"],
            orientation="h",
            name="Middle half of areas (25th to 75th percentile)",
            marker={"color": NHS_MID_GREY},
            width=0.5,
            customdata=range_text,
            hovertemplate="%{customdata}<extra></extra>",
        ),
    )
    benchmark_name = next((a for a in table["benchmark_area"] if a), "Benchmark")
    add_trace(
        fig,
        scatter(
            y=labels,
            x=table["benchmark_position"],
            mode="markers",
            name=f"{benchmark_name} value",
            marker={"symbol": "line-ns", "size": 26, "line": {"color": NHS_TEXT, "width": 3}, "color": NHS_TEXT},
            customdata=[f"{r.benchmark_area}: {real(r.benchmark, r.unit)}" for r in table.itertuples()],
            hovertemplate="%{customdata}<extra></extra>",
        ),
    )
    focus_name = table["focus_area"].iloc[0] if len(table) else "Area"
    for comparison, (colour, symbol) in SPINE_STYLES.items():
        rows = table[(table["comparison"] == comparison) & table["value_position"].notna()]
        if rows.empty:
            continue
        text = [
            f"<b>{r.focus_area}</b>: {real(r.value, r.unit)}"
            + (
                f" (95% CI {real(r.lower_ci, r.unit)} to {real(r.upper_ci, r.unit)})"
                if np.isfinite(r.lower_ci) and np.isfinite(r.upper_ci)
                else ""
            )
            + f"<br>{_comparison_words(r.comparison, r.benchmark_area)} ({real(r.benchmark, r.unit)})"
            for r in rows.itertuples()
        ]
        add_trace(
            fig,
            scatter(
                y=list(rows["indicator"]),
                x=rows["value_position"],
                mode="markers",
                name=f"{focus_name}: {_comparison_words(comparison, benchmark_name)}",
                marker={"color": colour, "symbol": symbol, "size": 14, "line": {"color": NHS_TEXT, "width": 1.5}},
                customdata=text,
                hovertemplate="%{customdata}<extra></extra>",
            ),
        )
    positions = np.concatenate([[0.0, 1.0], table["benchmark_position"].dropna(), table["value_position"].dropna()])
    _base_layout(fig, title=title, y_title=y_title, height=height or 280 + 44 * len(table))
    update_layout(
        fig,
        barmode="overlay",
        hovermode="closest",
        bargap=0.4,
        margin={"b": 170},
        legend={"yref": "container", "y": 0, "yanchor": "bottom"},
    )
    update_xaxis(
        fig,
        title={"text": x_title},
        range=[min(-0.05, positions.min() - 0.05), max(1.05, positions.max() + 0.05)],
        tickvals=[0, 1],
        ticktext=["Worst or lowest", "Best or highest"],
        zeroline=False,
    )
    update_yaxis(fig, autorange="reversed", type="category", gridcolor="white")
    return _with_meta(fig, summary_sentence_spine(table))


def summary_sentence_spine(table: pd.DataFrame) -> str:
    """Plain-language summary of a spine chart from `spine_table`: how many indicators are better, similar, worse."""
    if table.empty:
        return "There are no indicators to show."
    focus, benchmark = table["focus_area"].iloc[0], next((a for a in table["benchmark_area"] if a), "the benchmark")
    counts = table["comparison"].value_counts()
    parts = [f"{focus} compared with {benchmark} on {len(table)} indicator{'s' if len(table) != 1 else ''}:"]
    listed = [
        f"{int(counts[c])} {c}"
        for c in ("better", "similar", "worse", "higher", "lower", "not compared")
        if c in counts
    ]
    parts.append(", ".join(listed) + ".")
    worse = table.loc[table["comparison"] == "worse", "indicator"].tolist()
    if worse:
        parts.append(f"Worse: {', '.join(worse)}.")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------------------------
# Breakdowns (age, sex, ethnicity, deprivation) with the slope index of inequality.

IMD_LABELS = {"1": "1 (most deprived)", "5": "5 (least deprived)"}
_LEADING_NUMBER = re.compile(r"^\s*(\d+)")


def _category_key(category: str) -> float:
    match = _LEADING_NUMBER.match(str(category))
    return float(match.group(1)) if match else np.inf


def breakdown_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The breakdown's rows in display order with a ``label`` column.

    ``frame`` columns: ``category``, ``value``; optional ``lower_ci``/``upper_ci``, ``breakdown`` (one dimension
    per chart: "imd_quintile", "age", "sex", "ethnicity", ...), ``category_label``, ``sort_order``, ``population``
    (or ``denominator``; the weights of the SII's rank positions), ``numerator_display``/``denominator_display``.
    Order: ``sort_order`` when given; IMD quintiles and age bands by their leading number (1..5, "0-4" before
    "18-44" before "75+"); any other dimension as given.
    """
    if "breakdown" in frame.columns and frame["breakdown"].nunique() > 1:
        raise ValueError("one breakdown dimension per chart")
    data = frame.copy().reset_index(drop=True)
    breakdown = str(data["breakdown"].iloc[0]) if "breakdown" in data.columns and len(data) else ""
    data["category"] = data["category"].astype(str)
    if "sort_order" in data.columns:
        data = data.sort_values("sort_order", kind="stable")
    elif breakdown in ("imd_quintile", "age") or (
        breakdown == "" and len(data) and all(_LEADING_NUMBER.match(c) for c in data["category"])
    ):
        data = data.assign(_key=[_category_key(c) for c in data["category"]])
        data = data.sort_values("_key", kind="stable").drop(columns="_key")
    if "category_label" in data.columns:
        labels = data["category_label"].astype(str)
    elif breakdown == "imd_quintile":
        labels = data["category"].map(lambda c: IMD_LABELS.get(c, c))
    else:
        labels = data["category"].map(lambda c: c.replace("_", " ").capitalize() if c[:1].isalpha() else c)
    data["label"] = list(labels)
    for column in ("value", "lower_ci", "upper_ci"):
        data[column] = pd.to_numeric(data[column], errors="coerce") if column in data.columns else np.nan
    return data.reset_index(drop=True)


def _rank_midpoints(data: pd.DataFrame) -> np.ndarray:
    """Each group's position on the population ranked by deprivation (0 = most deprived end), as `sii` uses."""
    for column in ("population", "denominator"):
        if column in data.columns and pd.to_numeric(data[column], errors="coerce").gt(0).all():
            share = pd.to_numeric(data[column]).to_numpy(float)
            share = share / share.sum()
            return np.cumsum(share) - share / 2
    k = len(data)
    return (np.arange(k) + 0.5) / k


def breakdown_figure(
    frame: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    sii_result: SiiResult | None = None,
    x_title: str | None = None,
    overall: float | None = None,
    unit: str = "",
    decimals: int = 1,
    height: int = 400,
    benchmark: float | None = None,
    benchmark_name: str = "Harrow",
    polarity: str | None = None,
) -> Figure:
    """Values by category with interval error bars, in order (see `breakdown_table` for the frame's columns).

    With ``sii_result`` (an IMD breakdown only; `outcomes.stats.inequality.sii` run on these rows in the chart's
    units with a positive multiplier) the x axis becomes the population ranked by deprivation (0 = most deprived,
    1 = least), each quintile at the middle of its population share, and the SII is drawn as the line from the
    fitted value at rank 0 (``intercept``) to rank 1 (``intercept + sii``); for a transformed fit those are the
    fitted curve's ends. ``overall`` draws the all-persons value as a dashed line. Categories without a value
    (suppressed or missing) are named in a note rather than drawn. With ``benchmark`` (e.g. Harrow's value for the
    same period) and ``polarity``, the benchmark is the dashed reference line, named, and each mark is coloured and
    shaped by its Fingertips comparison with it (`comparisons`), as the spine chart is; the hover says it in words.
    """
    data = breakdown_table(frame)
    breakdown = str(data["breakdown"].iloc[0]) if "breakdown" in data.columns and len(data) else ""
    if sii_result is not None and breakdown not in ("imd_quintile", ""):
        raise ValueError("the slope index of inequality applies to deprivation (IMD quintile) breakdowns")
    use_rank = sii_result is not None
    x = _rank_midpoints(data) if use_rank else data["label"].tolist()
    fig = new_figure()
    if benchmark is not None:
        add_hline(
            fig,
            y=benchmark,
            line={"color": NHS_DARK_GREY, "width": 1.5, "dash": "dash"},
            annotation_text=f"{benchmark_name} {_fmt(benchmark, decimals, unit)}",
        )
    elif overall is not None:
        add_hline(
            fig,
            y=overall,
            line={"color": NHS_DARK_GREY, "width": 1.5, "dash": "dash"},
            annotation_text=f"All persons {_fmt(overall, decimals, unit)}",
        )
    value = data["value"].to_numpy(float)
    has_ci = data[["lower_ci", "upper_ci"]].notna().all(axis=1).to_numpy()
    counts = ""
    if {"numerator_display", "denominator_display"} <= set(data.columns):
        counts = "<br>Count: %{customdata[2]} of %{customdata[3]}"
    custom = np.column_stack(
        [
            data["label"],
            [
                f"95% CI {_fmt(lo, decimals, unit)} to {_fmt(hi, decimals, unit)}" if ok else "No interval"
                for lo, hi, ok in zip(data["lower_ci"], data["upper_ci"], has_ci, strict=True)
            ],
            data.get("numerator_display", pd.Series([""] * len(data))),
            data.get("denominator_display", pd.Series([""] * len(data))),
        ]
    )
    add_trace(
        fig,
        scatter(
            x=x,
            y=value,
            mode="markers",
            name="Value with 95% confidence interval",
            marker={"color": NHS_BLUE, "size": 10, "symbol": "circle"},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": np.where(has_ci, data["upper_ci"] - value, np.nan),
                "arrayminus": np.where(has_ci, value - data["lower_ci"], np.nan),
                "color": NHS_DARK_GREY,
                "thickness": 1.5,
                "width": 6,
            },
            customdata=custom,
            hovertemplate=f"<b>%{{customdata[0]}}</b><br>%{{y:,.{decimals}f}}{hover_suffix(unit)}<br>%{{customdata[1]}}{counts}"
            "<extra></extra>",
        ),
    )
    if benchmark is not None and polarity is not None:
        verdicts = comparisons(data, benchmark, polarity)
        for verdict, (colour, symbol) in SPINE_STYLES.items():
            keep = verdicts == verdict
            if not keep.any():
                continue
            add_trace(
                fig,
                scatter(
                    x=[x[i] for i in np.flatnonzero(keep)],
                    y=value[keep],
                    mode="markers",
                    name=_comparison_words(verdict, benchmark_name),
                    marker={
                        "color": colour,
                        "size": 12,
                        "symbol": symbol,
                        "line": {"color": NHS_DARK_GREY, "width": 1},
                    },
                    hoverinfo="skip",
                ),
            )
    if use_rank:
        ends = [sii_result.intercept, sii_result.intercept + sii_result.sii]
        interval = sii_result.sii_limits.get(0.95)
        name = f"Slope index of inequality: {_fmt(sii_result.sii, decimals, unit)}"
        if interval:
            name += f" (95% CI {_fmt(interval[0], decimals, unit)} to {_fmt(interval[1], decimals, unit)})"
        add_trace(
            fig,
            scatter(
                x=[0, 1],
                y=ends,
                mode="lines",
                name=name,
                line={"color": NHS_DARK_PINK, "width": 2},
                hovertemplate=f"Fitted: %{{y:,.{decimals}f}}{hover_suffix(unit)}<extra>SII</extra>",
            ),
        )
    _base_layout(fig, title=title, y_title=y_title, height=height)
    update_layout(fig, hovermode="closest")
    default_x = {
        "imd_quintile": "Deprivation quintile (IMD 2019; 1 = most deprived)",
        "age": "Age band (years)",
        "sex": "Sex",
        "ethnicity": "Ethnic group",
    }.get(breakdown, "Group")
    if use_rank:
        default_x = "Population ranked by deprivation (0 = most deprived, 1 = least); quintiles at their midpoints"
        update_xaxis(fig, tickvals=list(x), ticktext=data["label"].tolist(), range=[0, 1])
    else:
        update_xaxis(fig, type="category", categoryorder="array", categoryarray=data["label"].tolist())
    update_xaxis(fig, title={"text": x_title or default_x})
    blank = data.loc[data["value"].isna(), "label"].tolist()
    if blank:
        _note(fig, f"No value shown for {', '.join(blank)} (small numbers or no data).")
    return _with_meta(fig, summary_sentence_breakdown(data, sii_result, unit=unit, decimals=decimals))


def comparisons(data: pd.DataFrame, benchmark: float, polarity: str) -> np.ndarray:
    """Each row's Fingertips comparison with the benchmark (better / similar / worse, higher / lower for no
    judgement, "not compared" without an interval), by the benchmark against the row's 95% interval."""
    found = compare_to_benchmark(
        data["value"].to_numpy(float),
        data["lower_ci"].to_numpy(float),
        data["upper_ci"].to_numpy(float),
        benchmark,
        polarity=polarity,
    )
    return np.array([_SPINE_FOLD.get(str(v), str(v)) for v in np.atleast_1d(found)], dtype=object)


def summary_sentence_breakdown(
    data: pd.DataFrame, sii_result: SiiResult | None = None, *, unit: str = "", decimals: int = 1
) -> str:
    """Plain-language summary of a breakdown from `breakdown_table`: the highest and lowest groups, and the SII."""
    shown = data[data["value"].notna()]
    if shown.empty:
        return "No group has a value to show."
    high, low = shown.loc[shown["value"].idxmax()], shown.loc[shown["value"].idxmin()]
    parts = [
        f"Highest: {high['label']} ({_fmt(high['value'], decimals, unit)}); "
        f"lowest: {low['label']} ({_fmt(low['value'], decimals, unit)})."
    ]
    if sii_result is not None:
        parts.append(
            f"The slope index of inequality is {_fmt(sii_result.sii, decimals, unit)}: the modelled difference "
            "between the least and the most deprived ends of the population."
        )
    return " ".join(parts)
