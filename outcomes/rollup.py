"""Practice rows rolled up to PCN and borough as a ratio of sums (pure pandas, no Django).

A PCN's value is sum(numerators) / sum(denominators) x multiplier over the practices that were its members
on the last day of the period; never a mean of practice percentages, which would weight a 300-patient
practice like a 3,000-patient one. A group in which any member's numerator or denominator is missing or
suppressed is itself marked suppressed, with the reason, rather than silently summed over fewer practices.

An indicator that is itself a count (list sizes: ``unit = "count"``) has values, not numerators and
denominators: its practice values are summed (``count=True``: the practice rows come in with numerator = value and
denominator = 1, and the sum of the values is the PCN's value). Each (breakdown, category) is its own key, so the
all-persons totals sum into the all-persons total and each age band or sex into its own: a file holding totals
and breakdowns never adds one into the other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

KEY = ["period_start", "period_end", "breakdown", "category"]
IntervalFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def members_at(memberships: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Memberships (practice_id, pcn_id, start, end) in force on ``day``; ``end`` is exclusive."""
    in_force = (memberships["start"] <= day) & (memberships["end"].isna() | (memberships["end"] > day))
    return memberships.loc[in_force, ["practice_id", "pcn_id"]]


COLUMNS = ["area_id", *KEY, "numerator", "denominator", "value", "lower_ci", "upper_ci", "suppressed", "note"]
#: What ``ratio_of_sums`` needs per PCN or borough and key: sums over the members, and how many were incomplete.
#: ``covered`` is the sorted tuple of the practice ids summed, for ``coverage.coverage``.
SUM_COLUMNS = ["area_id", *KEY, "numerator", "denominator", "incomplete", "practices", "covered"]


def rollup_ratio_of_sums(
    practice_rows: pd.DataFrame,
    memberships: pd.DataFrame,
    pcn_parent: Mapping[int, int],
    *,
    multiplier: float,
    interval: IntervalFn | None = None,
) -> pd.DataFrame:
    """PCN and borough rows from practice rows.

    ``practice_rows`` columns: area_id, period_start, period_end, breakdown, category, numerator,
    denominator, suppressed. ``memberships``: practice_id, pcn_id, start, end (dates). ``pcn_parent`` maps
    each PCN id to its borough id. ``interval(numerator, denominator)`` gives (lower, upper) in the
    indicator's units. Returns one row per (area_id, KEY) with numerator, denominator, value, lower_ci,
    upper_ci, suppressed and note.
    """
    if practice_rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    return ratio_of_sums(group_sums(practice_rows, memberships, pcn_parent), multiplier=multiplier, interval=interval)


def group_sums(practice_rows: pd.DataFrame, memberships: pd.DataFrame, pcn_parent: Mapping[int, int]) -> pd.DataFrame:
    """SUM_COLUMNS per PCN and per borough: the members' sums, counted by the membership in force."""
    rows = practice_rows.copy()
    rows["incomplete"] = rows["suppressed"].astype(bool) | rows["numerator"].isna() | rows["denominator"].isna()
    memberships = memberships.assign(start=pd.to_datetime(memberships["start"]), end=pd.to_datetime(memberships["end"]))
    parts = []
    for period_end, period in rows.groupby("period_end", sort=False):
        members = members_at(memberships, pd.Timestamp(period_end))
        joined = period.merge(members, left_on="area_id", right_on="practice_id", how="inner")
        joined["borough_id"] = joined["pcn_id"].map(pcn_parent)
        for level_column in ("pcn_id", "borough_id"):
            grouped = joined.groupby([level_column, *KEY], sort=False, dropna=True).agg(
                numerator=("numerator", "sum"),
                denominator=("denominator", "sum"),
                incomplete=("incomplete", "sum"),
                practices=("area_id", "count"),
                covered=("area_id", lambda ids: tuple(sorted(int(i) for i in ids))),
            )
            parts.append(grouped.reset_index().rename(columns={level_column: "area_id"}))
    return pd.concat(parts, ignore_index=True)[SUM_COLUMNS]


def ratio_of_sums(
    sums: pd.DataFrame, *, multiplier: float, interval: IntervalFn | None = None, count: bool = False
) -> pd.DataFrame:
    """COLUMNS from SUM_COLUMNS: the value, its interval, and suppression with its reason. ``count``: the sums
    are of a count indicator's values (see the module's docstring): the value is the sum, with no numerator,
    denominator or interval."""
    if sums.empty:
        return pd.DataFrame(columns=COLUMNS)
    if count:
        return _sum_of_counts(sums)
    out = sums.copy()
    out["suppressed"] = out["incomplete"] > 0
    out["note"] = np.where(
        out["suppressed"],
        out["incomplete"].astype(int).astype(str)
        + " of "
        + out["practices"].astype(str)
        + " practices missing or suppressed",
        "Ratio of sums over " + out["practices"].astype(str) + " practices",
    )
    out.loc[out["suppressed"], ["numerator", "denominator"]] = np.nan
    valid = ~out["suppressed"] & (out["denominator"] > 0)
    out["value"] = np.where(valid, out["numerator"] / out["denominator"].where(valid, 1) * multiplier, np.nan)
    out["lower_ci"] = np.nan
    out["upper_ci"] = np.nan
    if interval is not None and valid.any():
        lower, upper = interval(out.loc[valid, "numerator"].to_numpy(), out.loc[valid, "denominator"].to_numpy())
        out.loc[valid, "lower_ci"] = lower
        out.loc[valid, "upper_ci"] = upper
    out["area_id"] = out["area_id"].astype(int)
    return out[COLUMNS]


def _sum_of_counts(sums: pd.DataFrame) -> pd.DataFrame:
    out = sums.copy()
    out["suppressed"] = out["incomplete"] > 0
    practices = out["practices"].astype(str)
    out["note"] = np.where(
        out["suppressed"],
        out["incomplete"].astype(int).astype(str) + " of " + practices + " practices missing or suppressed",
        "Sum over " + practices + " practices",
    )
    out["value"] = out["numerator"].where(~out["suppressed"])
    out[["numerator", "denominator", "lower_ci", "upper_ci"]] = np.nan
    out["area_id"] = out["area_id"].astype(int)
    return out[COLUMNS]


def count_rows(practice_rows: pd.DataFrame, values: pd.Series) -> pd.DataFrame:
    """A count indicator's practice rows as ``group_sums`` takes them: numerator = the value, denominator = 1."""
    return practice_rows.assign(numerator=values.to_numpy(), denominator=1.0)


def interval_function(method: str, multiplier: float) -> IntervalFn | None:
    """The 95% interval for an indicator's interval method, in its display units; None if not derivable."""
    from .stats.intervals import rate_ci, wilson_ci

    if method == "wilson":

        def proportion(num: np.ndarray, den: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            lower, upper = wilson_ci(num, den)
            return lower * multiplier, upper * multiplier

        return proportion
    if method == "byar":
        return lambda num, den: rate_ci(num, den, multiplier=multiplier)
    return None
