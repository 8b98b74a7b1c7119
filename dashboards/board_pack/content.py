"""What a month's board pack shows, gathered from the same reads as the pages, and its HTML.

The outcome pages reuse ``board_tiles`` with the data as it stood at the end of the month, so the pack's
figures are the dashboard's figures for that month. Charts become PNG images embedded as data URIs, so the
stored HTML is self-contained and never changes once written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from outcomes.models import Area, Commentary
from outcomes.periods import month_end, month_start, rebase_positions
from outcomes.selectors import commentary_up_to, headline_series, indicators_with_demo_data, rebase_starts
from outcomes.stats.spc import spc
from workstreams.models import Workstream
from workstreams.risk_matrix import HeatMap, band
from workstreams.selectors import WorkstreamStatus, open_risks, risk_heat_map, workstream_statuses

from ..board import IMPROVEMENT, OutcomeTile, board_tiles, period_months, same_period_length
from ..figures import figure_summary, spc_figure
from ..icons import ASSURANCE_ICON_LABELS, VARIATION_ICON_LABELS, assurance_icon_svg, variation_icon_svg
from . import images

TOP_RISKS = 10
COMMENTARY_PER_OUTCOME = 3


@dataclass
class OutcomePage:
    tile: OutcomeTile
    commentary: list[Commentary] = field(default_factory=list)
    image: str = ""  # data: URI of the chart
    alt: str = ""
    figure: dict[str, Any] | None = None  # the SPC chart drawn for the pack (None: the tile's trend figure)
    variation: tuple[str, str] | None = None  # the SPC chart's icons (svg, label); none for a run chart
    assurance: tuple[str, str] | None = None
    summary: str = ""  # the SPC chart's summary in words


def spc_page_parts(tile: OutcomeTile, borough: Area, end: dt.date, *, min_points: int) -> dict[str, Any]:
    """The pack's SPC chart of an outcome for the borough up to ``end``: the indicator page's chart (MDC point
    colours, re-bases with their reasons, a run chart saying "too few points" below ``min_points``, ticks at the
    measure's frequency) and its icons, so the board reads the same picture on paper. {} without two points."""
    indicator = tile.indicator
    series = headline_series([indicator.pk], [borough.pk], up_to=end).dropna(subset=["value"])
    if series.empty:
        return {}
    series = series.sort_values(["period_end", "period_start"], kind="stable")
    months = int(period_months(series.iloc[[-1]]).iloc[0])
    series = same_period_length(series, months)
    if len(series) < 2:
        return {}
    rebases = rebase_starts([indicator.pk], borough.pk).get(indicator.pk, [])
    rebase_at = rebase_positions(list(series["period_start"]), [starts for starts, _ in rebases])
    target = next((v.assessment.target_value for v in tile.targets if v.assessment.target_value is not None), None)
    values = series["value"].to_numpy(float)
    result = spc(
        values, improvement=IMPROVEMENT[indicator.polarity], target=target, rebase_at=rebase_at, min_points=min_points
    )
    reasons = [next((r for on, r in reversed(rebases) if on <= series["period_start"].iloc[p]), "") for p in rebase_at]
    figure = spc_figure(
        list(series["period_end"]),
        values,
        result,
        title=f"{indicator.display_name}, {borough.display_name}",
        y_title=indicator.unit_suffix or indicator.get_unit_display(),
        unit=indicator.unit_suffix,
        decimals=indicator.decimal_places,
        rebase_reasons=reasons,
        frequency=indicator.frequency,
    )
    parts: dict[str, Any] = {"figure": figure, "summary": figure_summary(figure)}
    if result.variation_icon:
        parts["variation"] = (variation_icon_svg(result.variation_icon), VARIATION_ICON_LABELS[result.variation_icon])
    if result.assurance_icon:
        parts["assurance"] = (assurance_icon_svg(result.assurance_icon), ASSURANCE_ICON_LABELS[result.assurance_icon])
    return parts


@dataclass
class ObjectiveGroup:
    number: int
    name: str
    statuses: list[WorkstreamStatus]


@dataclass
class PackContent:
    month: dt.date
    month_end: dt.date
    generated_at: dt.datetime
    borough: Area
    outcomes: list[OutcomePage]
    objectives: list[ObjectiveGroup]
    risks: list[Any]
    heat_map: HeatMap
    open_risk_count: int
    requested_by: str = ""
    demo_indicator_ids: frozenset[int] = frozenset()  # outcomes drawn from generated demo extracts: tagged "Demo data"

    @property
    def any_reported(self) -> bool:
        return any(s.latest is not None for g in self.objectives for s in g.statuses)

    @property
    def reported_count(self) -> int:
        return sum(s.reported_this_month for g in self.objectives for s in g.statuses)

    @property
    def workstream_count(self) -> int:
        return sum(len(g.statuses) for g in self.objectives)

    def summary(self) -> dict[str, Any]:
        """What the pack showed, kept on the row for the list page and for checking later."""
        return {
            "outcomes": [
                {
                    "code": p.tile.indicator.code,
                    "name": p.tile.indicator.name,
                    "latest": p.tile.latest_text,
                    "period": p.tile.latest_period,
                    "targets": [t.status_label for t in p.tile.targets],
                }
                for p in self.outcomes
            ],
            "workstreams": self.workstream_count,
            "reported_this_month": self.reported_count,
            "open_risks": self.open_risk_count,
        }


def group_by_objective(statuses: Sequence[WorkstreamStatus]) -> list[ObjectiveGroup]:
    """Workstream statuses under the plan's objectives, in objective order; empty objectives left out."""
    groups = []
    for number, name in Workstream.Objective.choices:
        members = [s for s in statuses if s.workstream.objective == number]
        if members:
            groups.append(ObjectiveGroup(number, name, members))
    return groups


def chart_alt(tile: OutcomeTile, borough: Area, summary: str = "") -> str:
    kind = "Statistical process control chart" if summary else "Line chart"
    return f"{kind} of {tile.indicator.display_name} for {borough.display_name} by period. {summary or tile.summary}"


def gather(month: dt.date, *, requested_by: str = "") -> PackContent:
    """Everything the pack shows for ``month``, with the outcome data as it stood at the month's end."""
    month = month_start(month)
    end = month_end(month)
    borough, tiles = board_tiles(end, up_to=end)
    notes: dict[int, list[Commentary]] = {}
    for note in commentary_up_to(borough, [t.indicator.pk for t in tiles], end):
        notes.setdefault(note.indicator_id, []).append(note)
    outcomes = []
    for tile in tiles:
        parts = spc_page_parts(tile, borough, end, min_points=settings.SPC_MIN_POINTS)
        page = OutcomePage(tile, notes.get(tile.indicator.pk, [])[:COMMENTARY_PER_OUTCOME], **parts)
        page.alt = chart_alt(tile, borough, page.summary)
        outcomes.append(page)
    risks = open_risks()
    return PackContent(
        month=month,
        month_end=end,
        generated_at=timezone.now(),
        borough=borough,
        outcomes=outcomes,
        objectives=group_by_objective(workstream_statuses(month)),
        risks=risks[:TOP_RISKS],
        heat_map=risk_heat_map(risks),
        open_risk_count=len(risks),
        requested_by=requested_by,
        demo_indicator_ids=indicators_with_demo_data(),
    )


def add_images(
    content: PackContent, render: Callable[[list[dict[str, Any]]], list[bytes]] = images.render_pngs
) -> PackContent:
    """Draw every outcome's SPC chart (else the tile's trend figure) as a PNG, in one browser session."""
    pngs = render([page.figure or json.loads(page.tile.figure_json) for page in content.outcomes])
    for page, png in zip(content.outcomes, pngs, strict=True):
        page.image = images.data_uri(png)
    return content


def render_html(content: PackContent) -> str:
    """The pack as one self-contained, printable HTML page."""
    for risk in content.risks:
        risk.band = band(risk.score_value)
    return render_to_string("dashboards/board_pack/pack.html", {"pack": content})
