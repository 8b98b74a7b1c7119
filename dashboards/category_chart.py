"""A categories chart (PCNs side by side, or a breakdown by age, sex, ethnicity or deprivation) with its table,
counts under disclosure control, comparison with Harrow and the slope index of inequality."""

from __future__ import annotations

import pandas as pd

from outcomes.coverage import frame_caveats
from outcomes.disclosure import apply_disclosure_control
from outcomes.stats.inequality import sii
from outcomes.units import count_text

from .chart import Chart, y_title
from .figures import (
    breakdown_figure,
    breakdown_table,
    comparisons,
    figure_json,
    figure_summary,
)


def category_chart(
    key,
    rows: pd.DataFrame,
    title,
    indicator,
    unit,
    decimals,
    unsuppressed,
    *,
    overall,
    x_title,
    benchmark: float | None = None,
    polarity: str | None = None,
):
    """A categories chart (PCNs, or a breakdown) with counts under disclosure control for non-analysts; with a
    ``benchmark`` (Harrow's value), its marks coloured by their comparison with it and the table says it in words.

    Returns (chart, the rows as shown, the slope index of inequality drawn or None)."""
    rows = rows.copy()
    if not unsuppressed and "disclosure_suppressed" not in rows.columns:
        rows = apply_disclosure_control(rows, decimals=decimals)
    sii_result = breakdown_sii(rows, indicator)
    figure = breakdown_figure(
        rows,
        title=title,
        y_title=y_title(indicator),
        sii_result=sii_result,
        x_title=x_title,
        overall=overall,
        unit=unit,
        decimals=decimals,
        benchmark=benchmark,
        polarity=polarity,
    )
    summary = figure_summary(figure)
    # The table lists the groups as the chart does: in its order ("5-17" before "18-44") and by its labels
    # ("Not stated", "1 (most deprived)", "CLCH"), never the raw codes ("not_stated", "clch").
    ordered = breakdown_table(rows)
    shown = ordered.assign(
        value_text=[indicator.format_value(None if pd.isna(v) else float(v)) for v in ordered["value"]],
        interval=[
            ""
            if pd.isna(lo) or pd.isna(hi)
            else f"{indicator.format_value(float(lo))} to {indicator.format_value(float(hi))}"
            for lo, hi in zip(ordered["lower_ci"], ordered["upper_ci"], strict=True)
        ],
    )
    label = shown["label"]
    numerator = shown["numerator_display"] if "numerator_display" in shown else shown["numerator"].map(count_text)
    denominator = (
        shown["denominator_display"] if "denominator_display" in shown else shown["denominator"].map(count_text)
    )
    table = [
        {"category": str(c), "value": v, "interval": i, "numerator": str(n), "denominator": str(d)}
        for c, v, i, n, d in zip(label, shown["value_text"], shown["interval"], numerator, denominator, strict=True)
    ]
    columns = ["category", "value", "interval", "numerator", "denominator"]
    if benchmark is not None and polarity is not None:
        verdicts = comparisons(ordered, benchmark, polarity)
        by_label = dict(zip(ordered["label"].tolist(), verdicts, strict=True))
        for row, name in zip(table, label, strict=True):
            row["comparison"] = str(by_label.get(str(name), "not compared")).capitalize()
        columns.append("comparison")
    caveats = frame_caveats(ordered)
    if any(caveats):  # PCN values that cover only some of their practices say so in the table
        columns.append("coverage")
        for row, caveat in zip(table, caveats, strict=True):
            row["coverage"] = caveat or "All practices"
        summary += " " + "; ".join(f"{t['category']}: {c}" for t, c in zip(table, caveats, strict=True) if c) + "."
    chart = Chart(key, title, figure_json(figure), summary, table, columns)
    return chart, rows, sii_result


def breakdown_sii(rows: pd.DataFrame, indicator):
    """The slope index of inequality over the five IMD quintiles shown, for a percentage (logit scale, as PHE
    ``value_type = 2``) or a rate (log scale, ``value_type = 1``, in the rate's own units); None when a quintile
    is missing or suppressed, or for other units."""
    if not (
        rows.get("breakdown", pd.Series(dtype=str)).eq("imd_quintile").all()
        and len(rows) == 5
        and rows["value"].notna().all()
        and rows["denominator"].notna().all()
        and indicator.unit in ("percent", "rate")
    ):
        return None
    ordered = rows.sort_values("category")
    values = ordered["value"].to_numpy(float)
    lower, upper = ordered["lower_ci"].to_numpy(float), ordered["upper_ci"].to_numpy(float)
    if indicator.unit == "percent":
        kwargs = {"value_type": 2, "multiplier": 100, "scale": 100}
    else:
        if (values <= 0).any() or (lower <= 0).any():
            return None  # the log scale needs positive rates and limits
        kwargs = {"value_type": 1, "multiplier": 1, "scale": 1}
    scale = kwargs.pop("scale")
    try:
        return sii(
            ordered["category"].astype(int).to_numpy(),
            ordered["denominator"].to_numpy(float),
            values / scale,
            lower_cl=lower / scale,
            upper_cl=upper / scale,
            repetitions=2000,
            seed=1,
            **kwargs,
        )
    except (ValueError, TypeError):
        return None
