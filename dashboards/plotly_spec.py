"""Plotly figures as plain dicts, ``{"data": [...], "layout": {...}}``: the JSON that plotly.js draws.

Why not ``plotly.graph_objects``: it builds and validates a Python object for every property, and at North West
London scale that was most of a PCN page's build time (seven funnel plots). A dict costs nothing to build. The
builders' dicts are checked against plotly's schema in the tests instead (``go.Figure(spec)`` refuses an unknown
property or a bad value), so a typo still fails, just not on every request. No Django imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Figure = dict[str, Any]


def new_figure() -> Figure:
    return {"data": [], "layout": {}}


def scatter(**props: Any) -> dict[str, Any]:
    return {"type": "scatter", **props}


def bar(**props: Any) -> dict[str, Any]:
    return {"type": "bar", **props}


def merge(target: dict[str, Any], updates: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``updates`` into ``target`` in place, nested dicts key by key (as plotly's ``update`` does)."""
    for key, value in updates.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = dict(value) if isinstance(value, Mapping) else value
    return target


def add_trace(fig: Figure, trace: dict[str, Any]) -> None:
    fig["data"].append(trace)


def update_layout(fig: Figure, **props: Any) -> None:
    merge(fig["layout"], props)


def update_xaxis(fig: Figure, **props: Any) -> None:
    merge(fig["layout"].setdefault("xaxis", {}), props)


def update_yaxis(fig: Figure, **props: Any) -> None:
    merge(fig["layout"].setdefault("yaxis", {}), props)


def add_shape(fig: Figure, **props: Any) -> None:
    fig["layout"].setdefault("shapes", []).append(props)


def add_annotation(fig: Figure, **props: Any) -> None:
    fig["layout"].setdefault("annotations", []).append(props)


def add_hline(fig: Figure, *, y: float, line: Mapping[str, Any], annotation_text: str | None = None) -> None:
    """A horizontal line across the plot at ``y``, labelled at its top left (plotly's ``add_hline``)."""
    add_shape(fig, type="line", xref="x domain", x0=0, x1=1, yref="y", y0=y, y1=y, line=dict(line))
    if annotation_text:
        _label_at_left(fig, annotation_text, y=y, yanchor="bottom")


def add_hrect(
    fig: Figure, *, y0: float, y1: float, fillcolor: str, opacity: float, annotation_text: str | None = None
) -> None:
    """A shaded band across the plot from ``y0`` to ``y1``, labelled inside its top left (``add_hrect``)."""
    add_shape(
        fig,
        type="rect",
        xref="x domain",
        x0=0,
        x1=1,
        yref="y",
        y0=y0,
        y1=y1,
        fillcolor=fillcolor,
        opacity=opacity,
        line={"width": 0},
        layer="below",
    )
    if annotation_text:
        _label_at_left(fig, annotation_text, y=y1, yanchor="top")


def _label_at_left(fig: Figure, text: str, *, y: float, yanchor: str) -> None:
    """A label at the plot's left edge, at ``y`` in data units (above it for "bottom", below for "top")."""
    add_annotation(
        fig, text=text, xref="x domain", x=0, xanchor="left", yref="y", y=y, yanchor=yanchor, showarrow=False
    )


def to_json(fig: Figure) -> str:
    """The figure as JSON for plotly.js: numpy arrays, pandas columns and dates encoded, NaN as null."""
    import plotly.io

    return plotly.io.to_json(fig, validate=False)
