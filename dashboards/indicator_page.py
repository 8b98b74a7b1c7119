"""The indicator page for any indicator and area: SPC chart, benchmark table, PCNs side by side, breakdowns
with the slope index of inequality, target progress, definition and commentary.

Assembled from selectors (data), outcomes.stats (judgements) and dashboards.figures (charts), so the view stays
thin and the board pack can reuse the same pieces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from outcomes.disclosure import apply_disclosure_control
from outcomes.models import Area
from outcomes.periods import period_label
from outcomes.selectors import IndicatorData, OutcomeData
from outcomes.stats.benchmark import compare_to_benchmark
from outcomes.stats.inequality import sii
from outcomes.stats.spc import spc

from .board import IMPROVEMENT, MIN_SPC_POINTS, assess, period_months, same_period_length
from .figures import breakdown_figure, figure_summary, safe_json, spc_figure, spc_table
from .icons import ASSURANCE_ICON_LABELS, VARIATION_ICON_LABELS, assurance_icon_svg, variation_icon_svg

BREAKDOWN_TITLES = {
    "age": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnic group",
    "imd_quintile": "Deprivation",
    "partner": "Partner organisation",
}


@dataclass
class Chart:
    key: str
    title: str
    figure_json: str
    summary: str
    table: list[dict] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


@dataclass
class IndicatorPage:
    data: IndicatorData
    latest_text: str
    latest_period: str
    spc_chart: Chart | None
    variation: tuple[str, str] | None  # (svg, label)
    assurance: tuple[str, str] | None
    benchmark_rows: list[dict]
    pcn_chart: Chart | None
    breakdown_charts: list[Chart]
    targets: list
    unit: str
    export: pd.DataFrame  # exactly the numbers the page shows, for the CSV download


def _unit(indicator) -> str:
    return "%" if indicator.unit == "percent" else ""


def _latest(frame: pd.DataFrame) -> pd.Series | None:
    data = frame.dropna(subset=["value"])
    return None if data.empty else data.iloc[-1]


def _y_title(indicator) -> str:
    if indicator.unit == "percent":
        return "Per cent"
    if indicator.unit_label:
        return indicator.unit_label[:1].upper() + indicator.unit_label[1:]
    return indicator.get_unit_display()


def build(data: IndicatorData, *, as_of: dt.date, unsuppressed: bool) -> IndicatorPage:
    indicator, area = data.indicator, data.area
    unit, decimals = _unit(indicator), indicator.decimal_places
    latest = _latest(data.series)
    months = None if latest is None else int(period_months(latest.to_frame().T).iloc[0])
    series = same_period_length(data.series, months).dropna(subset=["value"])
    exports = [series.assign(section="trend", area=area.code)]

    # SPC of the area's series, with the target line when there is one.
    pcn_series = {p: same_period_length(f, months) for p, f in data.pcns.items()} if area.level == "borough" else {}
    outcome = OutcomeData(indicator, series, dict(data.comparators), pcn_series, data.targets)
    targets = [assess(t, outcome, as_of) for t in data.targets]
    target_value = next((v.assessment.target_value for v in targets if v.assessment.target_value is not None), None)
    spc_chart = variation = assurance = None
    if len(series) >= 2:
        values = series["value"].to_numpy(float)
        result = spc(values, improvement=IMPROVEMENT[indicator.polarity], target=target_value)
        figure = spc_figure(
            list(series["period_end"]),
            values,
            result,
            title=f"{indicator.display_name}, {area.display_name}",
            y_title=_y_title(indicator),
            unit=unit,
            decimals=decimals,
        )
        table = spc_table(list(series["period_end"]), result)
        spc_chart = Chart(
            "spc",
            "Statistical process control chart",
            safe_json(figure.to_json()),
            figure_summary(figure),
            _records(table, decimals),
            list(table.columns),
        )
        if result.variation_icon and len(values) >= MIN_SPC_POINTS:
            variation = (variation_icon_svg(result.variation_icon), VARIATION_ICON_LABELS[result.variation_icon])
        if result.assurance_icon and len(values) >= MIN_SPC_POINTS:
            assurance = (assurance_icon_svg(result.assurance_icon), ASSURANCE_ICON_LABELS[result.assurance_icon])

    # Benchmarks: the area's latest value against each comparator's value for the same period.
    benchmark_rows = []
    if latest is not None:
        for comparator, frame in data.comparators.items():
            same = frame[frame["period_end"] == latest["period_end"]].dropna(subset=["value"])
            if same.empty:
                continue
            bench = float(same["value"].iloc[-1])
            verdict = str(
                compare_to_benchmark(
                    float(latest["value"]),
                    _f(latest["lower_ci"]),
                    _f(latest["upper_ci"]),
                    bench,
                    polarity=indicator.polarity,
                )
            )
            benchmark_rows.append(
                {"area": comparator.display_name, "value": indicator.format_value(bench), "comparison": verdict}
            )
            exports.append(same.assign(section="benchmark", area=comparator.code))

    # The PCNs side by side, for the latest period.
    pcn_chart = None
    if latest is not None and data.pcns:
        rows = []
        for order, (pcn, frame) in enumerate(data.pcns.items()):
            same = frame[frame["period_end"] == latest["period_end"]]
            if not same.empty:
                rows.append(
                    same.iloc[-1].to_dict()
                    | {"category": pcn.code, "category_label": pcn.display_name, "sort_order": order, "area": pcn.code}
                )
        if rows:
            pcn_chart = _category_chart(
                "pcns",
                pd.DataFrame(rows),
                f"{indicator.display_name} by PCN, {period_label(latest['period_start'], latest['period_end'])}",
                indicator,
                unit,
                decimals,
                unsuppressed,
                overall=_f(latest["value"]),
                x_title="Primary care network",
            )
            exports.append(pd.DataFrame(rows).assign(section="pcn"))

    # Breakdowns of the area for the latest period that has them.
    breakdown_charts = []
    if not data.breakdowns.empty:
        frame = same_period_length(data.breakdowns, months) if months else data.breakdowns
        for breakdown, rows in frame.groupby("breakdown", sort=False):
            last = rows["period_end"].max()
            rows = rows[rows["period_end"] == last]
            title = (
                f"{indicator.display_name} by {BREAKDOWN_TITLES.get(breakdown, breakdown).lower()}, "
                f"{area.display_name}, {period_label(rows['period_start'].iloc[0], last)}"
            )
            chart = _category_chart(
                f"breakdown-{breakdown}",
                rows,
                title,
                indicator,
                unit,
                decimals,
                unsuppressed,
                overall=None,
                x_title=BREAKDOWN_TITLES.get(breakdown, breakdown),
            )
            breakdown_charts.append(chart)
            exports.append(rows.assign(section=f"breakdown:{breakdown}", area=area.code))

    export = pd.concat(exports, ignore_index=True) if exports else pd.DataFrame()
    return IndicatorPage(
        data=data,
        latest_text="No data yet" if latest is None else indicator.format_value(float(latest["value"])),
        latest_period="" if latest is None else period_label(latest["period_start"], latest["period_end"]),
        spc_chart=spc_chart,
        variation=variation,
        assurance=assurance,
        benchmark_rows=benchmark_rows,
        pcn_chart=pcn_chart,
        breakdown_charts=breakdown_charts,
        targets=targets,
        unit=unit,
        export=export,
    )


def _f(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _records(table: pd.DataFrame, decimals: int) -> list[dict]:
    out = table.copy()
    for column in out.columns:
        if out[column].dtype.kind == "f":
            out[column] = out[column].map(lambda v: "" if pd.isna(v) else f"{v:,.{decimals}f}")
    return out.astype(str).to_dict("records")


def _category_chart(key, rows: pd.DataFrame, title, indicator, unit, decimals, unsuppressed, *, overall, x_title):
    """A categories chart (PCNs, or a breakdown) with counts under disclosure control for non-analysts."""
    rows = rows.copy()
    if not unsuppressed:
        rows = apply_disclosure_control(rows)
    sii_result = None
    if (
        rows.get("breakdown", pd.Series(dtype=str)).eq("imd_quintile").all()
        and len(rows) == 5
        and rows["value"].notna().all()
        and rows["denominator"].notna().all()
        and indicator.unit == "percent"
    ):
        ordered = rows.sort_values("category")
        try:
            sii_result = sii(
                ordered["category"].astype(int).to_numpy(),
                ordered["denominator"].to_numpy(float),
                ordered["value"].to_numpy(float) / 100,
                value_type=2,
                multiplier=100,
                lower_cl=ordered["lower_ci"].to_numpy(float) / 100,
                upper_cl=ordered["upper_ci"].to_numpy(float) / 100,
                repetitions=2000,
                seed=1,
            )
        except (ValueError, TypeError):
            sii_result = None
    figure = breakdown_figure(
        rows,
        title=title,
        y_title=_y_title(indicator),
        sii_result=sii_result,
        x_title=x_title,
        overall=overall,
        unit=unit,
        decimals=decimals,
    )
    summary = figure_summary(figure)
    shown = rows.assign(
        value_text=[indicator.format_value(None if pd.isna(v) else float(v)) for v in rows["value"]],
        interval=[
            ""
            if pd.isna(lo) or pd.isna(hi)
            else f"{indicator.format_value(float(lo))} to {indicator.format_value(float(hi))}"
            for lo, hi in zip(rows.get("lower_ci", np.nan), rows.get("upper_ci", np.nan), strict=False)
        ],
    )
    label = shown["category_label"] if "category_label" in shown else shown["category"]
    numerator = shown["numerator_display"] if "numerator_display" in shown else shown["numerator"].map(_count)
    denominator = shown["denominator_display"] if "denominator_display" in shown else shown["denominator"].map(_count)
    table = [
        {"category": str(c), "value": v, "interval": i, "numerator": str(n), "denominator": str(d)}
        for c, v, i, n, d in zip(label, shown["value_text"], shown["interval"], numerator, denominator, strict=True)
    ]
    return Chart(
        key,
        title,
        safe_json(figure.to_json()),
        summary,
        table,
        ["category", "value", "interval", "numerator", "denominator"],
    )


def _count(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value:,.0f}"


def area_choices(data: IndicatorData) -> list[Area]:
    """Areas the page can switch to: the borough, its PCNs and the comparators."""
    return [*data.pcns.keys(), *data.comparators.keys()]
