"""Reads for the dashboards: each returns plain data (DataFrames or dataclasses) in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from ..models import (
    KEY_COLUMNS,
    NUMBER_COLUMNS,
    Area,
    AreaAlias,
    Commentary,
    Extract,
    Indicator,
    Observation,
    SpcRebase,
    Target,
)

#: Each row's coverage of its member practices comes along (zero/blank on rows that are not derived), so every
#: page can caveat a partial PCN or borough value (outcomes.coverage.caveat).
SERIES_COLUMNS = [
    *KEY_COLUMNS,
    *NUMBER_COLUMNS,
    "suppressed",
    "covered_practices",
    "member_practices",
    "coverage_share",
    "coverage_basis",
]
HARROW_CODE = "E09000015"


def outcome_indicators() -> QuerySet[Indicator]:
    """The partnership outcome measures, in plan order, with their active targets."""
    return (
        Indicator.objects.filter(partnership_outcome__isnull=False)
        .order_by("partnership_outcome", "sort_order")
        .prefetch_related(
            Prefetch(
                "targets", queryset=Target.objects.filter(is_active=True).select_related("area", "comparator_area")
            )
        )
    )


def current_codes(codes: Iterable[str]) -> dict[str, str]:
    """Former area codes among ``codes`` -> the code each area has now (one query; ADR 0017)."""
    wanted = set(codes)
    if not wanted:
        return {}
    return dict(AreaAlias.objects.filter(alias__in=wanted).values_list("alias", "area__code"))


def harrow() -> Area:
    return Area.objects.get(code=HARROW_CODE)


def comparator_areas() -> list[Area]:
    return list(Area.objects.filter(is_comparator=True).order_by("sort_order").reverse())


def harrow_pcns() -> list[Area]:
    """Harrow's PCNs in their display order."""
    return list(Area.objects.filter(parent__code=HARROW_CODE, level="pcn").order_by("sort_order"))


def pcn_and_its_siblings(code: str) -> tuple[Area, list[Area]]:
    """A PCN (with its borough) and every PCN of that borough in display order, two queries: what a PCN page needs
    before its cached body (``Area.DoesNotExist`` for no such PCN)."""
    pcn = Area.objects.select_related("parent").get(code=code, level="pcn")
    return pcn, list(Area.objects.filter(parent_id=pcn.parent_id, level="pcn").order_by("sort_order"))


def areas_by_code(codes: Iterable[str]) -> dict[str, Area]:
    """The areas with these codes (those that exist), by code."""
    return {a.code: a for a in Area.objects.filter(code__in=list(codes))}


def area_exists(code: str) -> bool:
    return Area.objects.filter(code=code).exists()


def indicators_in_order(*, by_outcome: bool = False) -> list[Indicator]:
    """Every indicator in display order; ``by_outcome`` puts the partnership outcomes' measures first, by outcome."""
    order = ("partnership_outcome", "sort_order", "code") if by_outcome else ("sort_order", "code")
    return list(Indicator.objects.order_by(*order))


def outcome_indicator_codes() -> list[str]:
    """Codes of the partnership outcomes' measures."""
    return list(Indicator.objects.filter(partnership_outcome__isnull=False).values_list("code", flat=True))


def tracked_measures(borough: Area) -> list[Indicator]:
    """The measures other than the outcomes, in display order, each with ``borough_targets``: its active
    absolute targets for ``borough`` (two queries)."""
    targets = Target.objects.filter(is_active=True, area=borough, kind="absolute")
    return list(
        Indicator.objects.filter(partnership_outcome__isnull=True)
        .order_by("sort_order", "code")
        .prefetch_related(Prefetch("targets", queryset=targets, to_attr="borough_targets"))
    )


def commentary_up_to(area: Area, indicator_ids: Iterable[int], end: dt.date) -> list[Commentary]:
    """Commentary on these indicators for ``area`` on periods ending by ``end``, newest first, with authors."""
    return list(
        Commentary.objects.filter(area=area, indicator_id__in=list(indicator_ids), period_end__lte=end)
        .select_related("author")
        .order_by("-period_end", "-created_at", "-pk")
    )


def headline_series(
    indicator_ids: Iterable[int], area_ids: Iterable[int], *, up_to: dt.date | None = None
) -> pd.DataFrame:
    """Current headline (all persons) observations for the indicators and areas, one query.

    ``up_to`` keeps only periods ending on or before that day (the board pack for a past month).
    """
    rows = Observation.objects.filter(
        indicator_id__in=list(indicator_ids), area_id__in=list(area_ids), is_current=True, breakdown="all"
    )
    if up_to is not None:
        rows = rows.filter(period_end__lte=up_to)
    rows = rows.values_list(*SERIES_COLUMNS)
    frame = pd.DataFrame.from_records(list(rows), columns=SERIES_COLUMNS)
    return frame.sort_values(["indicator_id", "area_id", "period_end"], kind="stable").reset_index(drop=True)


@dataclass
class OutcomeData:
    """What the board needs for one outcome measure: its series for Harrow, comparators and PCNs."""

    indicator: Indicator
    series: pd.DataFrame  # Harrow headline series
    comparators: dict[Area, pd.DataFrame] = field(default_factory=dict)
    children: dict[Area, pd.DataFrame] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    rebases: list[tuple[dt.date, str]] = field(default_factory=list)  # SPC rebases for Harrow: (starts, reason)


def rebase_starts(indicator_ids: Iterable[int], area_id: int) -> dict[int, list[tuple[dt.date, str]]]:
    """SPC rebases, (starts, reason), by indicator for one area (one query)."""
    out: dict[int, list[tuple[dt.date, str]]] = {}
    rows = SpcRebase.objects.filter(indicator_id__in=list(indicator_ids), area_id=area_id).order_by("starts")
    for indicator_id, starts, reason in rows.values_list("indicator_id", "starts", "reason"):
        out.setdefault(indicator_id, []).append((starts, reason))
    return out


def board_outcomes(*, up_to: dt.date | None = None) -> tuple[Area, list[OutcomeData]]:
    """Every outcome measure with its Harrow, comparator and PCN headline series (four queries in all).

    ``up_to``: only periods ending on or before that day, as the data stood for a board pack's month.
    """
    borough = harrow()
    indicators = list(outcome_indicators())
    comparators = comparator_areas()
    pcns = list(Area.objects.filter(parent=borough, level="pcn").order_by("sort_order"))
    areas = {a.pk: a for a in [borough, *comparators, *pcns]}
    frame = headline_series([i.pk for i in indicators], areas, up_to=up_to)
    by_key = {key: group for key, group in frame.groupby(["indicator_id", "area_id"], sort=False)}
    empty = frame.iloc[0:0]
    rebases = rebase_starts([i.pk for i in indicators], borough.pk)
    out = []
    for indicator in indicators:
        out.append(
            OutcomeData(
                indicator=indicator,
                series=by_key.get((indicator.pk, borough.pk), empty),
                comparators={a: by_key[(indicator.pk, a.pk)] for a in comparators if (indicator.pk, a.pk) in by_key},
                children={a: by_key[(indicator.pk, a.pk)] for a in pcns if (indicator.pk, a.pk) in by_key},
                targets=list(indicator.targets.all()),
                rebases=rebases.get(indicator.pk, []),
            )
        )
    return borough, out


def value_at(series: pd.DataFrame, period_end: dt.date) -> float | None:
    """The value for the period ending ``period_end``, else None."""
    match = series.loc[series["period_end"] == period_end, "value"]
    return None if match.empty or pd.isna(match.iloc[-1]) else float(match.iloc[-1])


def indicators_with_demo_data() -> frozenset[int]:
    """Indicators whose current values include any loaded from generated demo extracts (``Extract.Source.DEMO``),
    so every tile and chart drawn from them can say "Demo data"."""
    # One probe of the current-row index per indicator, stopping at its first demo row. A scalar subquery with
    # LIMIT 1 is run per indicator; EXISTS would be planned as a semi-join that reads every current row of every
    # demo extract (0.4 s at a million rows on a quiet machine, docs/benchmarks.md). The probe is ordered by the
    # rest of that index's key: unordered, PostgreSQL with fresh statistics (after ANALYZE) chose a sequential
    # scan per indicator, expecting to stop early, and read the whole table for each indicator with no demo row
    # (3.1 s at a million rows); ordered, only the index gives the first row without a sort (0.5 ms). A live
    # service has no demo extracts: then nothing is read from the observations at all.

    demo_extracts = list(Extract.objects.filter(source=Extract.Source.DEMO).values_list("pk", flat=True))
    if not demo_extracts:
        return frozenset()
    first_demo_row = Observation.objects.filter(
        indicator=OuterRef("pk"), is_current=True, extract_id__in=demo_extracts
    ).order_by(*KEY_COLUMNS[1:])
    probed = Indicator.objects.order_by().annotate(demo_row=Subquery(first_demo_row.values("pk")[:1]))
    return frozenset(probed.filter(demo_row__isnull=False).values_list("pk", flat=True))


@dataclass
class IndicatorData:
    """Everything the indicator page shows for one indicator and one area, in a fixed number of queries."""

    indicator: Indicator
    area: Area
    series: pd.DataFrame  # the area's headline series
    comparators: dict[Area, pd.DataFrame]  # parents shown beside it (NWL, London, England)
    pcns: dict[Area, pd.DataFrame]  # the borough's PCNs, headline series
    breakdowns: pd.DataFrame  # the area's breakdown rows (all periods)
    commentary: list
    targets: list[Target]
    rebases: list[tuple[dt.date, str]] = field(default_factory=list)  # SPC rebases here: (starts, reason)
    borough_series: pd.DataFrame | None = None  # Harrow's headline series: the reference for PCNs and practices


def indicator_data(indicator_code: str, area_code: str = HARROW_CODE) -> IndicatorData:
    from ..models import Commentary

    indicator = Indicator.objects.prefetch_related(
        Prefetch("targets", queryset=Target.objects.filter(is_active=True).select_related("area", "comparator_area"))
    ).get(code=indicator_code)
    area = Area.objects.select_related("parent").get(code=area_code)
    comparators = [a for a in comparator_areas() if a.pk != area.pk]
    borough = area if area.level == "borough" else harrow()
    pcns = list(Area.objects.filter(parent=borough, level="pcn").order_by("sort_order"))
    area_ids = {area.pk, borough.pk, *(a.pk for a in comparators), *(p.pk for p in pcns)}
    frame = headline_series([indicator.pk], area_ids)
    by_area = {key: group for key, group in frame.groupby("area_id", sort=False)}
    empty = frame.iloc[0:0]
    breakdowns = pd.DataFrame.from_records(
        list(
            Observation.objects.filter(indicator=indicator, area=area, is_current=True)
            .exclude(breakdown="all")
            .values_list(*SERIES_COLUMNS)
        ),
        columns=SERIES_COLUMNS,
    )
    commentary = list(
        Commentary.objects.filter(indicator=indicator, area=area).select_related("author").order_by("-period_end")
    )
    return IndicatorData(
        indicator=indicator,
        area=area,
        series=by_area.get(area.pk, empty),
        comparators={a: by_area[a.pk] for a in comparators if a.pk in by_area},
        pcns={p: by_area.get(p.pk, empty) for p in pcns},
        breakdowns=breakdowns,
        commentary=commentary,
        targets=[t for t in indicator.targets.all() if t.area_id == area.pk],
        rebases=rebase_starts([indicator.pk], area.pk).get(indicator.pk, []),
        borough_series=by_area.get(borough.pk, empty),
    )


def latest_headline(indicator_ids: Iterable[int], area_ids: Iterable[int]) -> pd.DataFrame:
    """The latest current headline row per (indicator, area), in one query over those areas.

    "Latest" is by period end; where an indicator has periods of several lengths at the same end (a month and
    a year), the shortest wins, as the most recent reading. The indicators are named because the unique key's
    index, which leads with the indicator, is the only way in by area (Observation's indexes). The database picks
    the latest row of each (a window ranking them): reading every period and keeping the last in pandas fetched
    the whole history, 180 ms for a PCN page's 98 indicators at 10 million rows, now 30 to 50 ms.
    """
    rows = Observation.objects.filter(
        indicator_id__in=list(indicator_ids), area_id__in=list(area_ids), is_current=True, breakdown="all"
    )
    newest_first = [F("period_end").desc(), F("period_start").desc()]
    ranked = rows.annotate(
        newest=Window(RowNumber(), partition_by=[F("indicator_id"), F("area_id")], order_by=newest_first)
    )
    records = list(ranked.filter(newest=1).values_list(*SERIES_COLUMNS))
    frame = pd.DataFrame.from_records(records, columns=SERIES_COLUMNS)
    if frame.empty:
        return frame
    return frame.sort_values(["indicator_id", "area_id"], kind="stable").reset_index(drop=True)


@dataclass
class PcnData:
    pcn: Area
    borough: Area
    pcns: list[Area]
    indicators: list[Indicator]
    latest: pd.DataFrame  # latest headline per indicator for every Harrow PCN and the borough
    practices: list[Area]

    @functools.cached_property
    def practice_latest(self) -> pd.DataFrame:
        """The latest headline per practice-level indicator for this PCN's practices, read on first use: a page
        whose practices' part is stored (ADR 0032) never needs it (one query, 35 ms at 10M observations)."""
        ids = [i.pk for i in self.indicators if "practice" in i.levels]
        return latest_headline(ids, [p.pk for p in self.practices])


def pcn_data(pcn_code: str) -> PcnData:
    pcn = Area.objects.select_related("parent").get(code=pcn_code, level="pcn")
    borough = pcn.parent
    pcns = list(Area.objects.filter(parent=borough, level="pcn").order_by("sort_order"))
    indicators = [i for i in Indicator.objects.order_by("sort_order", "code") if "pcn" in i.levels]
    latest = latest_headline([i.pk for i in indicators], [p.pk for p in pcns] + [borough.pk])
    practices = list(
        Area.objects.filter(memberships__pcn=pcn, memberships__end__isnull=True, level="practice").order_by("name")
    )
    return PcnData(pcn, borough, pcns, indicators, latest, practices)


@dataclass
class JsnaData:
    indicators: list[Indicator]
    series: pd.DataFrame  # Harrow, London and England headline series for every JSNA indicator
    areas: dict[str, Area]


def jsna_data() -> JsnaData:
    indicators = list(Indicator.objects.filter(is_jsna=True).order_by("life_stage", "sort_order"))
    areas = {a.code: a for a in Area.objects.filter(code__in=[HARROW_CODE, "E12000007", "E92000001"])}
    series = headline_series([i.pk for i in indicators], [a.pk for a in areas.values()])
    return JsnaData(indicators, series, areas)


def latest_breakdowns(
    indicator_ids: Iterable[int] | None = None, area_ids: Iterable[int] | None = None, up_to: dt.date | None = None
) -> pd.DataFrame:
    """The latest current breakdown row (not the headline) per indicator, area, breakdown and category, in one query.

    Defaults: every partnership outcome indicator, for Harrow. ``up_to`` leaves out periods ending after it (a
    board pack for a past month). Where periods of several lengths end on the same day, the shortest wins.
    """
    rows = Observation.objects.filter(is_current=True).exclude(breakdown="all")
    if indicator_ids is None:
        rows = rows.filter(indicator__partnership_outcome__isnull=False)
    else:
        rows = rows.filter(indicator_id__in=list(indicator_ids))
    rows = rows.filter(area__code=HARROW_CODE) if area_ids is None else rows.filter(area_id__in=list(area_ids))
    if up_to is not None:
        rows = rows.filter(period_end__lte=up_to)
    frame = pd.DataFrame.from_records(list(rows.values_list(*SERIES_COLUMNS)), columns=SERIES_COLUMNS)
    if frame.empty:
        return frame
    keys = ["indicator_id", "area_id", "breakdown", "category"]
    frame = frame.sort_values([*keys, "period_end", "period_start"], kind="stable")
    return frame.groupby(keys, sort=False).tail(1).reset_index(drop=True)
