"""Plotly figure builders: DataFrame in, Figure out. Pure functions (no Django), so they are testable and
reused unchanged by the board pack.

Colours are the NHS identity palette; every figure has a title and axis titles with units.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

NHS_BLUE = "#005eb8"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_WARM_YELLOW = "#ffb81c"
NHS_DARK_PINK = "#7c2855"
NHS_AQUA_GREEN = "#00a499"
COMPARATOR_COLOURS = [NHS_DARK_GREY, NHS_DARK_PINK, NHS_AQUA_GREEN, NHS_MID_GREY]
FONT = "Arial, Helvetica, sans-serif"


def _base_layout(fig: go.Figure, *, title: str, y_title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT, "size": 13, "color": "#212b32"},
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 90},
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "top", "y": -0.28, "x": 0},
        hovermode="x unified",
    )
    fig.update_xaxes(title_text="Period ending", showgrid=False, linecolor="#d8dde0")
    fig.update_yaxes(title_text=y_title, title_font={"size": 11}, automargin=True, gridcolor="#e8edee", zeroline=False)
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
) -> go.Figure:
    """A trend of ``value`` by ``period_end`` with its interval, comparator lines and the target.

    ``series`` and each comparator frame need ``period_end`` and ``value`` (``lower_ci``/``upper_ci``
    optional). Intervals are drawn as a shaded band so a board member sees the uncertainty at a glance.
    """
    fig = go.Figure()
    if band is not None:
        fig.add_hrect(
            y0=band[0],
            y1=band[1],
            fillcolor=NHS_AQUA_GREEN,
            opacity=0.12,
            line_width=0,
            annotation_text="Target band",
            annotation_position="top left",
        )
    data = series.dropna(subset=["value"])
    if {"lower_ci", "upper_ci"} <= set(data.columns) and data["lower_ci"].notna().any():
        ci = data.dropna(subset=["lower_ci", "upper_ci"])
        fig.add_trace(
            go.Scatter(
                x=list(ci["period_end"]) + list(ci["period_end"])[::-1],
                y=list(ci["upper_ci"]) + list(ci["lower_ci"])[::-1],
                mode="lines",
                fill="toself",
                fillcolor="rgba(0, 94, 184, 0.12)",
                line={"width": 0},
                hoverinfo="skip",
                name="95% confidence interval",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=data["period_end"],
            y=data["value"],
            mode="lines+markers",
            name=area_name,
            line={"color": NHS_BLUE, "width": 2.5},
            marker={"size": 6},
        )
    )
    for index, (name, frame) in enumerate((comparators or {}).items()):
        frame = frame.dropna(subset=["value"])
        if frame.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=frame["period_end"],
                y=frame["value"],
                mode="lines+markers",
                name=name,
                line={"color": COMPARATOR_COLOURS[index % len(COMPARATOR_COLOURS)], "width": 1.5, "dash": "dot"},
                marker={"size": 5, "symbol": "diamond"},
            )
        )
    if target is not None:
        fig.add_hline(
            y=target,
            line={"color": NHS_WARM_YELLOW, "width": 2, "dash": "dash"},
            annotation_text=f"Target {target:,.2f}".rstrip("0").rstrip("."),
            annotation_position="top left",
        )
    return _base_layout(fig, title=title, y_title=y_title, height=height)


def sparkline_figure(series: pd.DataFrame, *, title: str) -> go.Figure:
    """A small, axis-free trend for a tile; the numbers are always beside it in text."""
    data = series.dropna(subset=["value"])
    fig = go.Figure(
        go.Scatter(x=data["period_end"], y=data["value"], mode="lines", line={"color": NHS_BLUE, "width": 2})
    )
    fig.update_layout(
        title={"text": title, "font": {"size": 1}},
        height=60,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        xaxis={"visible": False},
        yaxis={"visible": False},
        showlegend=False,
        plot_bgcolor="white",
    )
    return fig


def safe_json(text: str) -> str:
    """JSON that can sit inside a <script> element: <, > and & escaped as unicode (still valid JSON)."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
