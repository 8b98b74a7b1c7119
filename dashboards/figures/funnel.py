"""The funnel plot of practices or PCNs against Harrow, its table and its summary sentence. Pure (no Django)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from outcomes.disclosure import display_counts, suppress_counts
from outcomes.stats.funnel import (
    HIGH_001,
    HIGH_025,
    LOW_001,
    LOW_025,
    funnel_comparison,
    funnel_level,
    funnel_limits,
    funnel_significance,
)
from outcomes.units import hover_suffix

from .. import significance as sig
from ..plotly_spec import (
    Figure,
    add_trace,
    new_figure,
    scatter,
    update_layout,
    update_xaxis,
    update_yaxis,
)
from .base import (
    MDC_COMMON,
    NHS_DARK_BLUE,
    NHS_DARK_GREY,
    NHS_LIGHT_BLUE,
    NHS_TEXT,
    _base_layout,
    _fmt,
    _note,
    _with_meta,
)

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
    target: float | None = None,
    polarity: str | None = None,
    benchmark: str = "Harrow",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units, limits) for a funnel plot. ``units``: the input rows with valid counts plus value, significance
    (PHE label), ``significance_words``, ``outlier`` (outside the 95% limits), ``shown`` (False when its counts
    are suppressed), ``numerator_display``/``denominator_display``, and ``x_shown``/``value_shown``, where the
    unit is drawn; ``limits``: `funnel_limits`' table.

    ``target`` (on the values' scale: a percentage for multiplier 100): the limits and each unit's significance
    are centred on it (the borough's value, ``benchmark`` in words) instead of the units' pooled average. With a
    ``polarity`` the units also get ``comparison`` and ``level`` (`outcomes.stats.funnel.funnel_comparison`: better
    or worse, higher or lower where neither is) and their words say so ("Better than Harrow (outside the 99.8%
    limits)").

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
    centre = None if target is None else float(target) / multiplier
    if statistic == "proportion":
        limits = funnel_limits(x, n, statistic="proportion", multiplier=multiplier, target=centre)
        significance = funnel_significance(x, n, statistic="proportion", target=centre)
    elif statistic == "rate":
        limits = funnel_limits(
            x,
            n,
            statistic="rate",
            multiplier=multiplier,
            rate=value[use],
            rate_type="crude",
            years_of_data=1,
            target=centre,
        )
        significance = funnel_significance(
            x, n, statistic="rate", rate=value[use], rate_type="crude", multiplier=multiplier, target=centre
        )
    else:
        raise ValueError("statistic must be 'proportion' or 'rate'")
    labels = np.full(len(data), "", dtype=object)
    labels[use] = significance
    data["significance"] = labels
    if polarity is None:
        data["significance_words"] = [FUNNEL_WORDS.get(s, WITHIN_LIMITS) for s in labels]
    else:
        data["comparison"] = funnel_comparison(labels, polarity=polarity)
        data["level"] = funnel_level(labels)
        data["significance_words"] = [
            sig.words(c, lv, benchmark) for c, lv in zip(data["comparison"], data["level"], strict=True)
        ]
    data["outlier"] = data["significance"].isin(list(FUNNEL_WORDS))
    data["shown"] = use
    if controlled:
        data["x_shown"] = data["denominator"].where(use)
        data["value_shown"] = np.round(data["value"].to_numpy(float), decimals)
    else:
        data["x_shown"], data["value_shown"] = data["denominator"], data["value"]
    data.attrs["controlled"] = controlled
    data.attrs["benchmark"] = benchmark if target is not None else None
    data.attrs["polarity"] = polarity
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
    target: float | None = None,
    polarity: str | None = None,
    benchmark: str = "Harrow",
) -> Figure:
    """Funnel plot of units (practices) against their denominators, with PHE 95% and 99.8% limits.

    With ``target`` and ``polarity`` (the PCN page: practices against Harrow's value) the limits are centred on
    the target, drawn as a line named after ``benchmark``, and a unit outside them is marked by what that means
    (`dashboards.significance`): better and worse (or higher and lower) differ in colour and marker, filled beyond
    the 99.8% limits, and the legend says which. Names are wrapped at spaces and placed towards the middle of the
    plot so that none is cut off; the full name is in the hover. A ``link`` column (each unit's page) makes its
    mark open that page when clicked (``meta.links``, read by charts.js).

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
        target=target,
        polarity=polarity,
        benchmark=benchmark,
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
                    # One legend entry stands for both lines of a level: the shown (upper) one is named for both.
                    name=f"{label} limits" if side == "upper" else f"{label} lower limit",
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
    centre_name = units.attrs.get("benchmark") or "Average of all units"
    add_trace(
        fig,
        scatter(
            x=[x_min, x_max],
            y=[baseline, baseline],
            mode="lines",
            name=f"{centre_name} ({_fmt(baseline, decimals, unit)})",
            line={"color": NHS_TEXT, "width": 1.5},
            hovertemplate=f"{centre_name}: %{{y:{fmt}}}{hover_suffix(unit)}<extra></extra>",
        ),
    )
    shown = units[units["shown"]]
    # The hover wraps the whole name and the verdict at spaces (customdata[4], [5]) so that on a phone neither
    # runs past the plot; customdata[0] and [3] keep them on one line for anything reading the data.
    hover = (
        "<b>%{customdata[4]}</b><br>"
        + f"Value: %{{y:{fmt}}}{hover_suffix(unit)}<br>"
        + "Numerator: %{customdata[1]}<br>Denominator: %{customdata[2]}<br>%{customdata[5]}<extra></extra>"
    )
    shown = shown.assign(
        hover_name=[wrap_label(n, HOVER_LINE) for n in shown["name"]],
        hover_words=[wrap_label(w, HOVER_LINE) for w in shown["significance_words"]],
    )

    def customdata(rows: pd.DataFrame) -> np.ndarray:
        columns = ["name", "numerator_display", "denominator_display", "significance_words", "hover_name"]
        return rows[[*columns, "hover_words"]].to_numpy(object)

    if "comparison" in units.columns:
        _marks_by_comparison(fig, shown, hover, customdata, benchmark=units.attrs.get("benchmark") or benchmark)
    else:
        _marks_by_side(fig, shown, hover, customdata)
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
    update_layout(fig, hovermode="closest", margin={"t": 50 + 20 * title.count("<br>")})
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
    # From 0, unless the limits start far from it (PHE's axis starts near the smallest unit when the largest is
    # under twice its size): then from just before the limits, not an empty band.
    curve_start = float(np.nanmin(_curve_x(limits, statistic)))
    x_high = 1.05 * float(np.nanmax(drawn_x))
    x_low = 0.0 if curve_start <= 0.25 * x_high else 0.95 * min(curve_start, float(np.nanmin(drawn_x)))
    update_xaxis(fig, title={"text": x_title}, showgrid=True, gridcolor="#e8edee", range=[x_low, x_high])
    hidden = int((~units["shown"]).sum())
    if hidden:
        _note(
            fig,
            f"{hidden} unit{'s' if hidden != 1 else ''} not shown: a count of 1 to 7, or one that would reveal it, "
            "is suppressed.",
        )
        update_layout(fig, margin={"t": 85 + 20 * title.count("<br>")})  # the note below a wrapped title
    return _with_meta(fig, summary_sentence_funnel(units, baseline=baseline, unit=unit, decimals=decimals))


def _links(rows: pd.DataFrame) -> dict:
    """A trace's ``meta`` with each point's page (charts.js opens it on a click), when the units have links."""
    return {"meta": {"links": list(rows["link"])}} if "link" in rows.columns else {}


def _marks_by_side(fig: Figure, shown: pd.DataFrame, hover: str, customdata) -> None:
    """Units within the limits as grey circles; outliers as triangles pointing above or below, named."""
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
            **_links(within),
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
                **_links(rows),
            ),
        )


#: Characters per line of a hover's name and verdict (about 240 px at 13 px: inside a phone's plot).
HOVER_LINE = 34


def wrap_label(text: str, width: int = 18) -> str:
    """A name on lines of at most ``width`` characters joined by <br>, broken at spaces only."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _marks_by_comparison(fig: Figure, shown: pd.DataFrame, hover: str, customdata, *, benchmark: str) -> None:
    """Units inside the limits (or not compared) as grey circles; outside them, one trace per verdict and level
    with its colour, marker and legend words (`dashboards.significance`). Names are in the hover (whole) and the
    summary, not printed on the plot: a PCN's outliers sit close together and their names would overlap."""
    inside = shown[~shown["comparison"].isin(sig.OUTSIDE)]
    add_trace(
        fig,
        scatter(
            x=inside["x_shown"],
            y=inside["value_shown"],
            mode="markers",
            name=f"Similar to {benchmark}",
            marker={"color": MDC_COMMON, "size": 8, "symbol": "circle", "line": {"color": "white", "width": 1}},
            customdata=customdata(inside),
            hovertemplate=hover,
            **_links(inside),
        ),
    )
    outside = dict(tuple(shown[shown["comparison"].isin(sig.OUTSIDE)].groupby(["comparison", "level"], sort=False)))
    for comparison in sig.OUTSIDE:
        for level in ("99.8%", "95%"):
            rows = outside.get((comparison, level))
            if rows is None:
                continue
            style = sig.STYLES[comparison]
            add_trace(
                fig,
                scatter(
                    x=rows["x_shown"],
                    y=rows["value_shown"],
                    mode="markers",
                    name=f"{style.word} than {benchmark} (outside {level})",
                    cliponaxis=False,
                    marker={
                        "color": style.colour,
                        "size": 12,
                        "symbol": sig.marker_symbol(comparison, level),
                        "line": {"color": style.colour, "width": 2},
                    },
                    customdata=customdata(rows),
                    hovertemplate=hover,
                    **_links(rows),
                ),
            )


def summary_sentence_funnel(units: pd.DataFrame, *, baseline: float, unit: str = "%", decimals: int = 1) -> str:
    """Plain-language summary of a funnel plot from `funnel_table`'s units (only the units shown are named)."""
    shown = units[units["shown"]]
    benchmark = units.attrs.get("benchmark")
    if benchmark and "comparison" in units.columns:
        parts = [f"The limits are around {benchmark}'s value, {_fmt(baseline, decimals, unit)}."]
        records = shown[["name", "value", "comparison", "level"]].to_dict("records")
        for comparison in sig.OUTSIDE:
            hits = [r for r in records if r["comparison"] == comparison]
            if hits:
                names = ", ".join(
                    f"{r['name']} ({_fmt(r['value'], decimals, unit)}"
                    f"{', beyond 99.8%' if r['level'] == '99.8%' else ''})"
                    for r in hits
                )
                verb = "is" if len(hits) == 1 else "are"
                parts.append(f"{len(hits)} {verb} significantly {comparison} than {benchmark}: {names}.")
        if not any(r["comparison"] in sig.OUTSIDE for r in records):
            parts.append(f"All units shown are similar to {benchmark}.")
        return " ".join(parts)
    parts = [f"The average of all {len(units)} units is {_fmt(baseline, decimals, unit)}."]
    for words, codes in (("above", (HIGH_001, HIGH_025)), ("below", (LOW_001, LOW_025))):
        rows = shown[shown["significance"].isin(codes)]
        if not rows.empty:
            beyond = {HIGH_001: ", beyond 99.8%", LOW_001: ", beyond 99.8%"}
            names = ", ".join(
                f"{name} ({_fmt(value, decimals, unit)}{beyond.get(significance, '')})"
                for name, value, significance in zip(rows["name"], rows["value"], rows["significance"], strict=True)
            )
            parts.append(f"{len(rows)} {'is' if len(rows) == 1 else 'are'} {words} the 95% limits: {names}.")
    if not shown["outlier"].any():
        parts.append("All units shown are within the 95% limits.")
    return " ".join(parts)
