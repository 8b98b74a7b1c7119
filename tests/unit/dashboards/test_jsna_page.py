"""The JSNA page's recent trend in words: the direction of the least-squares line through the last five points."""

from __future__ import annotations

import math

from dashboards.jsna_page import recent_trend


def test_the_trend_is_the_slope_of_the_last_five_points():
    assert recent_trend([10, 11, 12]) == "Increasing"
    assert recent_trend([12, 11, 10]) == "Decreasing"
    # Earlier points do not count: a long fall then five rising points is rising.
    assert recent_trend([90, 80, 70, 60, 10, 11, 12, 13, 14]) == "Increasing"
    # A slope under 0.5% of the mean per point is no clear change (50.1 -> 50.3 over five points: 0.1%).
    assert recent_trend([50.1, 50.2, 50.1, 50.3, 50.2]) == "No clear change"


def test_too_few_points_or_gaps_give_no_trend():
    assert recent_trend([1.0, 2.0]) == ""
    assert recent_trend([1.0, None, math.nan, 2.0]) == ""
    assert recent_trend([1.0, None, 2.0, math.nan, 3.0]) == "Increasing"
