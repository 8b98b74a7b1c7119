"""Funnel plots: control limits and per-unit significance (PHE B5).

Pure numpy/scipy/pandas. Semantics: docs/statistics.md B5; reference values: ``funnel.json``.

Two families, deliberately kept apart (STATISTICS.md C11):

* **PHE / Fingertips funnels** (``funnel_limits``, ``funnel_significance``): 95% limits at one-sided p = 0.975
  ("2s") and 99.8% at p = 0.999 ("3s"). Proportions use ``av +/- z sqrt(av(1-av)/N)`` around the pooled average
  (the score-test region PHE labels "Wilson"; C8). Ratio and rate funnels are indexed by *observed* events and use
  the PHE Poisson bisection (``intervals.poisson_mean_limit``), so the 100-row tables match the peer to 1e-8.
  Significance labels are PHE's: "High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)",
  "Not significant" and, for DSRs under 10 events, "Not applicable for events less than 10 for dsrs".
* **FunnelPlotR standardised ratios**, with Spiegelhalter's overdispersion adjustment: in
  ``overdispersed_funnel`` (``sr_funnel_limits``, ``sr_funnel``, ``proportion_funnel``).

Choices where the references disagree or are silent:

* PHE clips proportion limits to [0, 100] after multiplying, which is only right for multiplier 100 (C11). We clip
  to [0, multiplier]; for the peer's multiplier of 100 the output is identical.
* The PHE axis helpers count digits with R's ``nchar()`` of a number, which misbehaves for round numbers R prints in
  scientific notation (>= 1e5); we count decimal digits, which is what was intended (no peer test covers it).
* R ``round`` is half-to-even; Python's ``round`` on floats is too.
* PHE rate significance uses the supplied denominator only for zero counts (crude rates) and drops zero counts
  from the average for DSRs; the limit tables use the supplied denominator for every row when one is given. We
  follow the peer in both places.

**Funnels around a given value** (``target=``; the PCN page's practices against Harrow): PHE centres the limits on
the units' own pooled average. Comparing a PCN's practices with the borough needs the limits centred on the
borough's value instead, so ``funnel_limits`` and ``funnel_significance`` take an optional ``target`` (a proportion
on the 0-1 scale, or a rate per one unit of denominator) that replaces the pooled average and nothing else: with
``target`` equal to the pooled average the PHE tables and labels are reproduced exactly (tested on the peer's
vectors). A practice's limits then do not depend on the other practices drawn, so one practice can be compared on
its own, and limits never encode a total that disclosure control hides. ``funnel_comparison`` turns PHE's
High/Low labels into the Fingertips words for the indicator's polarity (better/worse, or higher/lower where
higher is neither good nor bad), and ``funnel_comparisons`` does both for rows that may lack counts.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special  # not scipy.stats, which takes a second to import

from outcomes.stats.intervals import poisson_mean_limit, rate_ci

__all__ = [
    "LEVELS",
    "funnel_axis_points",
    "funnel_comparison",
    "funnel_comparisons",
    "funnel_level",
    "funnel_limits",
    "funnel_significance",
]

Statistic = Literal["proportion", "ratio", "rate"]
RateType = Literal["dsr", "crude"]

LEVELS: dict[str, float] = {"2s": 0.975, "3s": 0.999}
"""One-sided probabilities for the 95% ("2s") and 99.8% ("3s") funnels."""

HIGH_001, HIGH_025, LOW_001, LOW_025 = "High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)"
NOT_SIGNIFICANT = "Not significant"
DSR_NOT_APPLICABLE = "Not applicable for events less than 10 for dsrs"


def as_floats(x: ArrayLike) -> NDArray[np.float64]:
    """Any array-like as float64 (shared with ``overdispersed_funnel``)."""
    return np.asarray(x, dtype=float)


# ------------------------------------------------------------------------------------------------- axis


def _digits(x: float) -> int:
    return len(str(int(x)))


def _signif_floor(x: float) -> float:
    """Round 0.95x down to its leading digit (PHE ``signif.floor``)."""
    if x == 0:
        return 0.0
    n = _digits(math.floor(x * 0.95)) - 1
    return math.floor(x * 0.95 / 10**n) * 10**n


def _signif_ceiling(x: float) -> float:
    """Round 1.05x up to two significant digits (PHE ``signif.ceiling``)."""
    if x == 0:
        return 0.0
    n = _digits(math.ceil(x * 1.05)) - 2
    return math.ceil(x * 1.05 / 10**n) * 10**n


def funnel_axis_points(axis_minimum: float, axis_maximum: float, *, ratio: bool = False) -> NDArray[np.float64]:
    """The 100 geometrically spaced x-axis points PHE draws limits at (ratios use a one-step-shorter exponent)."""
    points = [max(1.0, float(axis_minimum))]
    for j in range(2, 101):
        offset = j - 1 if ratio else j
        prev = points[-1]
        points.append(max(float(round((axis_maximum / prev) ** (1 / (101 - offset)) * prev)), prev + 1))
    return np.array(points)


def _axis(denominators: NDArray[np.float64], years: float = 1.0) -> tuple[float, float]:
    low, high = float(np.nanmin(denominators)), float(np.nanmax(denominators))
    minimum = 0.0 if high > 2 * low else _signif_floor(low / years) * years
    return minimum, _signif_ceiling(high / years) * years


# ------------------------------------------------------------------------------------------------- PHE limits


def _centre(target: float | None, pooled: float, statistic: str) -> float:
    """The funnel's centre line: the pooled average (PHE) unless a target is given (e.g. the borough's value)."""
    if target is None:
        return float(pooled)
    centre = float(target)
    if not math.isfinite(centre) or centre <= 0 or (statistic == "proportion" and centre >= 1):
        raise ValueError("the target must be a proportion strictly between 0 and 1, or a positive rate")
    return centre


def proportion_limit(p: float, population: NDArray[np.float64], average: float, side: str) -> NDArray[np.float64]:
    """Score-test funnel: the proportions a population of N would reach with one-sided probability p."""
    half = special.ndtri(p) * np.sqrt(average * (1 - average) / population)
    return average - half if side == "low" else average + half


def _derived_denominator(
    count: NDArray[np.float64],
    rate: NDArray[np.float64],
    denominator: NDArray[np.float64] | None,
    rate_type: RateType,
    multiplier: float,
    *,
    for_limits: bool,
) -> NDArray[np.float64]:
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = multiplier * count / rate
    if rate_type == "dsr":
        return np.where(count == 0, np.nan, derived)
    if denominator is None:
        if np.any(count == 0):
            raise ValueError("for rates with 0 events the denominator is needed")
        return derived
    return denominator if for_limits else np.where(count == 0, denominator, derived)


def funnel_limits(
    numerator: ArrayLike,
    denominator: ArrayLike | None = None,
    *,
    statistic: Statistic = "proportion",
    multiplier: float = 100,
    ratio_type: Literal["count", "isr"] = "count",
    rate: ArrayLike | None = None,
    rate_type: RateType | None = None,
    years_of_data: float | None = None,
    target: float | None = None,
) -> pd.DataFrame:
    """PHE funnel limit table (100 rows) for proportions, ratios (O/E) or rates (B5).

    ``target``: centre the limits on this value (proportion 0-1, or rate per one unit of denominator) instead of
    the units' pooled average; not for ratios, which are always centred on 1.

    proportion: ``numerator``/``denominator`` are x and n; columns Population, lower/upper_2s/3s_limit, baseline.
    ratio: ``numerator`` observed, ``denominator`` expected; x-axis is observed events; limits O/mu (minus 1 for
    ``ratio_type="count"``, x 100 for "isr"), plus the Poisson means (``*_exp_events``).
    rate: ``numerator`` events and ``rate`` (per ``multiplier``); ``denominator`` only needed with zero counts.
    """
    x = as_floats(numerator)
    if statistic == "proportion":
        if denominator is None:
            raise ValueError("proportions need a denominator")
        n = as_floats(denominator)
        average = _centre(target, x.sum() / n.sum(), statistic)
        axis_min, axis_max = _axis(n)
        population = funnel_axis_points(axis_min, axis_max)
        table = pd.DataFrame({"Population": population})
        for name, p in LEVELS.items():
            lower = proportion_limit(p, population, average, "low") * multiplier
            upper = proportion_limit(p, population, average, "high") * multiplier
            table[f"lower_{name}_limit"] = np.clip(lower, 0, multiplier)
            table[f"upper_{name}_limit"] = np.clip(upper, 0, multiplier)
        table["baseline"] = average * multiplier
        return table[["Population", "lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit", "baseline"]]
    if statistic == "ratio":
        if denominator is None:
            raise ValueError("ratios need the expected values as denominator")
        if target is not None:
            raise ValueError("ratio funnels are centred on 1: no target")
        axis_min, axis_max = _axis(as_floats(denominator))
        observed = funnel_axis_points(axis_min, axis_max, ratio=True)
        table = pd.DataFrame({"Observed_events": observed})
        for name, p in LEVELS.items():
            tail = 1 - p
            for side, bisect_side in (("lower", "high"), ("upper", "low")):
                mean = poisson_mean_limit(observed, tail, bisect_side)
                limit = observed / mean
                table[f"{side}_{name}_exp_events"] = mean
                table[f"{side}_{name}_limit"] = limit - 1 if ratio_type == "count" else limit * 100
        return table
    if statistic == "rate":
        if rate is None or rate_type not in ("dsr", "crude") or years_of_data is None:
            raise ValueError("rates need rate, rate_type ('dsr' or 'crude') and years_of_data")
        d = _derived_denominator(
            x,
            as_floats(rate),
            None if denominator is None else as_floats(denominator),
            rate_type,
            multiplier,
            for_limits=True,
        )
        average = _centre(target, x.sum() / np.nansum(d), statistic)
        axis_min, axis_max = _axis(d, years_of_data)
        events = funnel_axis_points(math.floor(axis_min * average), math.ceil(axis_max * average))
        table = pd.DataFrame({"Events": events})
        for name, p in LEVELS.items():
            tail = 1 - p
            for side, bisect_side in (("lower", "high"), ("upper", "low")):
                population = poisson_mean_limit(events, tail, bisect_side) / average
                table[f"{side}_{name}_population_1_year"] = population / years_of_data
                table[f"{side}_{name}_limit"] = events / population * multiplier
        table["baseline"] = average * multiplier
        table["statistic"] = f"rate ({rate_type} per {multiplier:,.0f})"
        table["method"] = "Poisson"
        return table
    raise ValueError("statistic must be 'proportion', 'ratio' or 'rate'")


# ------------------------------------------------------------------------------------------------- PHE significance


def _label(rules: list[tuple[NDArray[np.bool_], str]]) -> NDArray[np.object_]:
    """First matching rule wins, as in R's case_when; NaN comparisons are False, so they fall to "Not significant"."""
    conditions, labels = zip(*rules, strict=True)
    return np.select(list(conditions), list(labels), NOT_SIGNIFICANT).astype(object)


def funnel_significance(
    numerator: ArrayLike,
    denominator: ArrayLike | None = None,
    *,
    statistic: Statistic = "proportion",
    rate: ArrayLike | None = None,
    rate_type: RateType | None = None,
    multiplier: float | None = None,
    target: float | None = None,
) -> NDArray[np.object_]:
    """Each unit's PHE funnel significance (B5); independent of the order of units.

    proportion: x/n against the pooled average's 99.8% then 95% limits. ratio: O against E using exact Poisson
    limits of O (Byar from 10 events). rate: O against the weighted average rate, with derived denominators.
    ``target`` replaces the pooled average (proportions: 0-1; rates: per one unit of denominator), as in
    `funnel_limits`; each unit's label then depends on its own counts alone.
    """
    x = as_floats(numerator)
    if np.any(x < 0):
        raise ValueError("numerators must be greater than or equal to zero")
    n = None if denominator is None else as_floats(denominator)
    if n is not None and np.any(n <= 0):
        raise ValueError("denominators must be greater than zero")
    if statistic == "proportion":
        if n is None:
            raise ValueError("proportions need a denominator")
        if np.any(x > n):
            raise ValueError("numerators must be less than or equal to denominator for a proportion statistic")
        average = _centre(target, x.sum() / n.sum(), statistic)
        p = x / n
        # PHE tests the low limits first (only a tie could make the order matter).
        return _label(
            [
                (p < proportion_limit(LEVELS["3s"], n, average, "low"), LOW_001),
                (p < proportion_limit(LEVELS["2s"], n, average, "low"), LOW_025),
                (p > proportion_limit(LEVELS["3s"], n, average, "high"), HIGH_001),
                (p > proportion_limit(LEVELS["2s"], n, average, "high"), HIGH_025),
            ]
        )
    if statistic == "ratio":
        if n is None:
            raise ValueError("ratios need the expected values as denominator")
        if target is not None:
            raise ValueError("ratio funnels are centred on 1: no target")
        return _poisson_significance(x, n, 1.0)
    if statistic == "rate":
        if rate is None or rate_type not in ("dsr", "crude") or multiplier is None:
            raise ValueError("rates need rate, rate_type ('dsr' or 'crude') and multiplier")
        d = _derived_denominator(x, as_floats(rate), n, rate_type, multiplier, for_limits=False)
        average = _centre(target, x.sum() / np.nansum(d), statistic)
        labels = _poisson_significance(x, d, average)
        if rate_type == "dsr":
            labels = np.where(x < 10, DSR_NOT_APPLICABLE, labels).astype(object)
        return labels
    raise ValueError("statistic must be 'proportion', 'ratio' or 'rate'")


def _poisson_significance(
    observed: NDArray[np.float64], exposure: NDArray[np.float64], reference: float | NDArray[np.float64]
) -> NDArray[np.object_]:
    """Compare ``reference`` with O's exact/Byar limits divided by the exposure (E for ratios, d for rates)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        low_998, high_998 = rate_ci(observed, exposure, 1.0, 0.998)
        low_95, high_95 = rate_ci(observed, exposure, 1.0, 0.95)
        return _label(
            [
                (reference < low_998, HIGH_001),
                (reference < low_95, HIGH_025),
                (reference > high_998, LOW_001),
                (reference > high_95, LOW_025),
            ]
        )


# ------------------------------------------------------------------------------------------------- polarity

NOT_COMPARED = "not compared"
_HIGH = (HIGH_001, HIGH_025)
_LOW = (LOW_001, LOW_025)
# PHE label side -> Fingertips word, by polarity (as `outcomes.stats.benchmark`, whose polarities these are).
_SIDE_WORDS: dict[str, dict[str, str]] = {
    "high_is_good": {"high": "better", "low": "worse"},
    "low_is_good": {"high": "worse", "low": "better"},
    "no_judgement": {"high": "higher", "low": "lower"},
}


def funnel_comparison(significance: ArrayLike, *, polarity: str) -> NDArray[np.object_]:
    """PHE funnel labels in Fingertips' words for the indicator's polarity: "better"/"worse" (or "higher"/"lower"
    where a higher value is neither good nor bad), "similar" inside the 95% limits, "not compared" for a unit with
    no label ("" or None) or PHE's "Not applicable" (a DSR from under 10 events)."""
    if polarity not in _SIDE_WORDS:
        raise ValueError(f"polarity must be one of {', '.join(_SIDE_WORDS)}")
    words = _SIDE_WORDS[polarity]
    labels = np.asarray(significance, dtype=object)
    out = np.full(labels.shape, NOT_COMPARED, dtype=object)
    out[np.isin(labels, _HIGH)] = words["high"]
    out[np.isin(labels, _LOW)] = words["low"]
    out[labels == NOT_SIGNIFICANT] = "similar"
    return out


def funnel_level(significance: ArrayLike) -> NDArray[np.object_]:
    """How far out a unit lies: "99.8%" beyond the outer limits, "95%" between the two, "" inside or not compared."""
    labels = np.asarray(significance, dtype=object)
    out = np.full(labels.shape, "", dtype=object)
    out[np.isin(labels, (HIGH_025, LOW_025))] = "95%"
    out[np.isin(labels, (HIGH_001, LOW_001))] = "99.8%"
    return out


def funnel_comparisons(
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    target: float | None,
    statistic: Literal["proportion", "rate"],
    multiplier: float,
    polarity: str,
) -> pd.DataFrame:
    """Each unit against a funnel centred on ``target`` (the borough's value, on the indicator's scale: a
    percentage for multiplier 100, a rate per ``multiplier``), one row per unit in input order.

    Columns: ``value`` (numerator / denominator x multiplier), ``significance`` (PHE label, "" when not compared),
    ``comparison`` (`funnel_comparison`) and ``level`` (`funnel_level`). Rows whose counts are missing or invalid
    (no denominator, a proportion over 1), or every row when there is no usable target, are "not compared" rather
    than an error: a page shows them anyway. Rates are crude (the denominator is person-time or population).
    """
    x, n = np.broadcast_arrays(as_floats(numerator), as_floats(denominator))
    x, n = x.astype(float), n.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = x / n * multiplier
    usable = np.isfinite(x) & np.isfinite(n) & (n > 0) & (x >= 0)
    if statistic == "proportion":
        usable &= x <= n
    elif statistic != "rate":
        raise ValueError("statistic must be 'proportion' or 'rate'")
    centre = None if target is None else float(target) / multiplier
    if centre is not None and not (math.isfinite(centre) and centre > 0 and (statistic == "rate" or centre < 1)):
        centre = None  # a borough value of 0% or 100% (or none) has no funnel to compare with
    labels = np.full(x.shape, "", dtype=object)
    if centre is not None and usable.any():
        if statistic == "proportion":
            labels[usable] = funnel_significance(x[usable], n[usable], statistic="proportion", target=centre)
        else:
            labels[usable] = funnel_significance(
                x[usable],
                n[usable],
                statistic="rate",
                rate=value[usable],
                rate_type="crude",
                multiplier=multiplier,
                target=centre,
            )
    return pd.DataFrame(
        {
            "value": np.where(usable, value, np.nan),
            "significance": labels,
            "comparison": funnel_comparison(labels, polarity=polarity),
            "level": funnel_level(labels),
        }
    )
