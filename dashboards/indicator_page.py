"""The indicator page for any indicator and area: SPC chart, benchmark table, PCNs side by side, breakdowns
with the slope index of inequality, target progress, definition and commentary.

Assembled from selectors (data), outcomes.stats (judgements) and dashboards.figures (charts), so the view stays
thin and the board pack can reuse the same pieces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.urls import reverse

from outcomes.coverage import frame_caveats
from outcomes.disclosure import SUPPRESSED_TEXT, overlay_controlled, rows_by_area, rows_with_keys_of
from outcomes.models import KEY_COLUMNS, Area
from outcomes.periods import rebase_positions
from outcomes.selectors import IndicatorData, OutcomeData
from outcomes.stats.benchmark import compare_to_benchmark
from outcomes.stats.spc import spc
from outcomes.units import format_value
from outcomes.vocabulary import BREAKDOWN_TITLES

from .board import IMPROVEMENT, assess, latest_valued, months_spanned, same_period_length
from .category_chart import category_chart
from .chart import Chart, y_title
from .figures import (
    figure_json,
    figure_summary,
    mark_partial_coverage,
    run_chart_words,
    spc_figure,
    spc_table,
)
from .icons import ASSURANCE_ICON_LABELS, VARIATION_ICON_LABELS, assurance_icon_svg, variation_icon_svg
from .indicator_export import EXPORT_COLUMNS, for_export, hidden_rows
from .target_path import target_trajectory, trajectory_words


@dataclass
class IndicatorPage:
    data: IndicatorData
    latest_text: str
    latest_period: str
    latest_interval: str  # "95% CI a to b" for the latest value shown, or ""
    spc_chart: Chart | None
    variation: tuple[str, str] | None  # (svg, label)
    assurance: tuple[str, str] | None
    benchmark_rows: list[dict]
    pcn_chart: Chart | None
    breakdown_charts: list[Chart]
    targets: list
    unit: str
    export: pd.DataFrame  # exactly the numbers the page shows, for the CSV download (see EXPORT_COLUMNS)
    shift_since: dt.date | None = None  # period start of a sustained shift in the last SPC group (re-base prompt)
    too_few_points: str = ""  # the run chart's words when the latest period has too few points for limits
    latest_coverage: str = ""  # the caveat on the latest value when it covers only some member practices


SUPPRESSED_WORDS = "Not shown: a count of 1 to 7, or one that would reveal it, is suppressed"
CONTROL_KEYS = list(KEY_COLUMNS)  # how a page's rows are found in the controlled frame


def controlled_rows_shown(data: IndicatorData, controlled: pd.DataFrame) -> pd.DataFrame:
    """The rows of the indicator's controlled frame that the page overlays: the area's own series and
    breakdowns, and the PCNs' series; for OUT5 a few thousand of the frame's 80,000 rows (ADR 0032)."""
    return rows_with_keys_of(controlled, [data.series, data.breakdowns, *data.pcns.values()], CONTROL_KEYS)


def _unit(indicator) -> str:
    """The suffix the figures put after values ("%", "years", "per 100,000")."""
    return indicator.unit_suffix


def build(
    data: IndicatorData,
    *,
    as_of: dt.date,
    unsuppressed: bool,
    controlled_frame: pd.DataFrame | None = None,
    min_points: int = 15,
) -> IndicatorPage:
    """The page; ``controlled_frame`` is the indicator's one controlled frame (`dashboards.controlled`), loaded
    when not given and the reader is not an analyst. ``min_points`` (settings.SPC_MIN_POINTS) is the fewest points
    since the last re-base for process limits and icons; fewer give a run chart."""
    indicator, area = data.indicator, data.area
    unit, decimals = _unit(indicator), indicator.decimal_places
    if not unsuppressed and controlled_frame is None:
        from .controlled import controlled_observations

        controlled_frame = controlled_observations(indicator)
    by_area = None if unsuppressed or controlled_frame is None else rows_by_area(controlled_frame)

    def control(frame: pd.DataFrame) -> pd.DataFrame:
        """Rows below borough level as the one controlled frame has them (see ADR 0008)."""
        if unsuppressed or frame.empty:
            return frame
        return overlay_controlled(frame, controlled_frame, keys=CONTROL_KEYS, decimals=decimals, by_area=by_area)

    # Below borough level the area's own counts are under disclosure control for everyone but analysts: its
    # values from suppressed counts are not shown, the others are recomputed from the controlled counts, and the
    # SPC runs on the values that remain shown (a mean or limit over hidden values would let a reader work them
    # out).
    controlled = area.level in ("pcn", "practice") and not unsuppressed
    own = data.series
    if controlled and not own.empty:
        own = control(own)
    latest_row = latest_valued(data.series)  # the latest period with a value, whether or not it may be shown
    months = None if latest_row is None else months_spanned(latest_row["period_start"], latest_row["period_end"])
    if latest_row is not None:
        latest_row = own.loc[latest_row.name]  # the same row, as it may be shown
    latest_value = None if latest_row is None else _f(latest_row["value"])
    latest = latest_row if latest_value is not None else None  # what the comparisons may use
    same_length = same_period_length(own, months)
    hidden = same_length[hidden_rows(same_length)]
    series = same_length.dropna(subset=["value"])
    trend_export = for_export(pd.concat([series, hidden]).sort_values("period_end", kind="stable"), section="trend")
    trend_export = trend_export.assign(area=area.code)
    exports = []

    # SPC of the area's series, with the target line when there is one.
    pcn_series = {p: same_period_length(f, months) for p, f in data.pcns.items()} if area.level == "borough" else {}
    outcome = OutcomeData(indicator, series, dict(data.comparators), pcn_series, data.targets)
    targets = [assess(t, outcome, as_of) for t in data.targets]
    target_value = next((v.assessment.target_value for v in targets if v.assessment.target_value is not None), None)
    spc_chart = variation = assurance = shift_since = None
    too_few_points = ""
    if len(series) >= 2:
        values = series["value"].to_numpy(float)
        rebase_at = rebase_positions(list(series["period_start"]), [starts for starts, _ in data.rebases])
        result = spc(
            values,
            improvement=IMPROVEMENT[indicator.polarity],
            target=target_value,
            rebase_at=rebase_at,
            min_points=min_points,
        )
        reasons = [_rebase_reason(data.rebases, series["period_start"].iloc[p]) for p in rebase_at]
        shift_since = _shift_start(result, list(series["period_start"]))
        too_few_points = run_chart_words(result)
        figure = spc_figure(
            list(series["period_end"]),
            values,
            result,
            title=f"{indicator.display_name}, {area.display_name}",
            y_title=y_title(indicator),
            unit=unit,
            decimals=decimals,
            band=next(((v.target.lower, v.target.upper) for v in targets if v.target.kind == "band"), None),
            trajectory=(trajectory := target_trajectory(targets, series)),
            rebase_reasons=reasons,
            frequency=indicator.frequency,
        )
        caveats = frame_caveats(series)
        mark_partial_coverage(figure, list(series["period_end"]), list(values), caveats)
        table = spc_table(list(series["period_end"]), result)
        if any(caveats):
            table = table.assign(coverage=[c or "All practices" for c in caveats])
        records = _records(table, decimals)
        summary = figure_summary(figure)
        if trajectory is not None:
            summary += trajectory_words(trajectory, series, indicator, area)
        for position, reason in zip(rebase_at, reasons, strict=True):
            starts = series["period_start"].iloc[position]
            summary += f" The mean and limits are recalculated from {starts:%b %Y}: {reason}"
        if not hidden.empty:
            blank = dict.fromkeys(table.columns, "")
            records += [
                blank | {"period_end": str(end), "value": SUPPRESSED_TEXT, "meaning": SUPPRESSED_WORDS}
                for end in hidden["period_end"]
            ]
            records.sort(key=lambda r: r["period_end"])
            summary += (
                f" {len(hidden)} period{'s' if len(hidden) != 1 else ''} not shown because a count of 1 to 7, or one "
                f"that would reveal it, is suppressed; the mean and limits are from the {len(series)} periods shown."
            )
        spc_chart = Chart(
            "spc",
            "Statistical process control chart",
            figure_json(figure),
            summary,
            records,
            list(table.columns),
        )
        limits = table[["mean", "lower_process_limit", "upper_process_limit"]].set_axis(series.index)
        trend_export = for_export(
            pd.concat([series.join(limits), hidden]), section="trend", area=area.code
        ).sort_values("period_end", kind="stable")
        if result.variation_icon:  # none below min_points (a run chart)
            variation = (variation_icon_svg(result.variation_icon), VARIATION_ICON_LABELS[result.variation_icon])
        if result.assurance_icon:
            assurance = (assurance_icon_svg(result.assurance_icon), ASSURANCE_ICON_LABELS[result.assurance_icon])
    exports.append(trend_export)

    # Benchmarks: the area's latest value against each comparator's value for the same period.
    benchmark_rows = []
    if latest_row is not None:
        for comparator, frame in data.comparators.items():
            same = frame[frame["period_end"] == latest_row["period_end"]].dropna(subset=["value"])
            own_period = same.empty
            if own_period:  # no value for the area's latest period: the comparator's own latest, with its period
                same = frame[frame["period_end"] <= latest_row["period_end"]].dropna(subset=["value"])
                same = same if not same.empty else frame.dropna(subset=["value"])
                if same.empty:
                    continue
                same = same.sort_values(["period_end", "period_start"], kind="stable").iloc[[-1]]
            bench = float(same["value"].iloc[-1])
            verdict = "not compared"  # a comparator's value for another period is shown, not compared
            if latest is not None and not own_period:
                verdict = str(
                    compare_to_benchmark(
                        latest_value, _f(latest["lower_ci"]), _f(latest["upper_ci"]), bench, polarity=indicator.polarity
                    )
                )
            row = same.iloc[-1]
            benchmark_rows.append(
                {
                    "area": comparator.display_name,
                    "value": indicator.format_value(bench),
                    "interval": _interval_text(indicator, row["lower_ci"], row["upper_ci"]),
                    "comparison": verdict,
                    "period": indicator.period_label(row["period_start"], row["period_end"]),
                    "other_period": own_period,
                }
            )
            # Benchmarks are above borough level; the page shows their values and intervals, not their counts.
            shown = same.iloc[[-1]][
                ["period_start", "period_end", "breakdown", "category", "value", "lower_ci", "upper_ci"]
            ]
            exports.append(shown.assign(section="benchmark", area=comparator.code, comparison=verdict))

    # The PCNs side by side, for the latest period; each PCN links to this indicator's page for it.
    pcn_chart = None
    latest_period = (
        "" if latest_row is None else indicator.period_label(latest_row["period_start"], latest_row["period_end"])
    )
    if latest_row is not None and data.pcns and "pcn" in indicator.levels:
        rows, links = [], []
        # Each PCN's rows for the latest period, controlled in one pass (a pass costs the same for one row or many).
        latest_end = latest_row["period_end"]
        at_latest = {pcn: frame[frame["period_end"] == latest_end] for pcn, frame in data.pcns.items()}
        parts = [f for f in at_latest.values() if not f.empty]
        shown_at_latest = control(pd.concat(parts)) if parts else None
        for order, (pcn, frame) in enumerate(at_latest.items()):
            if shown_at_latest is not None and not frame.empty:
                frame = shown_at_latest[shown_at_latest["area_id"] == pcn.pk]
            same = frame
            if not same.empty:
                rows.append(
                    same.iloc[-1].to_dict()
                    | {"category": pcn.code, "category_label": pcn.display_name, "sort_order": order, "area": pcn.code}
                )
                links.append(reverse("dashboards:indicator_area", args=[indicator.code, pcn.code]))
        harrow = _value_at(data.borough_series, latest_row["period_end"])
        if area.level == "borough":
            harrow = latest_value
        if rows:
            pcn_chart, shown_rows, _ = category_chart(
                "pcns",
                pd.DataFrame(rows),
                f"{indicator.display_name} by PCN, {latest_period}",
                indicator,
                unit,
                decimals,
                unsuppressed,
                overall=None,
                x_title="Primary care network",
                benchmark=harrow,
                polarity=indicator.polarity,
            )
            pcn_chart.links = links
            exports.append(for_export(shown_rows, section="pcn"))

    # Breakdowns of the area for the latest period that has them.
    breakdown_charts = []
    if not data.breakdowns.empty:
        frame = same_period_length(data.breakdowns, months) if months else data.breakdowns
        frame = frame.reset_index(drop=True)
        # Every breakdown's latest rows, controlled in one pass, then taken breakdown by breakdown.
        latest_rows = frame["period_end"] == frame.groupby("breakdown", sort=False)["period_end"].transform("max")
        shown_latest = control(frame[latest_rows])
        for breakdown, rows in frame.groupby("breakdown", sort=False):
            last = rows["period_end"].max()
            rows = shown_latest.loc[rows.index[(rows["period_end"] == last).to_numpy()]]
            title = (
                f"{indicator.display_name} by {BREAKDOWN_TITLES.get(breakdown, breakdown).lower()}, "
                f"{area.display_name}, {indicator.period_label(rows['period_start'].iloc[0], last)}"
            )
            chart, shown_rows, sii_result = category_chart(
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
            section = for_export(shown_rows, section=f"breakdown:{breakdown}", area=area.code)
            if sii_result is not None:
                low, high = sii_result.sii_limits.get(0.95, (np.nan, np.nan))
                section = section.assign(sii=sii_result.sii, sii_lower_ci=low, sii_upper_ci=high)
            exports.append(section)

    export = pd.concat(exports, ignore_index=True)
    export = export[[c for c in EXPORT_COLUMNS if c in export.columns]]
    if latest_row is None:
        latest_text = "No data yet"
    elif latest_value is None:
        latest_text = f"{SUPPRESSED_TEXT} (a count of 1 to 7, or one that would reveal it, is suppressed)"
    else:
        latest_text = indicator.format_value(latest_value)
    latest_interval = "" if latest is None else _interval_text(indicator, latest["lower_ci"], latest["upper_ci"])
    latest_coverage = "" if latest is None else frame_caveats(latest.to_frame().T)[0]
    return IndicatorPage(
        latest_coverage=latest_coverage,
        data=data,
        latest_text=latest_text,
        latest_period=latest_period,
        latest_interval=latest_interval,
        spc_chart=spc_chart,
        variation=variation,
        assurance=assurance,
        benchmark_rows=benchmark_rows,
        pcn_chart=pcn_chart,
        breakdown_charts=breakdown_charts,
        targets=targets,
        unit=unit,
        export=export,
        shift_since=shift_since,
        too_few_points=too_few_points,
    )


def _rebase_reason(rebases: list[tuple[dt.date, str]], starts: dt.date) -> str:
    """The reason of the re-base that starts the group at ``starts`` (the latest on or before it)."""
    return next((reason for on, reason in reversed(rebases) if on <= starts), "")


def _shift_start(result, period_starts: list) -> dt.date | None:
    """Start of the latest run of points on one side of the mean (the SPC `shift` rule) in the last group, if
    that run reaches the latest point: a sustained shift an analyst may want to re-base at. None otherwise,
    and for a run chart (no limits, so no shift)."""
    if result.too_few_points or not len(result.shift) or not bool(result.shift[-1]):
        return None
    first = result.groups[-1].first_index
    start = len(result.shift) - 1
    while (
        start > first
        and bool(result.shift[start - 1])
        and result.relative_to_mean[start - 1] == (result.relative_to_mean[-1])
    ):
        start -= 1
    return None if start == first else period_starts[start]


def _interval_text(indicator, lower, upper) -> str:
    if pd.isna(lower) or pd.isna(upper):
        return ""
    return f"95% CI {indicator.format_value(float(lower))} to {indicator.format_value(float(upper))}"


def _f(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _records(table: pd.DataFrame, decimals: int) -> list[dict]:
    out = table.copy()
    for column in out.columns:
        if out[column].dtype.kind == "f":
            out[column] = out[column].map(lambda v: format_value(v, decimals=decimals, missing=""))
    return out.astype(str).to_dict("records")


def _value_at(frame: pd.DataFrame | None, period_end) -> float | None:
    """The headline value of ``frame`` for the period ending ``period_end`` (None when it has none)."""
    if frame is None or frame.empty:
        return None
    same = frame[frame["period_end"] == period_end].dropna(subset=["value"])
    return None if same.empty else float(same["value"].iloc[-1])


def area_choices(data: IndicatorData) -> list[Area]:
    """Areas the page can switch to: the borough, its PCNs (only for an indicator published by PCN) and the
    comparators."""
    pcns = list(data.pcns.keys()) if "pcn" in data.indicator.levels else []
    return [*pcns, *data.comparators.keys()]
