"""The spine chart comparing an area with its comparators, its table and its summary sentence. Pure (no Django)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from outcomes.stats.benchmark import as_polarity, compare_to_benchmark

from ..plotly_spec import (
    Figure,
    add_trace,
    bar,
    new_figure,
    scatter,
    update_layout,
    update_xaxis,
    update_yaxis,
)
from .base import (
    NHS_DARK_BLUE,
    NHS_GREEN,
    NHS_LIGHT_BLUE,
    NHS_MID_GREY,
    NHS_PALE_GREY,
    NHS_RED,
    NHS_TEXT,
    NHS_WARM_YELLOW,
    _base_layout,
    _fmt,
    _with_meta,
)

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


def _number(value: object) -> float:
    """A value as a float, NaN when it is missing or not a number (as ``pd.to_numeric(errors="coerce")``)."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan


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
    # Plain records, grouped in first-appearance order: a pandas group and a row Series per indicator cost a PCN
    # page with 98 indicators 110 ms per call, for a few hundred rows.
    columns = set(frame.columns)
    groups: dict[object, list[dict]] = {}
    for record in frame.to_dict("records"):
        groups.setdefault(record["indicator"], []).append(record)
    rows = []
    for indicator, group in groups.items():
        polarity = str(group[0]["polarity"])
        focus = [r for r in group if r["role"] == "focus"]
        bench = [r for r in group if r["role"] == "benchmark"]
        if len(focus) != 1 or len(bench) > 1:
            raise ValueError(f"{indicator}: need exactly one focus row and at most one benchmark row")
        f = focus[0]
        range_values = [_number(r["value"]) for r in group if r["role"] in ("focus", "comparison")]
        in_range = np.array([v for v in range_values if not np.isnan(v)], dtype=float)
        low, q25, q75, high = (
            np.percentile(in_range, [0, 25, 75, 100]) if in_range.size else (np.nan, np.nan, np.nan, np.nan)
        )
        value = float(f["value"]) if pd.notna(f["value"]) else np.nan
        lower = float(f["lower_ci"]) if "lower_ci" in columns and pd.notna(f["lower_ci"]) else np.nan
        upper = float(f["upper_ci"]) if "upper_ci" in columns and pd.notna(f["upper_ci"]) else np.nan
        bench_value = float(bench[0]["value"]) if bench and pd.notna(bench[0]["value"]) else np.nan
        if "comparison" in columns and isinstance(f["comparison"], str) and f["comparison"]:
            comparison = f["comparison"]
        else:
            # Scalar inputs, so a str (an array only for array inputs).
            comparison = str(compare_to_benchmark(value, lower, upper, bench_value, polarity=as_polarity(polarity)))
        comparison = _SPINE_FOLD.get(comparison, comparison)
        flip = polarity == "low_is_good"
        ends = sorted([float(_position(q25, low, high, flip)), float(_position(q75, low, high, flip))])
        rows.append(
            {
                "indicator": indicator,
                "unit": str(f["unit"]) if "unit" in columns and pd.notna(f["unit"]) else "",
                "polarity": polarity,
                "focus_area": f["area"],
                "value": value,
                "lower_ci": lower,
                "upper_ci": upper,
                "benchmark_area": bench[0]["area"] if bench else "",
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
    table: pd.DataFrame | None = None,
) -> Figure:
    """Fingertips-style spine chart: one row per indicator (see `spine_table` for the frame's columns); ``table``:
    `spine_table(frame)`, when the caller has computed it already.

    Each row shows the range of the comparison areas (light bar: min to max; darker bar: 25th to 75th percentile),
    the benchmark (e.g. Harrow) as a vertical black marker line, and the focus area (a PCN) as a marker coloured and
    shaped by its comparison with the benchmark (better: green circle; similar: yellow diamond; worse: red square;
    higher / lower for indicators without a polarity: blue triangles pointing right / left; not compared: open
    circle). Values are normalised per indicator so rows are comparable; hover gives the real values with units.
    """
    table = spine_table(frame) if table is None else table
    labels = list(table["indicator"])

    def real(v: float, unit: str) -> str:
        return _fmt(v, decimals, unit)

    records = table.to_dict("records")  # a row's values typed as the cells they are (itertuples' are a union)
    range_text = [
        f"<b>{r['indicator']}</b><br>Range of {r['areas']} areas: {real(r['minimum'], r['unit'])} to "
        f"{real(r['maximum'], r['unit'])}<br>Middle half: {real(r['q25'], r['unit'])} to {real(r['q75'], r['unit'])}"
        for r in records
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
            customdata=[f"{r['benchmark_area']}: {real(r['benchmark'], r['unit'])}" for r in records],
            hovertemplate="%{customdata}<extra></extra>",
        ),
    )
    focus_name = table["focus_area"].iloc[0] if len(table) else "Area"
    for comparison, (colour, symbol) in SPINE_STYLES.items():
        rows = table[(table["comparison"] == comparison) & table["value_position"].notna()]
        if rows.empty:
            continue
        text = [
            f"<b>{r['focus_area']}</b>: {real(r['value'], r['unit'])}"
            + (
                f" (95% CI {real(r['lower_ci'], r['unit'])} to {real(r['upper_ci'], r['unit'])})"
                if np.isfinite(r["lower_ci"]) and np.isfinite(r["upper_ci"])
                else ""
            )
            + f"<br>{_comparison_words(r['comparison'], r['benchmark_area'])} ({real(r['benchmark'], r['unit'])})"
            for r in rows.to_dict("records")
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
