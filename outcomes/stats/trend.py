"""Fingertips' recent trend for a proportion: the chi-squared test for trend over the last five points (B8).

Pure numpy. OHID's technical guidance ("Fingertips trend markers") tests the most recent five values of a series of
independent yearly periods. For proportions it uses the chi-squared test for trend in proportions (Altman, *Practical
statistics for medical research*, 1991, pp. 261-265; the Cochran-Armitage statistic, R's ``prop.trend.test``), with
times t = 1..5 and ``N = sum n``, ``R = sum r``::

    chi2 = N (N sum r t - R sum n t)^2 / (R (N - R) (N sum n t^2 - (sum n t)^2))

A trend is significant when chi2 exceeds 9.5495 (chi-squared, 1 df, at 99.8%). Its direction is the sign of the
least-squares slope of logit(r/n) on t; and, as in fingertips-open and PHEindicatormethods, a significant trend is
reported only if leaving out each of the five points in turn never reverses that slope (one outlying year cannot
make a trend). Otherwise the answer is "no significant change".

Other value types (rates, means, life expectancy) use a weighted regression on their intervals in Fingertips; the
product does not implement that, so they read "could not be calculated", as do series with fewer than five points,
a missing count or denominator, or a count of 0 or n (its logit is undefined). Reference values:
``recent_trend.json`` (fingertips-open and FingertipsNext unit tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["CHI_SQUARE_998", "TREND_POINTS", "RecentTrend", "recent_trend", "trend_words"]

TREND_POINTS = 5
#: chi-squared with 1 degree of freedom at 99.8% (Excel ``CHIINV(0.002, 1)``), as Fingertips uses.
CHI_SQUARE_998 = 9.54953570608324

INCREASING = "increasing"
DECREASING = "decreasing"
NO_CHANGE = "no significant change"
CANNOT = "could not be calculated"
MARKERS = (INCREASING, DECREASING, NO_CHANGE, CANNOT)


@dataclass(frozen=True)
class RecentTrend:
    """The marker, with what it rests on (``chi_square`` and ``slope`` are None when not calculated)."""

    marker: str
    chi_square: float | None = None
    slope: float | None = None  # logit(p) per period
    reason: str = ""


def _chi_square(r: np.ndarray, n: np.ndarray, t: np.ndarray) -> float:
    big_n, big_r = n.sum(), r.sum()
    top = big_n * (big_n * (r * t).sum() - big_r * (n * t).sum()) ** 2
    bottom = big_r * (big_n - big_r) * (big_n * (n * t * t).sum() - (n * t).sum() ** 2)
    return float(top / bottom)


def _logit_slope(r: np.ndarray, n: np.ndarray, t: np.ndarray) -> float:
    y = np.log(r / (n - r))
    return float(np.polyfit(t, y, 1)[0])


def recent_trend(
    numerators: Sequence[float | None], denominators: Sequence[float | None], *, points: int = TREND_POINTS
) -> RecentTrend:
    """The recent trend of a proportion series given oldest first (only its last ``points`` values are used).

    The caller decides that the series qualifies (a proportion, independent yearly periods without breaks).
    """
    if len(numerators) != len(denominators):
        raise ValueError("numerators and denominators must have the same length")
    if len(numerators) < points:
        return RecentTrend(CANNOT, reason=f"fewer than {points} points")
    r = np.array([np.nan if v is None else v for v in numerators[-points:]], dtype=float)
    n = np.array([np.nan if v is None else v for v in denominators[-points:]], dtype=float)
    if np.isnan(r).any() or np.isnan(n).any():
        return RecentTrend(CANNOT, reason="a count or denominator is missing")
    if (r <= 0).any() or (r >= n).any():
        return RecentTrend(CANNOT, reason="a count is 0 or equals its denominator")
    t = np.arange(1, points + 1, dtype=float)
    chi_square = _chi_square(r, n, t)
    slope = _logit_slope(r, n, t)
    if not chi_square > CHI_SQUARE_998:
        return RecentTrend(NO_CHANGE, chi_square, slope, "not significant at 99.8%")
    keep = ~np.eye(points, dtype=bool)
    if any(np.sign(_logit_slope(r[k], n[k], t[k])) != np.sign(slope) for k in keep):
        return RecentTrend(NO_CHANGE, chi_square, slope, "one point reverses the slope (outlier)")
    return RecentTrend(INCREASING if slope > 0 else DECREASING, chi_square, slope, "significant at 99.8%")


def trend_words(marker: str, polarity: str) -> str:
    """Fingertips' legend: "Increasing and getting better", "Decreasing" (no polarity), "No significant change"."""
    if marker not in MARKERS:
        raise ValueError(f"marker must be one of {', '.join(MARKERS)}")
    if marker in (NO_CHANGE, CANNOT):
        return marker.capitalize()
    if polarity not in ("high_is_good", "low_is_good"):
        return marker.capitalize()
    better = (marker == INCREASING) == (polarity == "high_is_good")
    return f"{marker.capitalize()} and getting {'better' if better else 'worse'}"
