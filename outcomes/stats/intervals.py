"""Confidence intervals for public-health indicators, reproducing OHID/PHE Fingertips methods.

Pure numpy/scipy, vectorised over arrays or scalars. Semantics: docs/statistics.md part B (B0-B4); reference values:
``tests/data/reference-vectors`` (proportion_ci, rate_ci, mean_ci, dsr).

Choices where the references disagree or are silent (STATISTICS.md part C):

* Confidence (B0): 0.95 or 95 both mean 95%; values >= 90 are divided by 100; anything outside [0.9, 1] (or
  [90, 100]) is a ``ValueError``. At most two levels, and a pair must be exactly (0.95, 0.998), as in
  PHEindicatormethods. With two levels the returned ``lower``/``upper`` gain a *leading* axis, one row per level.
* z is ``Phi^-1(conf + (1-conf)/2)`` (1.959964 at 95%, 3.090232 at 99.8%), never the rounded 1.96.
* Proportions (B1): Wilson score; conf = 1 gives [0, 1]; non-integer numerators allowed; NaN inputs give NaN
  outputs (no error), like ``phe_proportion``.
* Crude rates (B2): exact Poisson (chi-square) for x < 10, Byar for x >= 10. ``chi2.ppf(q, 0)`` is NaN in scipy but
  0 in R (C9), so a zero count has lower limit 0 explicitly. x > n is allowed.
* Raw Byar limits (``byar_ci``): a negative lower limit becomes NaN, as the PHE helper does.
* DSR (B4): Dobson with Byar's limits for the total count even when it is small; value and limits suppressed (NaN)
  below 10 events; missing counts count as 0; ESP2013 (19 bands, 0-4 ... 90+) is the default standard population
  (``phe_dsr``'s default; ``calculate_dsr`` v2.1.0 has none). Non-independent events: var = sum_f f^2 var_f.
* Means (B3): Student t with k-1 df; a single value gives NaN limits.
* Exact Poisson means for funnels and Fingertips SPC-for-DSR (B5, B7 method 6) use the PHE/Fingertips bisection
  (``poisson_mean_limit``) with PHE's truncated Poisson series, not the closed chi-square form, because the peer
  tables are printed from that bisection (the closed form is up to 5e-5 away, and the series' ~3e-10 truncation
  flips a bisection step in some rows). It is exact but not fast: fine for 100-row funnel tables and for
  comparisons of a few thousand areas, slow for millions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special  # not scipy.stats: a second of import for three functions special has directly

__all__ = [
    "ESP2013",
    "ESP2013_AGE_BANDS",
    "DsrResult",
    "MeanResult",
    "byar_ci",
    "confidence_levels",
    "dsr",
    "dsr_non_independent",
    "mean_ci",
    "mean_summary",
    "poisson_mean_limit",
    "rate_ci",
    "rate_ci_method",
    "wilson_ci",
    "z_value",
]

ESP2013_AGE_BANDS: tuple[str, ...] = (
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
)  # fmt: skip
"""European Standard Population 2013 bands as used by PHE (0 and 1-4 merged, 90-94 and 95+ merged)."""

ESP2013: NDArray[np.float64] = np.array(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    dtype=float,
)
ESP2013.setflags(write=False)
"""ESP2013 weights in ``ESP2013_AGE_BANDS`` order; they sum to 100 000."""

CONFIDENCE_RANGE_MESSAGE = "confidence level must be between 90 and 100 or between 0.9 and 1"
_PROPORTION_CONFIDENCE_MESSAGE = "confidence level, if specified, must be between 90 and 100 or between 0.9 and 1"
_TOO_MANY_LEVELS = "a maximum of two confidence levels can be provided"
_PAIR_MUST_BE = "two confidence levels can only be produced if they are specified as 0.95 and 0.998"

EXACT_BELOW = 10
"""Counts below this use the exact Poisson interval (rates) or are suppressed (DSR)."""


def _scale_confidence(value: float, message: str) -> float:
    if not np.isfinite(value) or value < 0.9 or 1 < value < 90 or value > 100:
        raise ValueError(message)
    return value / 100 if value >= 90 else float(value)


def confidence_levels(
    confidence: float | Sequence[float], *, message: str = CONFIDENCE_RANGE_MESSAGE, max_levels: int | None = 2
) -> tuple[float, ...]:
    """Validate and normalise PHE-style confidence level(s) to fractions (B0).

    ``max_levels=2`` applies the PHEindicatormethods rule that a pair must be (0.95, 0.998); ``None`` allows any
    number of levels (``phe_sii`` does).
    """
    levels = tuple(np.atleast_1d(np.asarray(confidence, dtype=float)).tolist())
    if max_levels is not None and len(levels) > max_levels:
        raise ValueError(_TOO_MANY_LEVELS)
    scaled = tuple(_scale_confidence(level, message) for level in levels)
    if max_levels == 2 and len(scaled) == 2 and not np.allclose(scaled, (0.95, 0.998), rtol=0, atol=1e-12):
        raise ValueError(_PAIR_MUST_BE)
    if not scaled:
        raise ValueError(message)
    return scaled


def z_value(confidence: float) -> float:
    """Two-sided normal critical value for a confidence fraction (1.959964 at 0.95, 3.090232 at 0.998)."""
    return float(special.ndtri(confidence + (1 - confidence) / 2))  # the normal quantile (scipy's norm.ppf)


def _stack(per_level: list[NDArray[np.float64]]) -> NDArray[np.float64]:
    """One level: the array itself; several: a leading level axis."""
    return per_level[0] if len(per_level) == 1 else np.stack(per_level)


def _as_float(x: ArrayLike) -> NDArray[np.float64]:
    return np.asarray(x, dtype=float)


# --------------------------------------------------------------------------------------------- proportions (B1)


def wilson_ci(
    numerator: ArrayLike, denominator: ArrayLike, confidence: float | Sequence[float] = 0.95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Wilson score interval for x of n, as proportions (multiply by 100 for percentages).

    Wilson rather than Wald because it stays inside [0, 1] and behaves at x = 0 and x = n (PHE B1).
    """
    x, n = np.broadcast_arrays(_as_float(numerator), _as_float(denominator))
    if np.any(x < 0):
        raise ValueError("numerators must be greater than or equal to zero")
    if np.any(n <= 0):
        raise ValueError("denominators must be greater than zero")
    if np.any(x > n):
        raise ValueError("numerators must be less than or equal to denominator for a proportion statistic")
    levels = confidence_levels(confidence, message=_PROPORTION_CONFIDENCE_MESSAGE)
    missing = np.isnan(x) | np.isnan(n)
    lowers, uppers = [], []
    for level in levels:
        if level == 1:
            lower = np.where(missing, np.nan, 0.0)
            upper = np.where(missing, np.nan, 1.0)
        else:
            z = z_value(level)
            with np.errstate(invalid="ignore", divide="ignore"):
                centre = 2 * x + z**2
                spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
                denom = 2 * (n + z**2)
                lower = (centre - spread) / denom
                upper = (centre + spread) / denom
        lowers.append(lower)
        uppers.append(upper)
    return _stack(lowers), _stack(uppers)


# --------------------------------------------------------------------------------------------- counts and rates (B2)


def _byar_lower(x: NDArray[np.float64], z: float) -> NDArray[np.float64]:
    with np.errstate(invalid="ignore", divide="ignore"):
        return x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3


def _byar_upper(x: NDArray[np.float64], z: float) -> NDArray[np.float64]:
    x1 = x + 1
    return x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3


def byar_ci(
    count: ArrayLike, confidence: float | Sequence[float] = 0.95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Byar's approximate Poisson limits for a count, without the exact switch (PHE ``byars_lower/upper``).

    A negative lower limit (tiny counts at high confidence) is returned as NaN, as PHE does, so callers notice.
    """
    x = _as_float(count)
    if np.any(x < 0):
        raise ValueError("observed events must all be greater than or equal to zero")
    lowers, uppers = [], []
    for level in confidence_levels(confidence):
        z = z_value(level)
        lower = _byar_lower(x, z)
        lowers.append(np.where(lower < 0, np.nan, lower))
        uppers.append(_byar_upper(x, z))
    return _stack(lowers), _stack(uppers)


def _exact_poisson(x: NDArray[np.float64], level: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Exact (Garwood) limits via the gamma form of chi-square; x = 0 gives lower 0, as R's qchisq(p, 0) does."""
    alpha = 1 - level
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, special.gammaincinv(np.where(x > 0, x, 1.0), alpha / 2), 0.0)
        # scipy-stubs type a ufunc's result as float32 | float64 by input; x is float64, so this is a no-op.
        upper = np.asarray(special.gammaincinv(x + 1, 1 - alpha / 2), dtype=np.float64)
    return np.where(np.isnan(x), np.nan, lower), upper


def rate_ci(
    count: ArrayLike,
    denominator: ArrayLike,
    multiplier: float = 100_000,
    confidence: float | Sequence[float] = 0.95,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Crude-rate limits per ``multiplier``: exact Poisson below 10 events, Byar's method from 10 (PHE B2)."""
    x, n = np.broadcast_arrays(_as_float(count), _as_float(denominator))
    if np.any(x < 0):
        raise ValueError("numerators must be greater than or equal to zero")
    if np.any(n <= 0):
        raise ValueError("denominators must be greater than zero")
    scale = multiplier / n
    exact = x < EXACT_BELOW
    lowers, uppers = [], []
    for level in confidence_levels(confidence):
        z = z_value(level)
        lower, upper = np.array(_byar_lower(x, z)), np.array(_byar_upper(x, z))
        lower[exact], upper[exact] = _exact_poisson(x[exact], level)  # the slow inverse gamma only where needed
        lowers.append(lower * scale)
        uppers.append(upper * scale)
    return _stack(lowers), _stack(uppers)


def rate_ci_method(count: ArrayLike) -> NDArray[np.object_]:
    """Which method ``rate_ci`` used per count: "Exact", "Byars", or None for a missing count (PHE labels)."""
    x = _as_float(count)
    missing = np.array(None, dtype=object)  # numpy's stubs take no bare None as an array
    return np.where(np.isnan(x), missing, np.where(x < EXACT_BELOW, "Exact", "Byars")).astype(object)


_SERIES_STOP = 1e-10
"""The PHE/Fingertips Poisson series stops at the first k beyond the mean whose next term is below 1e-10 of the sum."""


def _series_end(mean: NDArray[np.float64]) -> NDArray[np.float64]:
    """Last term K the PHE series keeps: the first k >= floor(mean) with pmf(k+1) <= 1e-10 cdf(k).

    pmf(k+1)/cdf(k) falls with k beyond the mode, so an integer bisection finds K for every mean at once.
    """
    lo = np.floor(mean)
    hi = lo + np.ceil(12 * np.sqrt(mean)) + 64

    def stops(k: NDArray[np.float64]) -> NDArray[np.bool_]:
        log_pmf = special.xlogy(k + 1, mean) - special.gammaln(k + 2) - mean  # Poisson log pmf at k + 1, as scipy's
        return log_pmf - np.log(special.gammaincc(k + 1, mean)) <= np.log(_SERIES_STOP)

    done = stops(lo)
    hi = np.where(done, lo, hi)
    while np.any(hi - lo > 1):
        mid = np.floor((lo + hi) / 2)
        ok = stops(mid)
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
    return hi


def _poisson_tail_at_least(obs: NDArray[np.float64], mean: NDArray[np.float64]) -> NDArray[np.float64]:
    """P(X >= obs | mean) as the PHE series computes it: over integer k >= obs, truncated at K and renormalised.

    The truncation shifts the tail by ~3e-10, which flips a bisection step in some peer rows (e.g. O = 328), so
    matching the peer tables to 1e-8 needs it. Non-integer obs round up (k >= obs over integers).
    """
    k = np.ceil(obs)
    end = _series_end(mean)
    upper_tail = np.where(k <= 0, 1.0, special.gammainc(np.maximum(k, 1.0), mean))
    kept = (upper_tail - special.gammainc(end + 1, mean)) / special.gammaincc(end + 1, mean)
    return np.where(k > end, 0.0, kept)


def _poisson_tail_at_most(obs: NDArray[np.float64], mean: NDArray[np.float64]) -> NDArray[np.float64]:
    """P(X <= obs | mean) as the PHE series computes it (integer k <= obs, truncated at K, renormalised)."""
    end = _series_end(mean)
    return special.gammaincc(np.minimum(np.floor(obs), end) + 1, mean) / special.gammaincc(end + 1, mean)


def poisson_mean_limit(observed: ArrayLike, p: float, side: str) -> NDArray[np.float64]:
    """Poisson mean whose tail beyond ``observed`` has probability ``p``, by the PHE/Fingertips bisection.

    ``side="low"``: mean with P(X >= O) = p (a lower limit for the mean); ``side="high"``: P(X <= O) = p.
    The bisection runs on v in (0, 1) with mean = (1+O)v/(1-v), halving the step from 0.25 until it is below
    1e-7 (23 steps), with the tail probabilities of PHE's truncated series. Reproducing both (rather than the
    closed chi-square form, up to 5e-5 away) is what makes the peer funnel tables match to 1e-8 (B5).
    Vectorised: all observations bisect together.
    """
    obs = _as_float(observed)
    if side not in ("low", "high"):
        raise ValueError('side must be "low" or "high"')
    v = np.full(obs.shape, 0.5)
    dv = 0.5
    while dv > 1e-7:
        dv /= 2
        mean = (1 + obs) * v / (1 - v)
        # "low" steps the mean down while the upper tail is still too heavy; "high" while the lower tail is too light.
        step_down = _poisson_tail_at_least(obs, mean) > p if side == "low" else _poisson_tail_at_most(obs, mean) < p
        v = np.where(step_down, v - dv, v + dv)
    return (1 + obs) * v / (1 - v)


# --------------------------------------------------------------------------------------------- means (B3)


def mean_ci(
    mean: ArrayLike, stdev: ArrayLike, count: ArrayLike, confidence: float | Sequence[float] = 0.95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Student-t limits from summary statistics (mean, sample SD with k-1 denominator, count k), vectorised."""
    m, s, k = np.broadcast_arrays(_as_float(mean), _as_float(stdev), _as_float(count))
    if np.any(k < 1):
        raise ValueError("count must be at least 1")
    lowers, uppers = [], []
    df = np.where(k > 1, k - 1, np.nan)
    for level in confidence_levels(confidence):
        with np.errstate(invalid="ignore"):
            half = np.abs(special.stdtrit(df, (1 - level) / 2)) * s / np.sqrt(k)  # Student t quantile
        lowers.append(m - half)
        uppers.append(m + half)
    return _stack(lowers), _stack(uppers)


@dataclass(frozen=True)
class MeanResult:
    """A mean with its t interval (``phe_mean`` columns)."""

    value_sum: float
    value_count: int
    stdev: float
    value: float
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    method: str = "Student's t-distribution"


def mean_summary(values: ArrayLike, confidence: float | Sequence[float] = 0.95) -> MeanResult:
    """Mean, SD and t interval of one sample of values (missing values dropped)."""
    v = _as_float(values).ravel()
    v = v[~np.isnan(v)]
    count = v.size
    if count == 0:
        raise ValueError("at least one value is needed for a mean")
    stdev = float(np.std(v, ddof=1)) if count > 1 else float("nan")
    value = float(v.mean())
    lower, upper = mean_ci(value, stdev, count, confidence)
    return MeanResult(float(v.sum()), count, stdev, value, lower, upper)


# --------------------------------------------------------------------------------------------- DSR (B4)


@dataclass(frozen=True)
class DsrResult:
    """Directly standardised rate per ``multiplier`` (arrays over areas; one level axis first if several)."""

    total_count: NDArray[np.float64]
    total_pop: NDArray[np.float64]
    value: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    statistic: NDArray[np.object_]
    method: str


def _dsr_inputs(
    population: ArrayLike, stdpop: ArrayLike | None, multiplier: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    n = _as_float(population)
    w = ESP2013 if stdpop is None else _as_float(stdpop)
    if np.any(np.isnan(n)):
        raise ValueError("field n cannot have missing values")
    if np.any(n <= 0):
        raise ValueError("denominators must all be greater than zero")
    if np.any(np.isnan(w)):
        raise ValueError("field stdpop cannot have missing values")
    if np.any(w < 0):
        raise ValueError("stdpop must all be greater than or equal to zero")
    if not multiplier > 0:
        raise ValueError("multiplier must be greater than zero")
    if n.shape[-1:] != w.shape[-1:]:
        raise ValueError(f"population has {n.shape[-1]} bands but stdpop has {w.shape[-1]}")
    return n, w


def _counts(count: ArrayLike) -> NDArray[np.float64]:
    x = _as_float(count)
    if np.any(x < 0):
        raise ValueError("numerators must all be greater than or equal to zero")
    return np.nan_to_num(x, nan=0.0)


def _dobson(
    events: NDArray[np.float64],
    n: NDArray[np.float64],
    w: NDArray[np.float64],
    variance: NDArray[np.float64],
    multiplier: float,
    confidence: float | Sequence[float],
    method: str,
) -> DsrResult:
    levels = confidence_levels(confidence)
    total_w = w.sum(axis=-1)
    total = events.sum(axis=-1)
    value = (events * w / n).sum(axis=-1) / total_w
    suppress = total < EXACT_BELOW
    lowers, uppers = [], []
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(variance / total)
        for level in levels:
            z = z_value(level)
            lower = value + scale * (_byar_lower(total, z) - total)
            upper = value + scale * (_byar_upper(total, z) - total)
            lowers.append(np.where(suppress, np.nan, lower * multiplier))
            uppers.append(np.where(suppress, np.nan, upper * multiplier))
    label = np.where(suppress, f"dsr NA for total count < {EXACT_BELOW}", f"dsr per {multiplier:.15g}").astype(object)
    return DsrResult(
        total_count=total,
        total_pop=n.sum(axis=-1),
        value=np.where(suppress, np.nan, value * multiplier),
        lower=_stack(lowers),
        upper=_stack(uppers),
        statistic=label,
        method=method,
    )


def dsr(
    count: ArrayLike,
    population: ArrayLike,
    stdpop: ArrayLike | None = None,
    *,
    multiplier: float = 100_000,
    confidence: float | Sequence[float] = 0.95,
) -> DsrResult:
    """Directly standardised rate by the Dobson method (independent events), ESP2013 by default (B4).

    Age bands are on the last axis, so a (areas x bands) array gives one DSR per area; the result does not depend
    on band order. Missing counts are zero; totals under 10 events are suppressed (NaN) because Dobson's
    approximation is unreliable there.
    """
    n, w = _dsr_inputs(population, stdpop, multiplier)
    x = _counts(count)
    x, n = np.broadcast_arrays(x, n)
    ratio = w / n
    variance = (x * ratio**2).sum(axis=-1) / w.sum(axis=-1) ** 2
    return _dobson(x, n, w, variance, multiplier, confidence, "Dobson")


def dsr_non_independent(
    individuals_by_frequency: Mapping[float, ArrayLike],
    population: ArrayLike,
    stdpop: ArrayLike | None = None,
    *,
    multiplier: float = 100_000,
    confidence: float | Sequence[float] = 0.95,
) -> DsrResult:
    """Dobson DSR when people can have several events (PHE ``independent_events = FALSE``, B4).

    ``individuals_by_frequency[f]`` holds, per age band, the number of people with exactly f events. Events are
    sum_f f * individuals; the variance is sum_f f^2 * var_f, which widens the interval for repeat events.
    """
    n, w = _dsr_inputs(population, stdpop, multiplier)
    if not individuals_by_frequency:
        raise ValueError("at least one event frequency is needed")
    total_w = w.sum(axis=-1)
    events = np.zeros(np.broadcast_shapes(n.shape, w.shape))
    variance = np.zeros(events.shape[:-1])
    for frequency, individuals in individuals_by_frequency.items():
        f = float(frequency)
        if not f > 0:
            raise ValueError("event frequencies must be greater than zero")
        people = _counts(individuals)
        events = events + f * people
        variance = variance + f**2 * (people * (w / n) ** 2).sum(axis=-1) / total_w**2
    return _dobson(
        events, np.broadcast_to(n, events.shape), w, variance, multiplier, confidence,
        "Dobson, with confidence adjusted for non-independent events",
    )  # fmt: skip
