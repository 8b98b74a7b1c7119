"""The JSNA page in the Fingertips style: indicators by life stage with Harrow's value and interval, London and
England, the significance of the difference from England, and the recent trend."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from outcomes.models.choices import LifeStage
from outcomes.selectors import HARROW_CODE, JsnaData
from outcomes.stats.benchmark import compare_to_benchmark

TREND_POINTS = 5


@dataclass
class JsnaRow:
    indicator: object
    period: str
    value: str
    interval: str
    london: str
    england: str
    comparison: str
    trend: str


def recent_trend(values: list[float]) -> str:
    """Direction of the least-squares line through the last few points, in words ("" if under three points)."""
    points = [v for v in values if v is not None and not np.isnan(v)][-TREND_POINTS:]
    if len(points) < 3:
        return ""
    slope = np.polyfit(np.arange(len(points)), points, 1)[0]
    scale = max(abs(np.mean(points)), 1e-9)
    if abs(slope) / scale < 0.005:
        return "No clear change"
    return "Increasing" if slope > 0 else "Decreasing"


def build(data: JsnaData) -> list[tuple[str, list[JsnaRow]]]:
    harrow, london, england = (data.areas.get(c) for c in (HARROW_CODE, "E12000007", "E92000001"))
    stages = []
    for stage in LifeStage:
        rows = []
        for indicator in [i for i in data.indicators if i.life_stage == stage.value]:
            series = data.series[data.series["indicator_id"] == indicator.pk]
            own = series[series["area_id"] == (harrow.pk if harrow else -1)].dropna(subset=["value"])
            if own.empty:
                rows.append(JsnaRow(indicator, "", "No data", "", "", "", "not compared", ""))
                continue
            latest = own.iloc[-1]

            def at(area, latest=latest, series=series) -> float | None:
                if area is None:
                    return None
                same = series[(series["area_id"] == area.pk) & (series["period_end"] == latest["period_end"])]
                return None if same.empty or pd.isna(same["value"].iloc[-1]) else float(same["value"].iloc[-1])

            eng = at(england)
            lower, upper = latest["lower_ci"], latest["upper_ci"]
            comparison = "not compared"
            if eng is not None and pd.notna(lower) and pd.notna(upper):
                comparison = str(
                    compare_to_benchmark(
                        float(latest["value"]), float(lower), float(upper), eng, polarity=indicator.polarity
                    )
                )
            rows.append(
                JsnaRow(
                    indicator=indicator,
                    period=indicator.period_label(latest["period_start"], latest["period_end"]),
                    value=indicator.format_value(float(latest["value"])),
                    interval=""
                    if pd.isna(lower) or pd.isna(upper)
                    else f"{indicator.format_value(float(lower))} to {indicator.format_value(float(upper))}",
                    london=indicator.format_value(at(london)) if at(london) is not None else "",
                    england=indicator.format_value(eng) if eng is not None else "",
                    comparison=comparison,
                    trend=recent_trend(list(own["value"].astype(float))),
                )
            )
        stages.append((stage.label, rows))
    return stages


def england_counts(stages: list[tuple[str, list[JsnaRow]]]) -> dict[str, int]:
    """How many JSNA indicators are better, similar, worse (or not compared) than England."""
    counts: dict[str, int] = {}
    for _, rows in stages:
        for row in rows:
            counts[row.comparison] = counts.get(row.comparison, 0) + 1
    return counts
