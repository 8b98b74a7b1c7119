"""Comparing an area with a benchmark: the Fingertips better / similar / worse rule (STATISTICS.md B7).

Pure numpy/scipy, vectorised over areas. Reference values: ``benchmark_significance.json`` (fingertips-open unit
tests). Outcomes are lower-case strings:

* polarity ``"high_is_good"`` / ``"low_is_good"``: "better", "similar", "worse" (method ``"ci_95_998"`` adds "best"
  and "worst" for a benchmark outside the 99.8% interval);
* polarity ``"no_judgement"``: "higher", "similar", "lower" (no Best/Worst: Fingertips' Blue-Orange-Blue has only
  Higher/Lower, so the 99.8% band also shows as "higher"/"lower");
* "not compared" when a needed value, interval or benchmark is missing.

Methods (``method=``):

* ``"ci_overlap"`` (default; FingertipsNext): the benchmark's point value against the area's interval, bounds
  inclusive: upper < benchmark -> lower, lower > benchmark -> higher, else similar. Uses only the interval, so it
  works for any of our intervals (Wilson, Byar/exact, Dobson, t) at 95% or 99.8%. This is Part D's recommended RAG.
* ``"ci_95"`` (Fingertips method 1): benchmark inside [L95, U95] -> similar, else by value vs benchmark.
* ``"ci_95_998"`` (method 17): as 1, plus a benchmark outside the 99.8% interval -> best/worst.
* ``"double_ci"`` (method 12): both 95% intervals overlap (inclusive) -> similar, else by value.
* ``"spc_proportion"`` (method 5): the area's proportion against the Wilson interval of the benchmark proportion at
  the area's denominator; z = 1.96 / 3.0902 at 95% / 99.8% exactly as Fingertips rounds them (C8 explains why this is
  not the PHE funnel).
* ``"spc_dsr"`` (method 6): expected events E = benchmark x denominator / unit; exact Poisson limits of E by the
  PHE/Fingertips bisection at tail 0.025 / 0.001, divided back to a rate.

Methods 1, 17 and 12 decide the side by the area's *value*; FingertipsNext decides it by which side of the interval
the benchmark falls. They differ only when a value lies outside its own interval, which none of our methods produce.
"""

from __future__ import annotations

from typing import Literal, TypeGuard

import numpy as np
from numpy.typing import ArrayLike, NDArray

from outcomes.stats.intervals import poisson_mean_limit

__all__ = ["METHODS", "POLARITIES", "as_polarity", "compare_to_benchmark"]

Polarity = Literal["high_is_good", "low_is_good", "no_judgement"]
Method = Literal["ci_overlap", "ci_95", "ci_95_998", "double_ci", "spc_proportion", "spc_dsr"]

POLARITIES: tuple[str, ...] = ("high_is_good", "low_is_good", "no_judgement")
METHODS: tuple[str, ...] = ("ci_overlap", "ci_95", "ci_95_998", "double_ci", "spc_proportion", "spc_dsr")

NOT_COMPARED = "not compared"
_MISSING = -99  # direction code for "not compared"

# Direction codes before polarity: +2 far above (99.8%), +1 above, 0 similar, -1 below, -2 far below.
_LABELS: dict[str, dict[int, str]] = {
    "high_is_good": {2: "best", 1: "better", 0: "similar", -1: "worse", -2: "worst", _MISSING: NOT_COMPARED},
    "low_is_good": {2: "worst", 1: "worse", 0: "similar", -1: "better", -2: "best", _MISSING: NOT_COMPARED},
    "no_judgement": {2: "higher", 1: "higher", 0: "similar", -1: "lower", -2: "lower", _MISSING: NOT_COMPARED},
}

_FINGERTIPS_Z = {0.95: 1.96, 0.998: 3.0902}
_FINGERTIPS_TAIL = {0.95: 0.025, 0.998: 0.001}


def as_polarity(value: str) -> Polarity:
    """`value` (a polarity read from data or a form) as a Polarity; ValueError, naming the choices, if it is not."""
    if not _is_polarity(value):
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}")
    return value


def _is_polarity(value: str) -> TypeGuard[Polarity]:
    return value in POLARITIES


def _f(x: ArrayLike | None) -> NDArray[np.float64]:
    return np.asarray(np.nan if x is None else x, dtype=float)


def _by_value(value: NDArray[np.float64], benchmark: NDArray[np.float64]) -> NDArray[np.int_]:
    return np.where(value > benchmark, 1, -1)


def _directions(
    method: str,
    value: NDArray[np.float64],
    lower: NDArray[np.float64],
    upper: NDArray[np.float64],
    benchmark: NDArray[np.float64],
    lower_998: NDArray[np.float64],
    upper_998: NDArray[np.float64],
    benchmark_lower: NDArray[np.float64],
    benchmark_upper: NDArray[np.float64],
    denominator: NDArray[np.float64],
    *,
    unit: float,
    confidence: float,
) -> tuple[NDArray[np.int_], NDArray[np.bool_]]:
    """Direction codes and which rows could not be compared."""
    if method == "ci_overlap":
        missing = np.isnan(lower) | np.isnan(upper) | np.isnan(benchmark)
        return np.select([upper < benchmark, lower > benchmark], [-1, 1], 0), missing
    if method == "ci_95":
        missing = np.isnan(value) | np.isnan(lower) | np.isnan(upper) | np.isnan(benchmark)
        inside = (lower <= benchmark) & (benchmark <= upper)
        return np.where(inside, 0, _by_value(value, benchmark)), missing
    if method == "ci_95_998":
        missing = np.isnan(value) | np.isnan(benchmark)
        for bound in (lower, upper, lower_998, upper_998):
            missing |= np.isnan(bound)
        inside_95 = (lower <= benchmark) & (benchmark <= upper)
        inside_998 = (lower_998 <= benchmark) & (benchmark <= upper_998)
        side = _by_value(value, benchmark)
        return np.select([inside_95, inside_998], [0, side], 2 * side), missing
    if method == "double_ci":
        missing = np.isnan(value) | np.isnan(benchmark)
        for bound in (lower, upper, benchmark_lower, benchmark_upper):
            missing |= np.isnan(bound)
        overlap = (lower <= benchmark_upper) & (benchmark_lower <= upper)
        return np.where(overlap, 0, _by_value(value, benchmark)), missing
    if method == "spc_proportion":
        missing = np.isnan(value) | np.isnan(benchmark) | np.isnan(denominator) | (denominator <= 0)
        n = np.where(missing, 1.0, denominator)
        p0 = np.clip(np.where(missing, 0.0, benchmark / unit), 0, 1)
        z = _FINGERTIPS_Z.get(confidence)
        if z is None:
            raise ValueError("spc_proportion supports confidence 0.95 or 0.998 (Fingertips z of 1.96 or 3.0902)")
        low, high = _wilson_z(n * p0, n, z)
        p = value / unit
        return np.select([p < low, p > high], [-1, 1], 0), missing
    if method == "spc_dsr":
        missing = np.isnan(value) | np.isnan(benchmark) | np.isnan(denominator) | (denominator <= 0)
        tail = _FINGERTIPS_TAIL.get(confidence)
        if tail is None:
            raise ValueError("spc_dsr supports confidence 0.95 or 0.998 (Fingertips tails 0.025 or 0.001)")
        d = np.where(missing, 1.0, denominator)
        expected = np.where(missing, 1.0, benchmark) * d / unit
        low = poisson_mean_limit(expected, tail, "low") / d * unit
        high = poisson_mean_limit(expected, tail, "high") / d * unit
        return np.select([value < low, value > high], [-1, 1], 0), missing
    raise ValueError(f"method must be one of {', '.join(METHODS)}")


def _wilson_z(x: NDArray[np.float64], n: NDArray[np.float64], z: float) -> tuple[NDArray, NDArray]:
    """Wilson interval at a fixed z (Fingertips' rounded constants), reusing the PHE formula's algebra."""
    centre = 2 * x + z**2
    spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
    denom = 2 * (n + z**2)
    return (centre - spread) / denom, (centre + spread) / denom


def compare_to_benchmark(
    value: ArrayLike | None,
    lower: ArrayLike | None,
    upper: ArrayLike | None,
    benchmark: ArrayLike | None,
    *,
    polarity: Polarity,
    method: Method = "ci_overlap",
    lower_998: ArrayLike | None = None,
    upper_998: ArrayLike | None = None,
    benchmark_lower: ArrayLike | None = None,
    benchmark_upper: ArrayLike | None = None,
    denominator: ArrayLike | None = None,
    unit: float = 1.0,
    confidence: float = 0.95,
) -> NDArray[np.str_] | str:
    """Compare area values with a benchmark (England, region, target); vectorised; a str for scalar input.

    ``lower``/``upper`` are the area's interval (95% unless the method says otherwise); ``lower_998``/``upper_998``
    are needed by ``ci_95_998``; ``benchmark_lower``/``benchmark_upper`` by ``double_ci``; ``denominator`` and
    ``unit`` (e.g. 100 for percentages, 100 000 for rates) by the SPC methods, with ``confidence`` 0.95 or 0.998.
    Missing inputs give "not compared" rather than an error, since dashboards show such rows anyway.
    """
    as_polarity(polarity)
    arrays = np.broadcast_arrays(
        *(
            _f(a)
            for a in (
                value,
                lower,
                upper,
                benchmark,
                lower_998,
                upper_998,
                benchmark_lower,
                benchmark_upper,
                denominator,
            )
        )
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        direction, missing = _directions(method, *arrays, unit=unit, confidence=confidence)
    codes = np.where(missing, _MISSING, direction)
    labels = _LABELS[polarity]
    table = np.array([labels[c] for c in (-2, -1, 0, 1, 2)] + [NOT_COMPARED])
    result = table[np.where(codes == _MISSING, 5, codes + 2)]
    return str(result) if result.ndim == 0 else result
