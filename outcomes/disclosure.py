"""Disclosure control for counts shown below borough level: the NHS Digital small-number rule.

Pure numpy/pandas (no Django), so views, the board pack and exports share one implementation. Every view that
shows practice- or PCN-level counts to anyone but an analyst takes them from one controlled frame per indicator
(`control_observations`, with complementary suppression from `outcomes.disclosure_secondary`, see ADR 0008),
carried onto its rows by `overlay_controlled`.

The rule (NHS Digital, "Disclosure control methodology for Hospital Episode Statistics (HES) and Emergency Care
Data Set (ECDS)", September 2018, adopted since for other NHS Digital / NHS England datasets, e.g. the Sexual and
Reproductive Health Activity Dataset from 2019-20; https://digital.nhs.uk/data-and-information/data-tools-and-
services/data-services/hospital-episode-statistics/change-to-disclosure-control-methodology-for-hes-and-ecds-
from-september-2018), for counts below national level:

1. a count from 1 to 7 inclusive is suppressed and shown as ``*``;
2. every other count is rounded to the nearest 5. A zero is therefore shown as 0: a true zero is not treated as
   disclosive, and rounding leaves it unchanged;
3. a rate or percentage is not shown (``*``) when its numerator or denominator was suppressed.

The same rule is what this module implements, with these choices where the rule is silent:

* **Derived values come from the controlled counts** (`control_observations`, ADR 0008). A value at any
  precision beside rounded counts lets a reader undo the rounding (value x denominator / multiplier gives the
  numerator back), so the pages' values and intervals below borough level are recomputed from the rounded
  counts. They differ a little from the published ones (NHS Digital warns of the same); analysts see those.
  `apply_disclosure_control`, the rule applied to one frame alone, keeps the published values at display
  precision; it is the fallback for rows outside the borough's hierarchy.
* **Intervals go with their value.** The rule says interval calculations need no disclosure control; but an interval
  around a suppressed value would let a reader recover it, so ``lower_ci``/``upper_ci`` are blanked with the value.
* **Non-integer counts** (weighted or survey-estimated): a count c is suppressed when ``lo - 1 < c < hi + 1`` and
  c is not 0, i.e. anything strictly between 0 and 8 for the default rule, so a fraction of a person never slips
  through. Rounding is half away from zero (``floor(c / 5 + 0.5) * 5``); for whole counts there are no ties.
* Missing counts (NaN/None) stay missing and are not flagged as suppressed; negative counts are refused.
* **Values go out at the precision shown** (``decimals``). A value at full precision beside rounded counts lets a
  reader undo the rounding (44.9449594438007% with "3,105 of 6,905" has one exact solution nearby, 3,103 of
  6,904), so under control a value and its interval are rounded to the decimal places the page shows them to,
  in tables, downloads and chart data alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "SOURCE",
    "SUPPRESSED_TEXT",
    "SuppressedCounts",
    "apply_disclosure_control",
    "control_observations",
    "display_counts",
    "overlay_controlled",
    "rows_by_area",
    "rows_with_keys_of",
    "suppress_counts",
]

SUPPRESSED_TEXT = "*"
SOURCE = (
    "NHS Digital, Disclosure control methodology for HES and ECDS (September 2018): counts below national level "
    "from 1 to 7 are shown as *, all others are rounded to the nearest 5; rates and percentages from suppressed "
    "counts are not shown. ONS secondary suppression: where parts and their total are both shown, enough other "
    "cells are suppressed that no difference reveals a suppressed one; values are computed from the rounded counts."
)


class SuppressedCounts(NamedTuple):
    """``values``: rounded counts, NaN where suppressed or missing; ``suppressed``: True where shown as ``*``.

    Both have the input's shape (a Series keeps its index; a scalar gives a float and a bool)."""

    values: np.ndarray | pd.Series | float
    suppressed: np.ndarray | pd.Series | bool


def _as_float(counts: ArrayLike) -> np.ndarray:
    if isinstance(counts, pd.Series):
        return pd.to_numeric(counts, errors="raise").astype(float).to_numpy()
    arr = np.asarray(counts, dtype=object if np.ndim(counts) else None)
    if arr.dtype == object:
        arr = np.where(pd.isna(arr), np.nan, arr)
    return np.asarray(arr, dtype=float)


def suppress_counts(
    counts: ArrayLike | pd.Series, *, threshold: tuple[int, int] = (1, 7), round_to: int | None = 5
) -> SuppressedCounts:
    """Apply the small-number rule to counts (vectorised over scalars, arrays and Series).

    ``threshold`` is the inclusive range of counts that are suppressed; ``round_to`` the base the other counts are
    rounded to (None or 1: no rounding). 0 -> 0; 1..7 -> NaN flagged suppressed; 8 -> 10; 12 -> 10; 13 -> 15;
    1002 -> 1000; NaN -> NaN (not flagged).
    """
    lo, hi = threshold
    if lo > hi or lo < 1:
        raise ValueError("threshold must be (lo, hi) with 1 <= lo <= hi")
    if round_to is not None and round_to <= 0:
        raise ValueError("round_to must be a positive number or None")
    index = counts.index if isinstance(counts, pd.Series) else None
    scalar = np.ndim(counts) == 0 and index is None
    c = _as_float(counts)
    missing = np.isnan(c)
    if np.any(c[~missing] < 0):
        raise ValueError("counts must not be negative")
    with np.errstate(invalid="ignore"):
        suppressed = ~missing & (c != 0) & (c > lo - 1) & (c < hi + 1)
        rounded = c if round_to in (None, 1) else np.floor(c / round_to + 0.5) * round_to
    values = np.where(suppressed, np.nan, rounded)
    if scalar:
        return SuppressedCounts(float(values), bool(suppressed))
    if index is not None:
        return SuppressedCounts(
            pd.Series(values, index=index, name=counts.name), pd.Series(suppressed, index=index, name=counts.name)
        )
    return SuppressedCounts(values, suppressed)


def display_counts(
    values: ArrayLike | pd.Series, suppressed: ArrayLike | pd.Series, *, missing_text: str = ""
) -> list[str]:
    """Display strings: ``*`` where suppressed, ``missing_text`` where missing, else the count with thousands
    separators (whole counts without decimals, e.g. "1,000"; other counts to one decimal place)."""
    v = _as_float(values).ravel()
    s = np.asarray(suppressed, dtype=bool).ravel()
    out = []
    for value, hidden in zip(v, s, strict=True):
        if hidden:
            out.append(SUPPRESSED_TEXT)
        elif np.isnan(value):
            out.append(missing_text)
        elif float(value).is_integer():
            out.append(f"{value:,.0f}")
        else:
            out.append(f"{value:,.1f}")
    return out


def apply_disclosure_control(
    frame: pd.DataFrame,
    *,
    count_columns: Iterable[str] = ("numerator", "denominator"),
    value_columns: Iterable[str] = ("value", "lower_ci", "upper_ci"),
    threshold: tuple[int, int] = (1, 7),
    round_to: int | None = 5,
    rows: ArrayLike | pd.Series | None = None,
    missing_text: str = "",
    decimals: int | ArrayLike | None = None,
) -> pd.DataFrame:
    """A copy of ``frame`` with its counts suppressed or rounded and values from suppressed counts blanked.

    Columns named in ``count_columns``/``value_columns`` but absent from the frame are ignored. Adds:

    * ``disclosure_suppressed`` (bool): a count in the row was 1-7, so its values were blanked (NaN);
    * ``<count>_display`` for each count column (e.g. ``numerator_display``, ``denominator_display``): "*" where
      suppressed, the rounded count otherwise, ``missing_text`` where missing.

    Values of rows that keep their counts are left exactly as published (not recomputed from rounded counts; see
    the module docstring). ``rows`` (boolean, aligned with the frame) limits control to some rows, e.g. practices
    and PCNs in a frame that also holds the borough; other rows keep exact counts and get plain display strings.
    ``decimals`` (one number, or one per row, e.g. each row's indicator's) rounds the values of controlled rows to
    the precision they are shown at (see the module docstring); None leaves them as they are.
    The input frame is not modified.
    """
    out = frame.copy()
    counts = [c for c in count_columns if c in out.columns]
    values = [c for c in value_columns if c in out.columns]
    if rows is None:
        applies = np.ones(len(out), dtype=bool)
    else:
        applies = np.asarray(rows.to_numpy() if isinstance(rows, pd.Series) else rows, dtype=bool)
        if applies.shape != (len(out),):
            raise ValueError("rows must be one boolean per row of the frame")
    any_suppressed = np.zeros(len(out), dtype=bool)
    for column in counts:
        exact = _as_float(out[column].to_numpy())
        controlled = suppress_counts(exact, threshold=threshold, round_to=round_to)
        hidden = controlled.suppressed & applies
        shown = np.where(applies, controlled.values, exact)
        out[column] = shown
        out[f"{column}_display"] = display_counts(shown, hidden, missing_text=missing_text)
        any_suppressed |= hidden
    places = None if decimals is None else np.broadcast_to(np.asarray(decimals, dtype=float), (len(out),))
    for column in values:
        shown = pd.to_numeric(out[column], errors="coerce").astype(float).mask(any_suppressed)
        if places is not None:
            scale = 10.0**places
            shown = shown.where(~applies, np.round(shown.to_numpy() * scale) / scale)
        out[column] = shown
    out["disclosure_suppressed"] = any_suppressed
    return out


IntervalFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
#: The columns `control_observations` fills and `overlay_controlled` carries onto a page's rows.
CONTROLLED_COLUMNS = [
    "numerator",
    "denominator",
    "value",
    "lower_ci",
    "upper_ci",
    "numerator_display",
    "denominator_display",
    "disclosure_suppressed",
]


def control_observations(
    frame: pd.DataFrame,
    groups: Sequence[np.ndarray],
    *,
    controllable: ArrayLike,
    multiplier: float,
    interval: IntervalFn | None,
    decimals: int | None,
    threshold: tuple[int, int] = (1, 7),
    round_to: int = 5,
    missing_text: str = "",
) -> pd.DataFrame:
    """One controlled frame for every page, chart and download that shows these observations to non-analysts.

    ``frame``: observations (numerator, denominator, value, lower_ci, upper_ci; a 0..n-1 index); ``groups``: the
    (total, parts...) positions a reader can difference (`outcomes.disclosure_groups.additive_groups`);
    ``controllable``: rows below borough level (the others are shown exactly, and are never suppressed).

    Per count column: the small-number rule, then complementary suppression over the groups whose sums hold
    (`outcomes.disclosure_secondary`). A row with any count suppressed shows no value or interval. The others,
    on controlled rows with both counts, have their value and interval **recomputed from the controlled
    counts** (numerator / denominator x ``multiplier``, ``interval`` on the same counts), so value x denominator
    gives back only the rounded numerator already shown; without an interval method they keep the published
    value. Controlled values go out at ``decimals`` places. Adds ``<count>_display`` and
    ``disclosure_suppressed`` as `apply_disclosure_control` does.
    """
    from .disclosure_groups import groups_that_hold
    from .disclosure_secondary import complementary_suppression

    out = frame.copy()
    applies = np.asarray(controllable, dtype=bool)
    if applies.shape != (len(out),):
        raise ValueError("controllable must be one boolean per row of the frame")
    hidden = np.zeros(len(out), dtype=bool)
    for column in ("numerator", "denominator"):
        if column not in out.columns:
            continue
        exact = _as_float(out[column].to_numpy())
        primary = suppress_counts(exact, threshold=threshold, round_to=round_to)
        shown = np.where(applies, primary.values, exact)
        known = exact[~np.isnan(exact)]
        half = (round_to - 1) / 2 if np.all(known == np.round(known)) else round_to / 2
        suppressed = complementary_suppression(
            exact,
            np.where(applies, np.where(primary.suppressed, np.nan, shown), exact),
            primary.suppressed & applies,
            applies,
            applies,
            groups_that_hold(list(groups), exact),
            half=half,
            naive_half=round_to / 2,
            hi_small=threshold[1],
        )
        shown = np.where(suppressed, np.nan, shown)
        out[column] = shown
        out[f"{column}_display"] = display_counts(shown, suppressed, missing_text=missing_text)
        hidden |= suppressed
    values = {
        c: pd.to_numeric(out[c], errors="coerce").astype(float).to_numpy().copy()
        for c in ("value", "lower_ci", "upper_ci")
        if c in out.columns
    }
    if {"numerator", "denominator", "value"} <= set(out.columns):
        num, den = out["numerator"].to_numpy(float), out["denominator"].to_numpy(float)
        derive = applies & ~hidden & ~np.isnan(num) & ~np.isnan(den) & (interval is not None)
        if derive.any():
            positive = derive & (den > 0)
            values["value"][derive] = np.nan
            values["value"][positive] = num[positive] / den[positive] * multiplier
            for column in ("lower_ci", "upper_ci"):
                if column in values:
                    values[column][derive] = np.nan
            if positive.any() and "lower_ci" in values and "upper_ci" in values:
                lower, upper = interval(num[positive], den[positive])
                values["lower_ci"][positive], values["upper_ci"][positive] = lower, upper
    for column, shown in values.items():
        shown[hidden] = np.nan
        if decimals is not None:
            shown[applies] = np.round(shown[applies], decimals)
        out[column] = shown
    out["disclosure_suppressed"] = hidden
    return out


def rows_by_area(controlled: pd.DataFrame) -> dict[int, np.ndarray]:
    """The positions of a controlled frame's rows by area id: for a page that overlays many small frames on one
    large controlled frame (`overlay_controlled`'s ``by_area``), found once instead of at every call."""
    if controlled.empty or "area_id" not in controlled.columns:
        return {}
    return dict(controlled.groupby("area_id", sort=False).indices)


def rows_with_keys_of(controlled: pd.DataFrame, frames: Iterable[pd.DataFrame], keys: Sequence[str]) -> pd.DataFrame:
    """The rows of a controlled frame whose ``keys`` appear in any of ``frames``: all that `overlay_controlled`
    reads when it overlays those frames, so a page overlaid on them is the page overlaid on the whole frame."""
    present = [frame[list(keys)] for frame in frames if not frame.empty]
    if not present or controlled.empty:
        return controlled.iloc[0:0].reset_index(drop=True)
    wanted = pd.concat(present, ignore_index=True).drop_duplicates()
    return controlled.merge(wanted, on=list(keys), how="inner")


def overlay_controlled(
    frame: pd.DataFrame,
    controlled: pd.DataFrame,
    *,
    keys: Sequence[str],
    decimals: int | None = None,
    by_area: Mapping[int, np.ndarray] | None = None,
) -> pd.DataFrame:
    """``frame`` (a page's rows) with its counts, values and flags taken from the one controlled frame.

    Rows are matched on ``keys`` (e.g. area_id, period_start, period_end, breakdown, category). A row the
    controlled frame does not hold (an area outside its hierarchy) falls back to the small-number rule
    (`apply_disclosure_control`), so nothing leaves uncontrolled. The input frame is not modified. ``by_area``:
    `rows_by_area` of ``controlled``, when the caller overlays several frames on it.
    """
    out = frame.copy()
    if out.empty:
        return apply_disclosure_control(out, decimals=decimals)
    columns = [c for c in CONTROLLED_COLUMNS if c in controlled.columns]
    # Only the rows of the page's own areas and indicators: a page shows a few areas of a frame holding every
    # practice's rows.
    if by_area is not None and "area_id" in keys:
        found_rows = [by_area[a] for a in pd.unique(out["area_id"]) if a in by_area]
        controlled = controlled.iloc[np.concatenate(found_rows)] if found_rows else controlled.iloc[:0]
    for key in ("indicator_id", "area_id"):
        if key in keys and key in controlled.columns:
            controlled = controlled[controlled[key].isin(out[key].unique())]
    lookup = controlled.drop_duplicates(list(keys)).set_index(list(keys))[columns]
    index = pd.MultiIndex.from_frame(out[list(keys)]) if len(keys) > 1 else pd.Index(out[keys[0]])
    found = index.isin(lookup.index)
    matched = lookup.reindex(index)
    if found.all():
        for column in columns:
            out[column] = matched[column].to_numpy()
    else:
        fallback = apply_disclosure_control(out, decimals=decimals)
        for column in columns:
            base = fallback[column] if column in fallback.columns else pd.Series(np.nan, index=out.index)
            out[column] = np.where(found, matched[column].to_numpy(), base.to_numpy())
    for column in ("numerator", "denominator", "value", "lower_ci", "upper_ci"):
        if column in out.columns:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    out["disclosure_suppressed"] = out["disclosure_suppressed"].astype(bool)
    return out
