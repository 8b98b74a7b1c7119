"""Slope and relative index of inequality across deprivation quantiles (PHE ``phe_sii``, STATISTICS.md B6).

Pure numpy. Reference values: ``sii.json`` (point estimates exact; Monte Carlo CIs within 5%).

Method: quantiles ordered 1 (most deprived) .. k; a_i = pop_i / sum(pop); b_i = cumulative share before i + a_i/2.
Weighted least squares by the sqrt(a) trick with no constant: regress sqrt(a) y on [sqrt(a), b sqrt(a)]; the first
coefficient is the intercept (fitted value at rank 0), the second the slope.

* ``transform=False``: SII = slope x multiplier; RII = (intercept + slope) / intercept; intercept reported as
  intercept x |multiplier|.
* ``transform=True`` (rates on the log scale, proportions on the logit scale; value_type 1 / 2): fit on T(y), back
  transform with f: SII = (f(a+b) - f(a)) x multiplier; RII = f(a+b) / f(a); intercept = f(a) x |multiplier|.
* A negative multiplier flips the SII's sign and inverts the RII ("higher = worse").

Confidence intervals by simulation: each quantile's value is drawn from N(T(value), se) (T = identity/log/logit for
value_type 0/1/2); a missing se comes from the 95% limits as (T(upper) - T(lower)) / (2 x 1.959964) whatever level is
requested (PHE hard-codes 95% here). Without transform the draws are back-transformed, refitted, multiplied and
sorted; limits are the order statistics at 1-based positions round(R(1-c)) and round(R c), c = conf + (1-conf)/2,
R's round being half-to-even like numpy's (C12; not ``np.percentile``, which interpolates).

Choices where the references are silent or disagree:

* With ``transform=True`` PHE back-transforms the simulated slope limits around the fitted mid-point: with m the
  transformed fitted value at rank 1/2 and s a simulated slope limit, SII limit = (f(m + s/2) - f(m - s/2)) x M and
  RII limit = f(m + s/2) / f(m - s/2) (for log this is exp(s)). We reproduce that (the vectors confirm it within
  their Monte Carlo tolerance). For M < 0 the limits swap; PHE tests ``M < 1`` for rates but ``M < 0`` for
  proportions, which differs only for 0 < M < 1; we use ``M < 0`` for both (a positive scale factor should never
  swap limits).
* A supplied ``se`` is on the transformed scale (log/logit for value_type 1/2), as in PHE.
* Draws use ``numpy.random.Generator`` (``seed`` or a Generator), so runs are reproducible but not bit-identical
  to R's; the peer tests themselves allow 5%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from outcomes.stats.intervals import confidence_levels

__all__ = ["SiiResult", "sii"]

ValueType = Literal[0, 1, 2]
_Z95 = 1.959963984540054  # PHE's hard-coded 95% for deriving se from limits
_ALL_LEVELS_MESSAGE = "all confidence levels must be between 90 and 100 or between 0.9 and 1"


@dataclass(frozen=True)
class SiiResult:
    """SII/RII with simulated limits keyed by confidence level (e.g. ``sii_limits[0.95] == (lower, upper)``)."""

    sii: float
    rii: float
    intercept: float
    sii_limits: dict[float, tuple[float, float]] = field(default_factory=dict)
    rii_limits: dict[float, tuple[float, float]] = field(default_factory=dict)


def _transform(value_type: int, y: NDArray[np.float64]) -> NDArray[np.float64]:
    if value_type == 1:
        return np.log(y)
    if value_type == 2:
        return np.log(y / (1 - y))
    return y


def _back(value_type: int, t: NDArray[np.float64]) -> NDArray[np.float64]:
    if value_type == 1:
        return np.exp(t)
    if value_type == 2:
        return 1 / (1 + np.exp(-t))
    return t


def _design(population: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rows [sqrt(a), b sqrt(a)] of the no-constant regression (k x 2)."""
    a = population / population.sum()
    b = np.cumsum(a) - a / 2
    root = np.sqrt(a)
    return np.column_stack([root, b * root])


def _fit(design: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """(intercept, slope) for each column of y (k x R) by the normal equations, as PHE does for its draws."""
    solver = np.linalg.solve(design.T @ design, design.T)  # 2 x k
    return solver @ (design[:, :1] * y)


def sii(
    quantile: ArrayLike | None,
    population: ArrayLike,
    value: ArrayLike,
    *,
    value_type: ValueType = 0,
    se: ArrayLike | None = None,
    lower_cl: ArrayLike | None = None,
    upper_cl: ArrayLike | None = None,
    multiplier: float = 1.0,
    transform: bool = False,
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 100_000,
    seed: int | np.random.Generator | None = None,
) -> SiiResult:
    """Slope and relative index of inequality for one area (PHE ``phe_sii``).

    ``quantile`` labels order the rows (1 = most deprived); ``None`` means the rows are already in order. Give
    ``se`` or the 95% ``lower_cl``/``upper_cl`` for the simulated intervals; with neither, only the point estimates
    are returned. ``seed`` (int or Generator) makes the simulation reproducible.
    """
    pop, y = np.broadcast_arrays(np.asarray(population, dtype=float), np.asarray(value, dtype=float))
    order = np.arange(pop.size) if quantile is None else np.argsort(np.asarray(quantile), kind="stable")
    if not 5 <= pop.size <= 100:
        raise ValueError("Number of quantiles must be between 5 and 100")
    if value_type not in (0, 1, 2):
        raise ValueError("value_type should be 0, 1 or 2")
    if transform and value_type == 0:
        raise ValueError("transform needs value_type 1 (rate, log) or 2 (proportion, logit)")
    if np.any(~np.isfinite(pop)) or np.any(pop <= 0):
        raise ValueError("some groups have a zero, negative or missing population")
    if np.any(np.isnan(y)):
        raise ValueError("values must not be missing")
    if value_type == 2 and np.any((y < 0) | (y > 1)):
        raise ValueError("value proportions are not all between 0 and 1")
    if repetitions < 1000:
        raise ValueError("number of repetitions must be 1000 or greater")
    levels = confidence_levels(confidence, message=_ALL_LEVELS_MESSAGE, max_levels=None)

    pop, y = pop[order], y[order]
    design = _design(pop)
    fitted_on = _transform(value_type, y) if transform else y
    intercept, slope = _fit(design, fitted_on[:, None])[:, 0]
    f = (lambda t: _back(value_type, t)) if transform else (lambda t: t)
    sii_value = (f(intercept + slope) - f(intercept)) * multiplier
    rii_value = f(intercept + slope) / f(intercept)
    if multiplier < 0:
        rii_value = 1 / rii_value
    result = SiiResult(float(sii_value), float(rii_value), float(f(intercept) * abs(multiplier)))

    standard_error = _standard_errors(value_type, se, lower_cl, upper_cl, order)
    if standard_error is None:
        return result
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    draws = rng.normal(_transform(value_type, y)[:, None], standard_error[:, None], size=(y.size, repetitions))
    if not transform:
        draws = _back(value_type, draws)
    sim_intercept, sim_slope = _fit(design, draws)
    if transform:
        mid = intercept + slope / 2
        sim_sii = (f(mid + sim_slope / 2) - f(mid - sim_slope / 2)) * multiplier
        sim_rii = f(mid + sim_slope / 2) / f(mid - sim_slope / 2)
    else:
        sim_sii = sim_slope * multiplier
        sim_rii = (sim_intercept + sim_slope) / sim_intercept
    if multiplier < 0:
        sim_rii = 1 / sim_rii
    sim_sii.sort()
    sim_rii.sort()
    for level in levels:
        c = level + (1 - level) / 2
        low, high = int(np.round(repetitions * (1 - c))) - 1, int(np.round(repetitions * c)) - 1
        result.sii_limits[level] = (float(sim_sii[low]), float(sim_sii[high]))
        result.rii_limits[level] = (float(sim_rii[low]), float(sim_rii[high]))
    return result


def _standard_errors(
    value_type: int,
    se: ArrayLike | None,
    lower_cl: ArrayLike | None,
    upper_cl: ArrayLike | None,
    order: NDArray[np.intp],
) -> NDArray[np.float64] | None:
    if se is not None:
        s = np.asarray(se, dtype=float)[order]
        if np.any(np.isnan(s)) or np.any(s < 0):
            raise ValueError("negative or missing standard errors in input dataset")
        return s
    if lower_cl is None or upper_cl is None:
        return None
    low = np.asarray(lower_cl, dtype=float)[order]
    high = np.asarray(upper_cl, dtype=float)[order]
    if np.any(np.isnan(low)) or np.any(np.isnan(high)):
        raise ValueError("missing lower or upper confidence limits in input dataset")
    if value_type == 2 and np.any((low < 0) | (low > 1) | (high < 0) | (high > 1)):
        raise ValueError("confidence limit proportions are not all between 0 and 1")
    return (_transform(value_type, high) - _transform(value_type, low)) / (2 * _Z95)
