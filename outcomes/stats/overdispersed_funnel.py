"""Funnel plots of standardised ratios and proportions with Spiegelhalter's overdispersion adjustment (FunnelPlotR).

Pure numpy/scipy/pandas. Semantics: docs/statistics.md B5; reference values: ``funnel.json``. Kept apart from the
PHE / Fingertips funnels of ``funnel`` (STATISTICS.md C11): these are indexed by *expected* events E, with exact
Poisson limits ``target chi2(tail, 2E)/(2E)`` and, optionally, Spiegelhalter's adjustment (z-scores truncated
(SHMI) or winsorised (CQC) at ``trim_by``; phi = mean z^2; tau^2 = max(0, (n phi - (n-1)) / (sum w - sum w^2 /
sum w)), w = 1/s^2). ``proportion_funnel`` applies the same adjustment on the arcsine-square-root scale, which is
what GP-practice comparisons need. Its 99.8% level is what FunnelPlotR calls "99".

For SHMI truncation, phi and tau^2 use only the units kept after truncation; for winsorisation, all units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import special  # not scipy.stats, which takes a second to import

from outcomes.stats.funnel import as_floats, proportion_limit
from outcomes.stats.intervals import z_value

__all__ = ["Overdispersion", "SrFunnel", "overdispersion", "proportion_funnel", "sr_funnel", "sr_funnel_limits"]


def sr_funnel_limits(
    expected_events: ArrayLike,
    *,
    target: float = 1.0,
    tau2: float = 0.0,
    sr_method: Literal["SHMI", "CQC"] = "SHMI",
) -> pd.DataFrame:
    """Limits for a standardised ratio O/E against expected events E (FunnelPlotR ``calculate_limits``).

    With ``tau2 == 0`` these are exact Poisson limits; with ``tau2 > 0`` Spiegelhalter's overdispersed limits on
    the log (SHMI) or square-root (CQC) scale, back-transformed.
    """
    e = as_floats(expected_events)
    if np.any(e <= 0):
        raise ValueError("expected events must be greater than zero")
    table = pd.DataFrame({"expected_events": e})
    for label, tail in (("95", 0.025), ("998", 0.001)):
        if tau2 == 0:
            # chi2.ppf(tail, 2e) / 2 is gammaincinv(e, tail) (how scipy computes it); chi2.isf is chdtri
            lower = target * special.gammaincinv(e, tail) / e
            upper = target * special.chdtri(2 * (e + 1), tail) / (2 * e)
        else:
            z = z_value(1 - 2 * tail)
            if sr_method == "SHMI":
                spread = z * np.sqrt(1 / e + tau2)
                lower, upper = target * np.exp(-spread), target * np.exp(spread)
            else:
                spread = z * np.sqrt(1 / (4 * e) + tau2)
                lower = target * np.clip(1 - spread, 0, None) ** 2
                upper = target * (1 + spread) ** 2
        table[f"ll{label}"] = lower
        table[f"ul{label}"] = upper
    return table


@dataclass(frozen=True)
class Overdispersion:
    """Spiegelhalter's dispersion ratio phi and between-unit variance tau^2 (0 when not overdispersed)."""

    phi: float
    tau2: float
    n: int


def overdispersion(
    z_scores: ArrayLike, standard_errors: ArrayLike, *, trim_by: float = 0.1, method: Literal["winsorise", "truncate"]
) -> Overdispersion:
    """phi and tau^2 from z-scores after winsorising (CQC, proportions) or truncating (SHMI) each tail by ``trim_by``.

    Trimming keeps a few extreme units (the ones we are trying to find) from inflating the funnel.
    """
    z, s = np.broadcast_arrays(as_floats(z_scores), as_floats(standard_errors))
    keep = ~(np.isnan(z) | np.isnan(s))
    z, s = z[keep], s[keep]
    if method == "winsorise":
        low, high = np.quantile(z, [trim_by, 1 - trim_by])  # R quantile type 7 == numpy "linear"
        z = np.clip(z, low, high)
    elif method == "truncate":
        k = 1 / trim_by
        rank = pd.Series(z).rank(method="average").to_numpy()  # ties share their mean rank
        group = np.floor(rank * k / (z.size + 1))
        kept = (group > 0) & (group < k - 1)
        z, s = z[kept], s[kept]
    else:
        raise ValueError("method must be 'winsorise' or 'truncate'")
    n = int(z.size)
    if n == 0:
        return Overdispersion(float("nan"), 0.0, 0)
    phi = float(np.mean(z**2))
    w = 1 / s**2
    tau2 = 0.0 if n * phi < n - 1 else max(0.0, (n * phi - (n - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return Overdispersion(phi, float(tau2), n)


@dataclass(frozen=True)
class SrFunnel:
    """Per-unit funnel results: ``units`` has value, limits and "high"/"low"/"within" at 95% and 99.8%."""

    units: pd.DataFrame
    overdispersion: Overdispersion | None


def _flag(value: NDArray[np.float64], lower: NDArray[np.float64], upper: NDArray[np.float64]) -> NDArray[np.object_]:
    return np.select([value > upper, value < lower], ["high", "low"], "within").astype(object)


def sr_funnel(
    observed: ArrayLike,
    expected: ArrayLike,
    *,
    target: float = 1.0,
    adjust_overdispersion: bool = True,
    sr_method: Literal["SHMI", "CQC"] = "SHMI",
    trim_by: float = 0.1,
) -> SrFunnel:
    """Standardised ratios O/E with each unit's limits and significance, optionally overdispersion-adjusted."""
    o, e = np.broadcast_arrays(as_floats(observed), as_floats(expected))
    ratio = o / e
    od = None
    tau2 = 0.0
    if adjust_overdispersion:
        with np.errstate(divide="ignore", invalid="ignore"):
            if sr_method == "SHMI":
                z, s = np.sqrt(e) * np.log(ratio / target), 1 / np.sqrt(e)
                z = np.where(np.isfinite(z), z, np.nan)
                od = overdispersion(z, s, trim_by=trim_by, method="truncate")
            else:
                s = 1 / (2 * np.sqrt(e))
                z = (np.sqrt(ratio) - np.sqrt(target)) / s
                od = overdispersion(z, s, trim_by=trim_by, method="winsorise")
        tau2 = od.tau2
    limits = sr_funnel_limits(e, target=target, tau2=tau2, sr_method=sr_method)
    units = pd.DataFrame({"observed": o, "expected": e, "value": ratio})
    for label in ("95", "998"):
        units[f"lower{label}"] = limits[f"ll{label}"].to_numpy()
        units[f"upper{label}"] = limits[f"ul{label}"].to_numpy()
        lower_col, upper_col = units[f"lower{label}"].to_numpy(), units[f"upper{label}"].to_numpy()
        units[f"significance{label}"] = _flag(ratio, lower_col, upper_col)
    return SrFunnel(units, od)


def proportion_funnel(
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    adjust_overdispersion: bool = False,
    trim_by: float = 0.1,
) -> SrFunnel:
    """Proportions against the pooled average with per-unit limits (e.g. GP practices), optionally adjusted.

    Unadjusted limits are PHE's score-test funnel; adjusted ones use Spiegelhalter's arcsine-square-root method
    with winsorised z-scores (FunnelPlotR "PR"), since practice-level variation usually exceeds binomial noise.
    """
    x, n = np.broadcast_arrays(as_floats(numerator), as_floats(denominator))
    if np.any(n <= 0) or np.any(x < 0) or np.any(x > n):
        raise ValueError("need 0 <= numerator <= denominator and denominator > 0")
    p = x / n
    average = x.sum() / n.sum()
    units = pd.DataFrame({"numerator": x, "denominator": n, "value": p})
    od = None
    if adjust_overdispersion:
        centre = np.arcsin(np.sqrt(average))
        s = 1 / (2 * np.sqrt(n))
        od = overdispersion((np.arcsin(np.sqrt(p)) - centre) / s, s, trim_by=trim_by, method="winsorise")
    for label, level in (("95", 0.95), ("998", 0.998)):
        if od is None:
            one_sided = level + (1 - level) / 2
            lower = proportion_limit(one_sided, n, average, "low")
            upper = proportion_limit(one_sided, n, average, "high")
        else:
            spread = z_value(level) * np.sqrt(1 / (4 * n) + od.tau2)
            lower = np.sin(np.clip(centre - spread, 0, np.pi / 2)) ** 2
            upper = np.sin(np.clip(centre + spread, 0, np.pi / 2)) ** 2
        units[f"lower{label}"] = np.clip(lower, 0, 1)
        units[f"upper{label}"] = np.clip(upper, 0, 1)
        lower_col, upper_col = units[f"lower{label}"].to_numpy(), units[f"upper{label}"].to_numpy()
        units[f"significance{label}"] = _flag(p, lower_col, upper_col)
    return SrFunnel(units, od)
