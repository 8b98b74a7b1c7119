"""The plan's logic model (Appendix D) as the board reads it: workstream activities -> outputs -> short-term
outcomes -> the five partnership outcomes -> long-term impact, each measure with its latest status.

A measure's status is its target assessment where it has a target (the same assessment the board overview
shows), otherwise how Harrow's latest value compares with England's for the same period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from outcomes.models import Indicator
from outcomes.models.choices import LogicTier
from outcomes.selectors import HARROW_CODE, areas_by_code, latest_headline
from outcomes.stats.benchmark import compare_to_benchmark
from workstreams.models import Workstream
from workstreams.selectors import logic_model_workstreams

from . import pages

ENGLAND_CODE = "E92000001"
COMPARISON_LABELS = {"similar": "Similar to England", "not compared": "Not compared with England"}
TIERS = (LogicTier.SHORT_TERM, LogicTier.MEDIUM_TERM, LogicTier.LONG_TERM)


@dataclass(frozen=True)
class MeasureStatus:
    indicator: Indicator
    value_text: str
    period: str
    label: str  # "On track", "Better than England", "No data yet"
    tone: str  # a CSS modifier: met / on_track / off_track / not_met / baseline_set / no_data / cmp-<comparison> / none


@dataclass
class LogicRow:
    """One workstream's chain through the model."""

    workstream: Workstream
    activities: list[str]
    outputs: list[str]
    measures: dict[str, list[MeasureStatus]] = field(default_factory=dict)  # by tier


@dataclass
class LogicModel:
    objectives: list[tuple[str, list[LogicRow]]]
    statuses: dict[int, MeasureStatus]  # every measure shown, by indicator id

    @property
    def measure_count(self) -> int:
        return len(self.statuses)


def measure_statuses(indicators: Iterable[Indicator], today: dt.date) -> dict[int, MeasureStatus]:
    """The latest status of each indicator for Harrow (two queries plus the cached board tiles)."""
    indicators = list(indicators)
    areas = areas_by_code([HARROW_CODE, ENGLAND_CODE])
    borough, england = areas[HARROW_CODE], areas.get(ENGLAND_CODE)
    latest = latest_headline([i.pk for i in indicators], [a.pk for a in areas.values()])
    rows = {(r.indicator_id, r.area_id): r for r in latest.itertuples()} if not latest.empty else {}
    targets = {}
    if any(i.partnership_outcome for i in indicators):
        _, tiles = pages.board(today)
        targets = {t.indicator.pk: t.targets[0] for t in tiles if t.targets}
    out = {}
    for indicator in indicators:
        row = rows.get((indicator.pk, borough.pk))
        if row is None or pd.isna(row.value):
            out[indicator.pk] = MeasureStatus(indicator, "—", "", "No data yet", "none")
            continue
        value_text = indicator.format_value(float(row.value))
        period = indicator.period_label(row.period_start, row.period_end)
        target = targets.get(indicator.pk)
        if target is not None:
            status = target.assessment.status
            out[indicator.pk] = MeasureStatus(indicator, value_text, period, target.status_label, status)
            continue
        benchmark = rows.get((indicator.pk, england.pk)) if england else None
        comparison = "not compared"
        if benchmark is not None and benchmark.period_end == row.period_end and pd.notna(benchmark.value):
            comparison = str(
                compare_to_benchmark(
                    float(row.value),
                    None if pd.isna(row.lower_ci) else float(row.lower_ci),
                    None if pd.isna(row.upper_ci) else float(row.upper_ci),
                    float(benchmark.value),
                    polarity=indicator.polarity,
                )
            )
        label = COMPARISON_LABELS.get(comparison, f"{comparison.capitalize()} than England")
        out[indicator.pk] = MeasureStatus(indicator, value_text, period, label, f"cmp-{comparison.replace(' ', '-')}")
    return out


def build(today: dt.date) -> LogicModel:
    workstreams = logic_model_workstreams()
    indicators = {i.pk: i for w in workstreams for i in w.indicators.all() if i.logic_tier}
    statuses = measure_statuses(indicators.values(), today)
    by_objective: dict[int, list[LogicRow]] = {}
    for workstream in workstreams:
        row = LogicRow(
            workstream=workstream,
            activities=[line for line in workstream.activities.splitlines() if line.strip()],
            outputs=[line for line in workstream.outputs.splitlines() if line.strip()],
            measures={tier: [] for tier in TIERS},
        )
        for indicator in sorted(workstream.indicators.all(), key=lambda i: (i.sort_order, i.code)):
            if indicator.logic_tier in row.measures:
                row.measures[indicator.logic_tier].append(statuses[indicator.pk])
        by_objective.setdefault(workstream.objective, []).append(row)
    labels = dict(Workstream.Objective.choices)
    return LogicModel([(labels[o], rows) for o, rows in sorted(by_objective.items())], statuses)
