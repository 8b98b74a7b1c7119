"""Reads for disclosure control: an indicator's current rows across the borough's hierarchy (borough, PCNs,
practices) with the memberships that say which sums a reader could difference, or only their identity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Count, Max, QuerySet, Sum

from ..models import KEY_COLUMNS, NUMBER_COLUMNS, Area, Indicator, Observation, PracticeMembership
from . import HARROW_CODE

#: The disclosure-control hierarchy needs the values, not their coverage (the pages take that from SERIES_COLUMNS).
HIERARCHY_COLUMNS = [*KEY_COLUMNS, *NUMBER_COLUMNS, "suppressed"]


@dataclass
class HierarchyObservations:
    """Every current observation of one indicator in the borough's hierarchy (borough, its PCNs, their
    practices; all breakdowns and periods), with what disclosure control needs to find the sums a reader can
    difference."""

    indicator: Indicator
    borough: Area
    frame: pd.DataFrame  # SERIES_COLUMNS plus ``level`` (borough, pcn, practice); index 0..n-1
    memberships: pd.DataFrame  # practice_id, pcn_id, start, end
    pcn_parent: dict[int, int]
    #: (count, sum, largest) of the rows' primary keys: see `HierarchyIdentity`.
    row_identity: tuple[int, int, int] = (0, 0, 0)


@dataclass
class HierarchyIdentity:
    """What identifies an indicator's `HierarchyObservations` without reading its rows: (count, sum, largest) of
    its current rows' primary keys, and the memberships and PCNs that say which areas those rows are of.

    Exact, because observations are superseded, never overwritten (ADR 0001): a row leaves the current rows only
    when a newer row of its key is stored, with a larger key, which is then current. So the largest current key
    is the newest row ever stored for the indicator in these areas; while it and the count are the same, no row
    has arrived or left. The sum is one more check.
    """

    indicator: Indicator
    borough: Area
    memberships: pd.DataFrame
    pcn_parent: dict[int, int]
    row_identity: tuple[int, int, int]

    def without_rows(self) -> HierarchyObservations:
        """The observations, when the identity says there are none (nothing to read)."""
        if self.row_identity[0]:
            raise ValueError("the indicator has rows in the hierarchy: read them with hierarchy_observations")
        frame = pd.DataFrame(columns=[*HIERARCHY_COLUMNS, "level"])
        return HierarchyObservations(self.indicator, self.borough, frame, self.memberships, self.pcn_parent)


def _hierarchy(borough_code: str) -> tuple[Area, dict[int, int], pd.DataFrame, dict[int, str]]:
    """The borough, its PCNs' parent, its practices' memberships and each area's level (three queries)."""
    borough = Area.objects.get(code=borough_code)
    pcn_parent = dict(Area.objects.filter(parent=borough, level="pcn").values_list("pk", "parent_id"))
    memberships = pd.DataFrame.from_records(
        list(
            PracticeMembership.objects.filter(pcn_id__in=list(pcn_parent)).values(
                "practice_id", "pcn_id", "start", "end"
            )
        ),
        columns=["practice_id", "pcn_id", "start", "end"],
    )
    levels = {borough.pk: "borough", **dict.fromkeys(pcn_parent, "pcn")}
    levels.update(dict.fromkeys(memberships["practice_id"].astype(int).tolist(), "practice"))
    return borough, pcn_parent, memberships, levels


def _hierarchy_rows(indicator: Indicator, levels: dict[int, str]) -> QuerySet[Observation]:
    return Observation.objects.filter(indicator=indicator, area_id__in=list(levels), is_current=True)


def hierarchy_observations(indicator: Indicator, borough_code: str = HARROW_CODE) -> HierarchyObservations:
    """Four queries: the borough, its PCNs, their practices' memberships, and the indicator's observations."""
    borough, pcn_parent, memberships, levels = _hierarchy(borough_code)
    rows = _hierarchy_rows(indicator, levels).values_list("pk", *HIERARCHY_COLUMNS)
    frame = pd.DataFrame.from_records(list(rows), columns=["pk", *HIERARCHY_COLUMNS])
    ids = frame.pop("pk").to_numpy(dtype=np.int64)
    identity = (len(ids), int(ids.sum()), int(ids.max())) if len(ids) else (0, 0, 0)
    frame = frame.sort_values(["area_id", "breakdown", "category", "period_end", "period_start"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame["level"] = frame["area_id"].map(levels)
    return HierarchyObservations(indicator, borough, frame, memberships, pcn_parent, identity)


def hierarchy_identities(
    indicators: Iterable[Indicator], borough_code: str = HARROW_CODE
) -> dict[int, HierarchyIdentity]:
    """`hierarchy_observations`' identity for each indicator, by id (four queries for any number of indicators;
    the last sums the rows' keys in the database: 20 ms for OUT5's 80,000 rows, where reading them takes 650 ms)."""
    indicators = list(indicators)
    borough, pcn_parent, memberships, levels = _hierarchy(borough_code)
    current = Observation.objects.filter(
        indicator_id__in=[i.pk for i in indicators], area_id__in=list(levels), is_current=True
    )
    sums = current.values("indicator_id").order_by().annotate(count=Count("pk"), total=Sum("pk"), largest=Max("pk"))
    found = {row["indicator_id"]: (int(row["count"]), int(row["total"]), int(row["largest"])) for row in sums}
    identity = {i.pk: found.get(i.pk, (0, 0, 0)) for i in indicators}
    return {i.pk: HierarchyIdentity(i, borough, memberships, pcn_parent, identity[i.pk]) for i in indicators}


def hierarchy_identity(indicator: Indicator, borough_code: str = HARROW_CODE) -> HierarchyIdentity:
    """`hierarchy_identities` of one indicator."""
    return hierarchy_identities([indicator], borough_code)[indicator.pk]
