"""The sums a reader can difference: every total shown beside parts that add up to it (pure pandas, no Django).

Complementary suppression (`outcomes.disclosure_secondary`) needs each such group as (total, parts) positions in
one frame of observations. Four kinds, over the same frame, so a cell belongs to all of its groups at once:

* **breakdown**: an area's categories of one breakdown (age, sex, ...) and the area's headline for the period;
* **practices of a PCN**: the practices that were the PCN's members on the period's last day, for the same key;
* **PCNs of the borough**: the borough's PCNs, for the same key;
* **periods of a longer period**: shorter periods of one length that tile a longer one exactly (the months of a
  year, the quarters of a year), for the same area and key.

A group is kept for a count column only where its sum really holds for the exact counts (a breakdown that leaves
people out, or a PCN supplied by its source rather than summed, is not a sum an attacker can use).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["additive_groups", "groups_that_hold"]

KEY = ["period_start", "period_end", "breakdown", "category"]


def _positions(frame: pd.DataFrame, columns: list[str]) -> dict[tuple, int]:
    return {key: i for i, key in enumerate(zip(*(frame[c] for c in columns), strict=True))}


def _breakdown_groups(frame: pd.DataFrame) -> list[np.ndarray]:
    headline = frame["breakdown"] == "all"
    positions = np.flatnonzero(headline)
    totals = {
        key: int(positions[i])
        for key, i in _positions(frame[headline], ["area_id", "period_start", "period_end"]).items()
    }
    groups = []
    parts = frame[~headline]
    for (area, start, end, _), rows in parts.groupby(
        ["area_id", "period_start", "period_end", "breakdown"], sort=False
    ):
        total = totals.get((area, start, end))
        if total is not None:
            groups.append(np.array([total, *rows.index.to_numpy()], dtype=int))
    return groups


def _hierarchy_groups(
    frame: pd.DataFrame, memberships: pd.DataFrame, pcn_parent: Mapping[int, int]
) -> list[np.ndarray]:
    """(PCN, its practices) and (borough, its PCNs), per period and category."""
    members = memberships.assign(start=pd.to_datetime(memberships["start"]), end=pd.to_datetime(memberships["end"]))
    where = _positions(frame, ["area_id", *KEY])
    groups = []
    by_day: dict[pd.Timestamp, dict[int, list[int]]] = {}  # the tree on a day: one per period, not per key

    def tree(day: pd.Timestamp) -> dict[int, list[int]]:
        if day not in by_day:
            in_force = (members["start"] <= day) & (members["end"].isna() | (members["end"] > day))
            children: dict[int, list[int]] = {}
            practices, pcns = members.loc[in_force, "practice_id"], members.loc[in_force, "pcn_id"]
            for practice, pcn in zip(practices, pcns, strict=True):
                children.setdefault(int(pcn), []).append(int(practice))
            for pcn, borough in pcn_parent.items():
                children.setdefault(int(borough), []).append(int(pcn))
            by_day[day] = children
        return by_day[day]

    for key, rows in frame.groupby(KEY, sort=False):
        children = tree(pd.Timestamp(key[1]))
        present = set(rows["area_id"].astype(int))
        for parent, kids in children.items():
            if parent not in present:
                continue
            found = [where[(kid, *key)] for kid in kids if kid in present]
            if found:
                groups.append(np.array([where[(parent, *key)], *found], dtype=int))
    return groups


def _months(start, end) -> int:
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _period_groups(frame: pd.DataFrame) -> list[np.ndarray]:
    """Longer periods tiled exactly by shorter periods of one length, for the same area, breakdown and category."""
    groups = []
    lengths = pd.Series([_months(s, e) for s, e in zip(frame["period_start"], frame["period_end"], strict=True)])
    if lengths.nunique() < 2:
        return groups
    frame = frame.assign(_length=lengths.to_numpy())
    for _, rows in frame.groupby(["area_id", "breakdown", "category"], sort=False):
        if rows["_length"].nunique() < 2:
            continue
        for position, row in rows.iterrows():
            for length, short in rows[rows["_length"] < row["_length"]].groupby("_length"):
                inside = short[
                    (short["period_start"] >= row["period_start"]) & (short["period_end"] <= row["period_end"])
                ]
                inside = inside.sort_values("period_start")
                if len(inside) * length != row["_length"] or inside.empty:
                    continue
                starts = pd.to_datetime(inside["period_start"]).to_numpy()
                ends = pd.to_datetime(inside["period_end"]).to_numpy()
                contiguous = all(
                    pd.Timestamp(ends[i]) + pd.Timedelta(days=1) == pd.Timestamp(starts[i + 1])
                    for i in range(len(inside) - 1)
                )
                if contiguous and inside["period_start"].iloc[0] == row["period_start"]:
                    groups.append(np.array([position, *inside.index.to_numpy()], dtype=int))
    return groups


def additive_groups(
    frame: pd.DataFrame, *, memberships: pd.DataFrame | None = None, pcn_parent: Mapping[int, int] | None = None
) -> list[np.ndarray]:
    """Every (total, parts...) group of positions in ``frame`` (which must have a 0..n-1 index).

    ``frame`` columns: area_id, period_start, period_end, breakdown, category. ``memberships``: practice_id,
    pcn_id, start, end (end exclusive, open if missing); ``pcn_parent``: PCN id -> borough id.
    """
    if frame.empty:
        return []
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        raise ValueError("the frame must have a plain index (0..n-1)")
    groups = _breakdown_groups(frame)
    if memberships is not None and pcn_parent is not None:
        groups += _hierarchy_groups(frame, memberships, pcn_parent)
    groups += _period_groups(frame)
    return groups


def groups_that_hold(groups: list[np.ndarray], counts: np.ndarray, *, tolerance: float = 1e-6) -> list[np.ndarray]:
    """The groups whose total is the sum of its parts for these exact counts (no missing member)."""
    counts = np.asarray(counts, dtype=float)
    out = []
    for group in groups:
        values = counts[group]
        if np.isnan(values).any():
            continue
        if abs(values[0] - values[1:].sum()) <= tolerance * max(1.0, abs(values[0])):
            out.append(group)
    return out
