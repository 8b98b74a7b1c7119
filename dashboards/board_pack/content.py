"""What a month's board pack shows, gathered from the same reads as the pages, and its HTML.

The executive summary is the overview's (``board_tiles``, ``overview.scorecard`` and ``mdc_matrix``) with the data
as they stood at the end of the month, compared with the end of the month before; each outcome is drawn as the
indicator page's SPC chart; the PCN variation is the indicator page's PCN chart under disclosure control. Charts
become PNG images embedded as data URIs, so the stored HTML is self-contained and never changes once written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from outcomes.disclosure import SUPPRESSED_TEXT
from outcomes.models import Area, Commentary, Indicator
from outcomes.periods import month_end, month_start, rebase_positions
from outcomes.selectors import (
    IndicatorData,
    commentary_up_to,
    headline_series,
    indicator_data,
    indicators_with_demo_data,
    rebase_starts,
)
from outcomes.stats.spc import spc
from workstreams.models import StatusReport, Workstream
from workstreams.risk_matrix import HeatMap, band
from workstreams.selectors import WorkstreamStatus, open_risks, risk_heat_map, workstream_statuses

from ..board import IMPROVEMENT, OutcomeTile, board_tiles, period_months, same_period_length, tracked_measure_icons
from ..figures import figure_summary, run_chart_words, spc_figure
from ..icons import ASSURANCE_ICON_LABELS, VARIATION_ICON_LABELS, assurance_icon_svg, variation_icon_svg
from ..overview import ASSURANCE_COLUMNS, MatrixRow, ScorecardRow, board_state, changes_since, mdc_matrix, scorecard
from . import images

#: The pack's layout: a kept pack of an older layout is not the demo's pack (``load_demo_board_pack``).
LAYOUT = 2
TOP_RISKS = 10
APPENDIX_ROWS = 24  # values per outcome in "The numbers in the charts"
#: Words of the latest commentary notes printed in the pack, newest first (the measure's page holds the rest), so
#: an outcome always fits on its one page.
COMMENTARY_WORDS = (90, 45)
#: Chart sizes in the pack, in CSS pixels (drawn at ``images.SCALE`` times this).
SPC_SIZE = (900, 380)
PCN_SIZE = (900, 330)
#: Progress callback: (fraction done 0-1, what is being done in words).
Progress = Callable[[float, str], None]


def _no_progress(fraction: float, words: str) -> None:
    return None


def last_complete_month(today: dt.date) -> dt.date:
    """The first day of the last month that has ended by ``today``: the pack's default (the current month is
    unfinished, and its data with it)."""
    return month_start(month_start(today) - dt.timedelta(days=1))


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
    too_few_points: str = ""  # the run chart's words when the series has too few points for limits and icons


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
    parts: dict[str, Any] = {
        "figure": figure,
        "summary": figure_summary(figure),
        "too_few_points": run_chart_words(result),
    }
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
class PcnVariation:
    """One outcome's PCNs against Harrow for its latest period: the indicator page's PCN chart and table, with
    counts under disclosure control (the pack is read by every role)."""

    indicator: Indicator
    title: str
    figure: dict[str, Any]
    summary: str
    rows: list[list[tuple[str, str]]]  # (column, text): PCN, value, interval, comparison with Harrow, coverage
    headers: list[str]
    harrow_text: str
    image: str = ""
    alt: str = ""


@dataclass
class Escalations:
    """What the workstreams put in front of the board this month."""

    reports: list[WorkstreamStatus]  # this month's reports flagged for escalation or red
    risks: list[Any]  # open risks scoring above the board's appetite
    appetite: int

    @property
    def count(self) -> int:
        return len(self.reports) + len(self.risks)


@dataclass
class PackContent:
    month: dt.date
    month_end: dt.date
    generated_at: dt.datetime
    borough: Area
    outcomes: list[OutcomePage]  # in the scorecard's order: what needs attention first
    objectives: list[ObjectiveGroup]
    risks: list[Any]
    heat_map: HeatMap
    open_risk_count: int
    requested_by: str = ""
    demo_indicator_ids: frozenset[int] = frozenset()  # outcomes drawn from generated demo extracts: tagged "Demo data"
    scorecard: list[ScorecardRow] = field(default_factory=list)
    previous_month: dt.date | None = None  # the month "since last month" compares with
    matrix: list[MatrixRow] = field(default_factory=list)
    matrix_columns: list[str] = field(default_factory=list)
    without_icons: list[Any] = field(default_factory=list)  # measures with too few points for the matrix
    escalations: Escalations | None = None
    pcn_variation: list[PcnVariation] = field(default_factory=list)

    @property
    def changed(self) -> list[ScorecardRow]:
        """The scorecard's rows with something new since last month."""
        return [row for row in self.scorecard if row.changes]

    @property
    def numbered_outcomes(self) -> list[OutcomePage]:
        """Outcomes with values to list in the appendix."""
        return [page for page in self.outcomes if page.tile.table]

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
            "escalations": 0 if self.escalations is None else self.escalations.count,
            "pcn_variation": [v.indicator.code for v in self.pcn_variation],
            "layout": LAYOUT,
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


def shorten(notes: Sequence[Commentary]) -> list[Commentary]:
    """The latest notes, each cut to its share of ``COMMENTARY_WORDS`` (``shown``; ``shortened`` when cut)."""
    out = []
    for note, limit in zip(notes, COMMENTARY_WORDS, strict=False):
        words = note.text.split()
        note.shortened = len(words) > limit
        note.shown = " ".join(words[:limit]) + " …" if note.shortened else note.text
        out.append(note)
    return out


def _up_to(frame: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    return frame if frame.empty else frame[frame["period_end"] <= end]


def as_at(data: IndicatorData, end: dt.date) -> IndicatorData:
    """An indicator's data as they stood at ``end``: periods ending later left out."""
    return dataclasses.replace(
        data,
        series=_up_to(data.series, end),
        comparators={a: _up_to(f, end) for a, f in data.comparators.items()},
        pcns={a: _up_to(f, end) for a, f in data.pcns.items()},
        breakdowns=_up_to(data.breakdowns, end),
        commentary=[c for c in data.commentary if c.period_end <= end],
        borough_series=None if data.borough_series is None else _up_to(data.borough_series, end),
    )


def pcn_variation(tiles: Sequence[OutcomeTile], end: dt.date) -> list[PcnVariation]:
    """Each outcome published by PCN: its PCNs against Harrow for the latest period, coloured by significance
    (polarity-aware), built by the indicator page's builder under disclosure control (``unsuppressed=False``)."""
    from .. import indicator_page

    out = []
    for tile in tiles:
        indicator = tile.indicator
        if "pcn" not in indicator.levels or tile.latest_period_end is None:
            continue
        data = as_at(indicator_data(indicator.code), end)
        page = indicator_page.build(
            dataclasses.replace(data, breakdowns=data.breakdowns.iloc[0:0]),  # the PCN chart only: no breakdowns
            as_of=end,
            unsuppressed=False,
            min_points=settings.SPC_MIN_POINTS,
        )
        chart = page.pcn_chart
        if chart is None:
            continue
        columns = [c for c in ("category", "value", "interval", "comparison", "coverage") if c in chart.columns]
        labels = dict(zip(chart.columns, chart.headers, strict=True)) | {"category": "PCN"}
        out.append(
            PcnVariation(
                indicator=indicator,
                title=chart.title,
                figure=json.loads(chart.figure_json),
                summary=chart.summary,
                rows=[[(c, _shown(row, c)) for c in columns] for row in chart.table],
                headers=[labels[c] for c in columns],
                harrow_text=page.latest_text,
            )
        )
    return out


def _shown(row: dict[str, Any], column: str) -> str:
    """A cell of the PCN table as printed: a value from a suppressed count reads "*", as on the pages."""
    suppressed = SUPPRESSED_TEXT in (str(row.get("numerator", "")), str(row.get("denominator", "")))
    if column in ("value", "interval") and suppressed:
        return SUPPRESSED_TEXT if column == "value" else ""
    return str(row.get(column, ""))


def escalations(statuses: Sequence[WorkstreamStatus], risks: Sequence[Any], *, appetite: int) -> Escalations:
    """This month's reports that ask the board for something (escalation text) or are red, and the open risks
    scoring above the board's risk appetite (``BOARD_RISK_APPETITE``), highest first."""
    reports = [
        s
        for s in statuses
        if s.reported_this_month and (s.latest.escalations.strip() or s.latest.rag == StatusReport.Rag.RED)
    ]
    return Escalations(reports, [r for r in risks if r.score_value > appetite], appetite)


def gather(
    month: dt.date,
    *,
    requested_by: str = "",
    progress: Progress = _no_progress,
    charts: images.ChartSession | None = None,
) -> PackContent:
    """Everything the pack shows for ``month``, with the outcome data as they stood at the month's end. Given a
    chart session, each chart is handed to it as soon as it is built, to be drawn while the rest is gathered."""
    month = month_start(month)
    end = month_end(month)
    before = last_complete_month(month)
    progress(0.02, "Reading the outcome measures")
    borough, tiles = board_tiles(end, up_to=end)
    _, earlier = board_tiles(month_end(before), up_to=month_end(before), drawn=False)
    rows = scorecard(tiles, changes_since(board_state(earlier), board_state(tiles)))
    measures = [*(r.tile for r in rows), *tracked_measure_icons(borough, up_to=end)]
    matrix, without_icons = mdc_matrix((m.variation_code, m.assurance_code, m) for m in measures)
    notes: dict[int, list[Commentary]] = {}
    for note in commentary_up_to(borough, [t.indicator.pk for t in tiles], end):
        notes.setdefault(note.indicator_id, []).append(note)
    progress(0.08, "Drawing up the SPC charts")
    outcomes = []
    for row in rows:
        tile = row.tile
        parts = spc_page_parts(tile, borough, end, min_points=settings.SPC_MIN_POINTS)
        page = OutcomePage(tile, shorten(notes.get(tile.indicator.pk, [])), **parts)
        page.alt = chart_alt(tile, borough, page.summary)
        outcomes.append(page)
    if charts is not None:
        for page in outcomes:
            charts.draw(_outcome_figure(page), width=SPC_SIZE[0], height=SPC_SIZE[1])
    progress(0.12, "Comparing the PCNs with Harrow")
    variation = pcn_variation([r.tile for r in rows], end)
    if charts is not None:
        for item in variation:
            charts.draw(item.figure, width=PCN_SIZE[0], height=PCN_SIZE[1])
    for item in variation:
        item.alt = f"Bar chart: {item.title}. {item.summary}"
    risks = open_risks()
    statuses = workstream_statuses(month)
    return PackContent(
        month=month,
        month_end=end,
        generated_at=timezone.now(),
        borough=borough,
        outcomes=outcomes,
        objectives=group_by_objective(statuses),
        risks=risks[:TOP_RISKS],
        heat_map=risk_heat_map(risks),
        open_risk_count=len(risks),
        requested_by=requested_by,
        demo_indicator_ids=indicators_with_demo_data(),
        scorecard=rows,
        previous_month=before,
        matrix=matrix,
        matrix_columns=[label for _, label in ASSURANCE_COLUMNS],
        without_icons=without_icons,
        escalations=escalations(statuses, risks, appetite=settings.BOARD_RISK_APPETITE),
        pcn_variation=variation,
    )


def _outcome_figure(page: OutcomePage) -> dict[str, Any]:
    return page.figure or json.loads(page.tile.figure_json)


def add_images(
    content: PackContent,
    render: Callable[..., list[bytes]] | None = None,
    progress: Progress = _no_progress,
    charts: images.ChartSession | None = None,
) -> PackContent:
    """Every outcome's SPC chart (else the tile's trend figure) and every PCN chart as PNGs, from one browser
    session: ``charts``, the one ``gather`` handed them to, else a new one (``render``), telling ``progress`` as
    each is drawn (the charts are most of the pack's time)."""
    pages = [*content.outcomes, *content.pcn_variation]
    total = len(pages)

    def drawn(done: int) -> None:
        progress(0.15 + 0.6 * done / max(total, 1), f"Drawing the charts: {done} of {total} done")

    progress(0.15, f"Drawing the charts: 0 of {total} done")
    if charts is not None:
        pngs = charts.finish(drawn)
    else:
        figures = [_outcome_figure(page) for page in content.outcomes] + [v.figure for v in content.pcn_variation]
        sizes = [SPC_SIZE] * len(content.outcomes) + [PCN_SIZE] * len(content.pcn_variation)
        pngs = (render or images.render_pngs)(figures, sizes=sizes, on_drawn=drawn)
    for page, png in zip(pages, pngs, strict=True):
        page.image = images.data_uri(png)
    return content


def render_html(content: PackContent) -> str:
    """The pack as one self-contained, printable HTML page."""
    for risk in content.risks:
        risk.band = band(risk.score_value)
    return render_to_string(
        "dashboards/board_pack/pack.html",
        {"pack": content, "appendix_rows": APPENDIX_ROWS, "appendix_slice": f"-{APPENDIX_ROWS}:"},
    )
