"""Breakdowns by age, sex, ethnicity and deprivation, with the slope index of inequality. Pure (no Django)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from outcomes.stats.benchmark import as_polarity, compare_to_benchmark
from outcomes.stats.inequality import SiiResult
from outcomes.units import hover_suffix
from outcomes.vocabulary import BREAKDOWN_AXIS_TITLES, BREAKDOWN_NAMES, IMD_QUINTILE_ENDS, group_label

from ..plotly_spec import (
    Figure,
    add_hline,
    add_trace,
    new_figure,
    scatter,
    update_layout,
    update_xaxis,
)
from .base import (
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_DARK_PINK,
    _base_layout,
    _fmt,
    _note,
    _with_meta,
)
from .spine import _SPINE_FOLD, SPINE_STYLES, _comparison_words

#: An IMD quintile on a chart's axis: "1 (most deprived)".
IMD_LABELS = {quintile: f"{quintile} ({end})" for quintile, end in IMD_QUINTILE_ENDS.items()}
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
    elif breakdown == "partner":  # "clch" is "CLCH", "harrow-council" is "Harrow Council"
        labels = data["category"].map(lambda c: group_label(breakdown, c))
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
            annotation_text=f"{BREAKDOWN_NAMES['all']} {_fmt(overall, decimals, unit)}",
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
    if sii_result is not None:  # use_rank
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
    default_x = BREAKDOWN_AXIS_TITLES.get(breakdown, "Group")
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
        polarity=as_polarity(polarity),
    )
    return np.array([_SPINE_FOLD.get(str(v), str(v)) for v in np.atleast_1d(found)], dtype=object)


def summary_sentence_breakdown(
    data: pd.DataFrame, sii_result: SiiResult | None = None, *, unit: str = "", decimals: int = 1
) -> str:
    """Plain-language summary of a breakdown from `breakdown_table`: the highest and lowest groups, and the SII."""
    shown = data[data["value"].notna()]
    if shown.empty:
        return "No group has a value to show."
    # By position (idxmax is the index label at argmax), so each is one row even if the index repeats a label.
    high, low = shown.iloc[shown["value"].argmax()], shown.iloc[shown["value"].argmin()]
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
