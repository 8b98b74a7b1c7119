"""The JSNA page in the Fingertips style (the "Overview" spine table): for each indicator with data, Harrow's latest
value with its unit, 95% interval, period and count, London and England for the same period, the significance of
the difference from England (polarity-aware) and the recent trend; indicators without data listed apart.

Pure: frames and indicator objects in, a plain page object out (statistics from ``outcomes.stats``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from typing import Any

import pandas as pd

from harrow_bbp.tabular import Table
from outcomes.models.choices import LifeStage
from outcomes.periods import period_label
from outcomes.selectors import HARROW_CODE, JsnaData
from outcomes.stats.benchmark import compare_to_benchmark
from outcomes.stats.trend import CANNOT, TREND_POINTS, recent_trend, trend_words
from outcomes.units import format_value

LONDON_CODE, ENGLAND_CODE = "E12000007", "E92000001"
AWAITING = "awaiting data"
#: What the recent trend is tested on: proportions (a count of a denominator), as Fingertips' chi-squared test.
TREND_UNITS = ("percent",)

COMPARISON_WORDS = {
    "better": "Better than England",
    "similar": "Similar to England",
    "worse": "Worse than England",
    "higher": "Higher than England",
    "lower": "Lower than England",
    "not compared": "Not compared",
}
EXPORT_HEADER = [
    "Life stage",
    "Indicator",
    "Period",
    "Unit",
    "Harrow",
    "Lower 95% limit",
    "Upper 95% limit",
    "Count",
    "London",
    "England",
    "Compared with England",
    "Recent trend",
]
NUMBER_COLUMNS = ("Harrow", "Lower 95% limit", "Upper 95% limit", "London", "England")


@dataclass(frozen=True)
class JsnaRow:
    indicator: Any
    period: str
    value: str
    interval: str
    count: str
    london: str
    england: str
    comparison: str  # better / similar / worse / higher / lower / not compared
    trend: str  # in words, as Fingertips' legend
    trend_marker: str  # increasing / decreasing / no significant change / could not be calculated
    export: list = field(default_factory=list, repr=False)  # the download row, numbers rounded as shown

    @property
    def comparison_words(self) -> str:
        return COMPARISON_WORDS[self.comparison]

    def _kept(self, text: str) -> str:
        """A value whose unit never splits ("per 1,000" stays together); it may wrap before the unit."""
        return text.replace(" per ", " per\u00a0")

    @property
    def shown(self) -> dict[str, str]:
        """Harrow, London and England as the table prints them."""
        return {"value": self._kept(self.value), "london": self._kept(self.london), "england": self._kept(self.england)}

    @property
    def trend_judgement(self) -> str:
        """ "better", "worse" or "" (no judgement, no change): the colour of the trend mark."""
        return self.trend.rsplit(" ", 1)[-1] if "getting" in self.trend else ""


@dataclass(frozen=True)
class AwaitingRow:
    indicator: Any
    stage: str
    source: str
    frequency: str


@dataclass
class JsnaPage:
    stages: list[tuple[str, list[JsnaRow]]]
    awaiting: list[AwaitingRow]
    counts: dict[str, int]  # compared with England, every JSNA indicator once (awaiting data included)

    def table(self) -> Table:
        """The table as the page shows it (numbers at each indicator's decimals), for CSV and XLSX."""
        rows = [(stage, row) for stage, stage_rows in self.stages for row in stage_rows]
        places: list[int | None] = [r.indicator.decimal_places for _, r in rows]
        body = [[stage, *row.export] for stage, row in rows]
        for item in self.awaiting:
            unit = _unit_words(item.indicator)
            body.append([item.stage, item.indicator.display_name, "", unit, *[None] * 6, AWAITING.capitalize(), ""])
            places.append(None)
        counts = [0 if p is not None else None for p in places]
        return Table(EXPORT_HEADER, body, dict.fromkeys(NUMBER_COLUMNS, places) | {"Count": counts})


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _unit_words(indicator) -> str:
    """The unit as a column heading reads it: "%", "per 1,000", "years", "score", "count"."""
    return indicator.unit_suffix or indicator.get_unit_display().lower()


Record = dict[str, Any]  # one headline observation: period_start, period_end, numerator, ..., suppressed


def _is_year(start: dt.date, end: dt.date) -> bool:
    return 360 <= (end - start).days <= 370


def trend_applies(indicator, own: list[Record]) -> bool:
    """Fingertips tests a recent trend only for proportions over independent yearly periods without breaks."""
    if indicator.unit not in TREND_UNITS or indicator.interval_method != "wilson":
        return False
    recent = own[-TREND_POINTS:]
    yearly = all(_is_year(r["period_start"], r["period_end"]) for r in recent)
    following = all((b["period_start"] - a["period_end"]).days == 1 for a, b in pairwise(recent))
    return yearly and following


def compare_with_england(indicator, latest: Record, england: float | None) -> str:
    """Better / similar / worse (or higher / lower without polarity) by England's value against Harrow's 95%
    interval; "not compared" without an interval or an England value for the same period."""
    lower, upper = _number(latest["lower_ci"]), _number(latest["upper_ci"])
    if england is None or lower is None or upper is None:
        return "not compared"
    return str(compare_to_benchmark(_number(latest["value"]), lower, upper, england, polarity=indicator.polarity))


def indicator_row(indicator, own: list[Record], london: list[Record], england: list[Record]) -> JsnaRow:
    """One indicator's row from its Harrow, London and England headline series (each sorted by period, values
    present)."""
    latest = own[-1]
    same = (latest["period_start"], latest["period_end"])

    def at(series: list[Record]) -> float | None:
        values = [r["value"] for r in series if (r["period_start"], r["period_end"]) == same]
        return _number(values[-1]) if values else None

    value, lower, upper = (_number(latest[c]) for c in ("value", "lower_ci", "upper_ci"))
    ldn, eng = at(london), at(england)
    count = None if latest.get("suppressed") else _number(latest["numerator"])
    if trend_applies(indicator, own):
        tail = own[-TREND_POINTS:]
        marker = recent_trend([_number(r["numerator"]) for r in tail], [_number(r["denominator"]) for r in tail]).marker
    else:
        marker = CANNOT
    comparison = compare_with_england(indicator, latest, eng)
    trend = trend_words(marker, indicator.polarity)
    fmt = indicator.format_value
    bare = partial(format_value, decimals=indicator.decimal_places)  # the interval without its unit, as Fingertips
    interval = "" if lower is None or upper is None else f"{bare(lower)} to {bare(upper)}"
    period = period_label(latest["period_start"], latest["period_end"], getattr(indicator, "frequency", None))
    return JsnaRow(
        indicator=indicator,
        period=period,
        value=fmt(value),
        interval=interval,
        count="" if count is None else f"{count:,.0f}",
        london=fmt(ldn) if ldn is not None else "",
        england=fmt(eng) if eng is not None else "",
        comparison=comparison,
        trend=trend,
        trend_marker=marker,
        export=[
            indicator.display_name,
            period,
            _unit_words(indicator),
            value,
            lower,
            upper,
            count,
            ldn,
            eng,
            COMPARISON_WORDS[comparison],
            trend,
        ],
    )


def series_by_indicator_and_area(frame: pd.DataFrame) -> dict[tuple[int, int], list[Record]]:
    """The headline rows with a value, as plain records by (indicator, area), oldest first. Plain Python: pandas'
    per-call overhead on 30 small series cost more than the page itself."""
    out: dict[tuple[int, int], list[Record]] = defaultdict(list)
    frame = frame.dropna(subset=["value"]).sort_values(["period_end", "period_start"], kind="stable")
    for record in frame.to_dict("records"):
        out[(record["indicator_id"], record["area_id"])].append(record)
    return out


def build(data: JsnaData) -> JsnaPage:
    harrow, london, england = (data.areas.get(c) for c in (HARROW_CODE, LONDON_CODE, ENGLAND_CODE))
    series = series_by_indicator_and_area(data.series)

    def of(indicator, area) -> list[Record]:
        return [] if area is None else series.get((indicator.pk, area.pk), [])

    stages: list[tuple[str, list[JsnaRow]]] = []
    awaiting: list[AwaitingRow] = []
    counts: dict[str, int] = {}
    for stage in LifeStage:
        rows = []
        for indicator in [i for i in data.indicators if i.life_stage == stage.value]:
            own = of(indicator, harrow)
            if not own:
                awaiting.append(
                    AwaitingRow(indicator, stage.label, indicator.source, indicator.get_frequency_display())
                )
                counts[AWAITING] = counts.get(AWAITING, 0) + 1
                continue
            row = indicator_row(indicator, own, of(indicator, london), of(indicator, england))
            counts[row.comparison] = counts.get(row.comparison, 0) + 1
            rows.append(row)
        stages.append((stage.label, rows))
    order = [*COMPARISON_WORDS, AWAITING]
    return JsnaPage(stages, awaiting, {k: counts[k] for k in order if k in counts})


def england_counts(page: JsnaPage) -> dict[str, int]:
    """How many JSNA indicators are better, similar, worse, not compared with England, or awaiting data."""
    return page.counts
