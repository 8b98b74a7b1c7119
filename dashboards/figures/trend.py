"""The trend chart of an outcome's series with its comparators and target. Pure (no Django)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..plotly_spec import (
    Figure,
    add_hline,
    add_trace,
    new_figure,
    scatter,
)
from .base import (
    COMPARATOR_COLOURS,
    NHS_BLUE,
    NHS_WARM_YELLOW,
    _base_layout,
    _target_band,
    frequency_ticks,
    with_values,
)


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
    target_text: str | None = None,
    frequency: str | None = None,
) -> Figure:
    """A trend of ``value`` by ``period_end`` with its interval, comparator lines and the target.

    ``series`` and each comparator frame need ``period_end`` and ``value`` (``lower_ci``/``upper_ci``
    optional). Intervals are drawn as a shaded band so a board member sees the uncertainty at a glance.
    ``target_text``: the target as the page writes it, with its unit ("37.4%"); ``frequency``: the measure's, for
    ticks at its own periods (`frequency_ticks`).
    """
    fig = new_figure()
    if band is not None:
        _target_band(fig, band, "Target band", opacity=0.12)
    data = with_values(series)
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
        frame = with_values(frame)
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
            annotation_text=f"Target {target_text}" if target_text else f"Target {target:,.2f}".rstrip("0").rstrip("."),
        )
    _base_layout(fig, title=title, y_title=y_title, height=height)
    if frequency:
        dates = list(data["period_end"]) + [d for f in (comparators or {}).values() for d in f["period_end"]]
        frequency_ticks(fig, dates, frequency)
    return fig
