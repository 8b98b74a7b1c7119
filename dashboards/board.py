"""The board overview: one tile per outcome measure, assembled from selectors, stats and figures.

Kept out of the view so the board pack can build the same tiles for any month.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.conf import settings

from outcomes.coverage import frame_caveats
from outcomes.models import Area, Indicator, Target
from outcomes.periods import rebase_positions
from outcomes.selectors import OutcomeData, board_outcomes, headline_series, rebase_starts, tracked_measures, value_at
from outcomes.stats.benchmark import compare_to_benchmark
from outcomes.stats.spc import SPCResult, spc
from outcomes.stats.target_groups import combine_child_assessments
from outcomes.stats.targets import STATUS_LABELS, TargetAssessment, assess_target
from outcomes.units import unit_note

from .figures import figure_json, mark_partial_coverage, trend_figure, with_values
from .icons import ASSURANCE_ICON_LABELS, VARIATION_ICON_LABELS, assurance_icon_svg, variation_icon_svg
from .sparkline import sparkline_svg

IMPROVEMENT = {"high_is_good": "increase", "low_is_good": "decrease", "no_judgement": "neutral"}
#: Months after a period's expected end before its data counts as overdue (publication lag).
PUBLICATION_LAG_MONTHS = 3
#: Fewest points for which the variation and assurance icons are shown (NHSRplotthedots warns below 13).
#: Point types that count as "special cause" on the board (a neutral special cause is neither good nor bad news).
SPECIAL_CAUSE_POINTS = frozenset({"special_cause_improvement", "special_cause_concern"})
SPARKLINE_POINTS = 24  # two years of a monthly series; every point of an annual one

__all__ = ["STATUS_LABELS", "OutcomeTile", "TargetView", "board_tiles", "build_tile", "overdue_indicators"]


@dataclass
class ComparatorValue:
    name: str
    value_text: str
    period: str
    comparison: str = "not compared"


@dataclass
class TargetView:
    target: Target
    assessment: TargetAssessment
    status_label: str
    child_summary: str = ""


@dataclass
class OutcomeTile:
    indicator: Indicator
    latest_text: str
    latest_period: str
    comparators: list[ComparatorValue]
    targets: list[TargetView]
    figure_json: str
    table: list[dict] = field(default_factory=list)
    summary: str = ""
    variation: tuple[str, str] | None = None  # (svg, label)
    assurance: tuple[str, str] | None = None
    sparkline: str = ""  # inline SVG of the recent trend, labelled in words
    variation_code: str | None = None  # SPCResult.variation_icon, e.g. "concern_high"
    assurance_code: str | None = None  # SPCResult.assurance_icon: "pass", "fail" or "inconsistent"
    latest_period_end: dt.date | None = None
    special_cause_ends: frozenset[dt.date] = frozenset()  # periods whose point is special cause (improving/concern)
    unit_note: str = ""  # the unit where the value does not carry it ("per 1,000 weighted population per year")
    latest_caveat: str = ""  # "Covers 27 of 29 practices (93% of ...)" when the latest value is partial
    table_has_coverage: bool = False  # some row of ``table`` is partial: the table shows a coverage column


def _unit(indicator: Indicator) -> str:
    return "%" if indicator.unit == "percent" else ""


def latest_valued(series: pd.DataFrame) -> pd.Series | None:
    """The last row with a value. Positions from numpy: ``dropna`` copied the frame on every one of the few
    hundred calls a board build makes (a quarter of its time)."""
    valued = series["value"].notna().to_numpy().nonzero()[0]
    return None if len(valued) == 0 else series.iloc[int(valued[-1])]


def assess(target: Target, data: OutcomeData, as_of: dt.date) -> TargetView:
    """Assess a target for Harrow and, where it must hold in every PCN, for each PCN too; where it must hold in
    every group (``target.groups``), for each group with breakdown data, naming the groups that miss."""
    indicator = data.indicator

    def one(series: pd.DataFrame) -> TargetAssessment:
        latest = latest_valued(series)
        comparator_value = None
        if target.comparator_area is not None:
            comparator = next((f for a, f in data.comparators.items() if a.pk == target.comparator_area_id), None)
            if comparator is not None and latest is not None:
                comparator_value = value_at(comparator, latest["period_end"])
                if comparator_value is None:
                    comparator_latest = latest_valued(comparator)
                    comparator_value = None if comparator_latest is None else float(comparator_latest["value"])
        valued = with_values(series)
        return assess_target(
            kind=target.kind,
            polarity=indicator.polarity,
            as_of=as_of,
            due_date=target.due_date,
            latest_value=None if latest is None else float(latest["value"]),
            latest_date=None if latest is None else latest["period_end"],
            target_value=target.value if target.kind == "absolute" else None,
            baseline_value=target.baseline_value,
            baseline_date=target.baseline_period_end,
            change=target.value if target.kind == "relative_change" else None,
            relative_unit=target.relative_unit or None,
            comparator_value=comparator_value,
            comparator_name=target.comparator_area.display_name if target.comparator_area else "comparator",
            lower=target.lower,
            upper=target.upper,
            series_dates=list(valued["period_end"]),
            series_values=[float(v) for v in valued["value"]],
            unit=_unit(indicator),
            decimals=indicator.decimal_places,
            latest_label=None
            if latest is None
            else indicator.period_label(latest["period_start"], latest["period_end"]),
        )

    assessment = one(data.series)
    child_summary = ""
    if target.applies_to_each_child and data.children:
        children = [(area.display_name, one(series)) for area, series in data.children.items()]
        assessment, child_summary = combine_child_assessments(
            assessment, children, as_of=as_of, due_date=target.due_date, whole=f"{data_area_name(target)} as a whole"
        )
    if target.groups:  # e.g. "in every age, ethnic and socio-economic group": judge each group with data
        from outcomes.selectors import latest_breakdowns
        from outcomes.stats.target_groups import GroupAssessment, combine_group_assessments
        from outcomes.vocabulary import BREAKDOWN_CATEGORIES, breakdown_label, group_label

        headline = latest_valued(data.series)  # groups are judged for the headline's period (and never after as_of)
        up_to = as_of if headline is None else min(as_of, headline["period_end"])
        rows = latest_breakdowns([indicator.pk], [target.area_id], up_to=up_to)  # one query
        if headline is not None and not rows.empty:  # an older group value says nothing about this period
            same = (rows["period_end"] == headline["period_end"]) & (rows["period_start"] == headline["period_start"])
            rows = rows[same]
        groups, missing = [], []
        for breakdown in target.groups:
            part = rows[rows["breakdown"] == breakdown] if not rows.empty else rows
            if part.empty:
                missing.append(breakdown_label(breakdown))
                continue
            order = {c: i for i, c in enumerate(BREAKDOWN_CATEGORIES.get(breakdown, ()))}
            for i in sorted(range(len(part)), key=lambda i: (order.get(part["category"].iloc[i], len(order)), i)):
                row = part.iloc[[i]]
                valued = pd.notna(row["value"].iloc[0])
                groups.append(
                    GroupAssessment(
                        breakdown_label(breakdown),
                        group_label(breakdown, row["category"].iloc[0]),
                        one(row) if valued else None,
                    )
                )
        assessment = combine_group_assessments(
            assessment,
            groups,
            as_of=as_of,
            due_date=target.due_date,
            missing_breakdowns=missing,
            whole=f"{data_area_name(target)} as a whole",
        )
    return TargetView(target, assessment, STATUS_LABELS[assessment.status], child_summary)


def data_area_name(target: Target) -> str:
    """The name of the area a target is set for, as the reasons print it ("Harrow")."""
    return target.area.display_name


def same_period_length(frame: pd.DataFrame, months: int | None) -> pd.DataFrame:
    """Rows whose period spans ``months`` months: a chart never mixes monthly points with annual ones."""
    if months is None or frame.empty:
        return frame
    return frame[period_months(frame) == months]


def period_months(frame: pd.DataFrame) -> pd.Series:
    """Each row's period length in whole calendar months (April to March is 12)."""
    spans = zip(frame["period_start"], frame["period_end"], strict=True)
    months = [months_spanned(start, end) for start, end in spans]
    return pd.Series(months, index=frame.index, dtype="int64")


def months_spanned(start: dt.date, end: dt.date) -> int:
    """Calendar months from ``start``'s to ``end``'s, both counted. Plain date arithmetic: ``pd.to_datetime`` on
    each small frame cost a board build a third of its time."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def comparable(data: OutcomeData) -> OutcomeData:
    """The outcome's series restricted to the period length of its latest value (e.g. monthly)."""
    latest = latest_valued(data.series)
    months = None if latest is None else months_spanned(latest["period_start"], latest["period_end"])
    return OutcomeData(
        indicator=data.indicator,
        series=same_period_length(data.series, months),
        comparators={a: same_period_length(f, months) for a, f in data.comparators.items()},
        children={a: same_period_length(f, months) for a, f in data.children.items()},
        targets=data.targets,
        rebases=data.rebases,
    )


def build_tile(data: OutcomeData, borough: Area, as_of: dt.date, *, drawn: bool = True) -> OutcomeTile:
    """The outcome's tile. ``drawn=False`` leaves out the chart, table, sparkline and comparators, for a tile read
    only for its state (the board's changes since last month): about 80 ms where a drawn month of tiles takes
    100 ms at a million rows."""
    data = comparable(data)
    indicator = data.indicator
    latest = latest_valued(data.series)
    unit_text = indicator.unit_label or ("per cent" if indicator.unit == "percent" else indicator.get_unit_display())
    if indicator.unit == "rate" and indicator.unit_label:
        unit_text = f"Rate {indicator.unit_label}"
    comparators = []
    for area, frame in data.comparators.items() if drawn else ():
        row = latest_valued(frame)
        if row is not None:
            comparison = "not compared"
            if latest is not None and row["period_end"] == latest["period_end"]:
                comparison = str(
                    compare_to_benchmark(
                        float(latest["value"]),
                        _num(latest["lower_ci"]),
                        _num(latest["upper_ci"]),
                        float(row["value"]),
                        polarity=indicator.polarity,
                    )
                )
            comparators.append(
                ComparatorValue(
                    area.display_name,
                    indicator.format_value(float(row["value"])),
                    indicator.period_label(row["period_start"], row["period_end"]),
                    comparison,
                )
            )
    targets = [assess(t, data, as_of) for t in data.targets]
    band = next(((t.lower, t.upper) for t in data.targets if t.kind == "band"), None)
    target_line = next((v.assessment.target_value for v in targets if v.assessment.target_value is not None), None)
    figure = None
    if drawn:
        figure = trend_figure(
            data.series,
            title=f"{indicator.display_name}, {borough.display_name}",
            y_title=unit_text[:1].upper() + unit_text[1:],
            area_name=borough.display_name,
            comparators={a.display_name: f for a, f in data.comparators.items()},
            target=None if band else target_line,
            band=band,
            target_text=None if target_line is None else indicator.format_value(target_line),
            frequency=indicator.frequency,
        )
    valued = with_values(data.series)
    caveats = frame_caveats(valued)
    if figure is not None:
        mark_partial_coverage(figure, list(valued["period_end"]), list(valued["value"]), caveats)
    table = [
        {
            "coverage": caveat,
            "period": indicator.period_label(r.period_start, r.period_end),
            "value": indicator.format_value(r.value),
            "interval": (
                f"{indicator.format_value(r.lower_ci)} to {indicator.format_value(r.upper_ci)}"
                if pd.notna(r.lower_ci) and pd.notna(r.upper_ci)
                else ""
            ),
        }
        for r, caveat in zip(valued.itertuples(), caveats, strict=True)
        if drawn
    ]
    if latest is None:
        latest_text, latest_period = "No data yet", ""
        summary = f"No value has been recorded yet for {indicator.display_name}."
    else:
        latest_text = indicator.format_value(float(latest["value"]))
        latest_period = indicator.period_label(latest["period_start"], latest["period_end"])
        first = valued.iloc[0]
        first_period = indicator.period_label(first["period_start"], first["period_end"])
        summary = (
            f"{len(valued)} values, the first for {first_period}; the latest, for {latest_period}, is {latest_text}."
        )
    sparkline = ""
    recent = valued.tail(SPARKLINE_POINTS)
    if drawn and len(recent) >= 2:
        first = recent.iloc[0]
        first_period = indicator.period_label(first["period_start"], first["period_end"])
        sparkline = sparkline_svg(
            list(recent["value"].astype(float)),
            label=(
                f"Trend over the last {len(recent)} values: from {indicator.format_value(float(first['value']))} "
                f"({first_period}) to {latest_text} ({latest_period})"
            ),
        )
    variation = assurance = None
    variation_code = assurance_code = None
    special_cause_ends: frozenset[dt.date] = frozenset()
    result = _spc(indicator, valued, data.rebases, target_line)
    if result is not None:
        variation_code, assurance_code = result.variation_icon, result.assurance_icon
        if result.variation_icon:
            variation = (variation_icon_svg(result.variation_icon), VARIATION_ICON_LABELS[result.variation_icon])
        if result.assurance_icon:
            assurance = (assurance_icon_svg(result.assurance_icon), ASSURANCE_ICON_LABELS[result.assurance_icon])
        special = [str(t) in SPECIAL_CAUSE_POINTS for t in result.point_type]
        special_cause_ends = frozenset(e for e, flag in zip(valued["period_end"], special, strict=True) if flag)
    return OutcomeTile(
        variation_code=variation_code,
        assurance_code=assurance_code,
        latest_period_end=None if latest is None else latest["period_end"],
        special_cause_ends=special_cause_ends,
        unit_note=""
        if indicator.unit == "percent"
        else unit_note(indicator.unit_suffix, indicator.unit_label or indicator.get_unit_display()),
        variation=variation,
        assurance=assurance,
        indicator=indicator,
        latest_text=latest_text,
        latest_period=latest_period,
        comparators=comparators,
        targets=targets,
        figure_json="" if figure is None else figure_json(figure),
        table=table,
        summary=summary,
        sparkline=sparkline,
        latest_caveat=caveats[-1] if caveats else "",
        table_has_coverage=any(caveats),
    )


def _spc(indicator: Indicator, valued: pd.DataFrame, rebases, target: float | None) -> SPCResult | None:
    """The XmR chart of a measure's values, or None with too few points for the icons to mean anything."""
    # Making Data Count: icons need enough points to mean anything; the same minimum as every SPC chart's.
    if len(valued) < settings.SPC_MIN_POINTS:
        return None
    return spc(
        valued["value"].to_numpy(float),
        improvement=IMPROVEMENT[indicator.polarity],
        target=target,
        rebase_at=rebase_positions(list(valued["period_start"]), [starts for starts, _ in rebases]),
    )


@dataclass(frozen=True)
class MeasureIcons:
    """A tracked measure's place in the Making Data Count summary matrix."""

    indicator: Indicator
    variation_code: str | None
    assurance_code: str | None


def measure_icons(indicator: Indicator, series: pd.DataFrame, rebases, target: float | None) -> MeasureIcons:
    """Variation and assurance icons of a measure's headline series (its latest period length only)."""
    latest = latest_valued(series)
    months = None if latest is None else months_spanned(latest["period_start"], latest["period_end"])
    valued = with_values(same_period_length(series, months))
    result = _spc(indicator, valued, rebases, target)
    if result is None:
        return MeasureIcons(indicator, None, None)
    return MeasureIcons(indicator, result.variation_icon, result.assurance_icon)


def tracked_measure_icons(borough: Area, *, up_to: dt.date | None = None) -> list[MeasureIcons]:
    """Icons of every tracked measure other than the outcomes (their tiles carry theirs) for the Making Data Count
    summary matrix, with data for periods ending by ``up_to`` (the board pack's month). Assurance is against a
    single target value for the borough."""
    indicators = tracked_measures(borough)
    ids = [i.pk for i in indicators]
    frame = headline_series(ids, [borough.pk], up_to=up_to)
    by_indicator = {key: group for key, group in frame.groupby("indicator_id", sort=False)}
    rebases = rebase_starts(ids, borough.pk)
    return [
        measure_icons(
            indicator,
            by_indicator[indicator.pk],
            rebases.get(indicator.pk, []),
            next((t.value for t in indicator.borough_targets), None),
        )
        for indicator in indicators
        if indicator.pk in by_indicator
    ]


def _num(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@dataclass
class Overdue:
    indicator: Indicator
    latest_period: str
    expected_by: dt.date | None


def overdue_indicators(indicators: list[Indicator], latest: pd.DataFrame, as_of: dt.date) -> list[Overdue]:
    """Indicators whose next period, plus the publication lag, has passed without new data (or with none)."""
    from outcomes.models.choices import FREQUENCY_MONTHS

    by_indicator = {row.indicator_id: row for row in latest.itertuples()} if not latest.empty else {}
    out = []
    for indicator in indicators:
        months = FREQUENCY_MONTHS.get(indicator.frequency)
        if months is None:
            continue
        row = by_indicator.get(indicator.pk)
        if row is None:
            out.append(Overdue(indicator, "no data yet", None))
            continue
        expected = (pd.Timestamp(row.period_end) + pd.DateOffset(months=months + PUBLICATION_LAG_MONTHS)).date()
        if as_of > expected:
            out.append(Overdue(indicator, indicator.period_label(row.period_start, row.period_end), expected))
    return out


def board_tiles(as_of: dt.date, *, up_to: dt.date | None = None, drawn: bool = True) -> tuple[Area, list[OutcomeTile]]:
    """The tiles assessed on ``as_of``; ``up_to`` limits the data to periods ending by then (board packs);
    ``drawn=False`` for tiles read only for their state (``build_tile``)."""
    borough, outcomes = board_outcomes(up_to=up_to)
    return borough, [build_tile(data, borough, as_of, drawn=drawn) for data in outcomes]
