"""What every figure shares: the NHS palette, the base layout, notes, ticks at the measure's frequency, the
partial-coverage ring and the JSON a page embeds. Pure (no Django)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from outcomes.units import format_value

from ..icons import ICON_COLOURS
from ..plotly_spec import (
    Figure,
    add_annotation,
    add_hrect,
    add_trace,
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


def with_values(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with a value: a boolean mask, a fraction of ``dropna(subset=...)``'s cost on the small frames a
    board build filters a few hundred times."""
    return frame[frame["value"].notna().to_numpy()]


def _short(text: str, limit: int = 40) -> str:
    """Text cut at a word boundary to fit a chart label (the whole text goes in the hover)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


#: Months between ticks by a measure's frequency; at most MAX_TICKS are labelled (every nth period).
TICK_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12, "biennial": 24}
MAX_TICKS = 12


def tick_label(day, frequency: str) -> str:
    """A period end as its axis label, as the pages name the period (``outcomes.periods.period_label``): for an
    annual or biennial measure a split year ("2023/24") when its year ends in March (financial) or August
    (academic: the tooth-decay survey's "2016/17 academic year" is ticked "2016/17", not "2017"), else the year it
    ends in; month and year for monthly and quarterly measures."""
    if frequency in ("annual", "biennial"):
        return f"{day.year - 1}/{day.year % 100:02d}" if day.month in (3, 8) else f"{day.year}"
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
