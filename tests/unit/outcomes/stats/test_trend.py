"""Fingertips' recent trend for proportions (B8) against the fingertips-open and FingertipsNext unit tests."""

from __future__ import annotations

import pytest

from outcomes.stats.trend import CHI_SQUARE_998, recent_trend, trend_words

from . import vectors as rv


@pytest.mark.parametrize("vector", rv.vectors("recent_trend"), ids=rv.ids("recent_trend"))
def test_reference_vectors(vector: dict) -> None:
    got = recent_trend(vector["input"]["numerators"], vector["input"]["denominators"])
    expected = vector["expected"]
    assert got.marker == expected["marker"]
    if "chi_square" in expected:
        assert rv.close(got.chi_square, expected["chi_square"], vector["tolerance"])
        assert (got.chi_square > CHI_SQUARE_998) is expected["significant"]


def test_the_threshold_is_chi_square_one_df_at_99_8_percent() -> None:
    from scipy.stats import chi2

    assert pytest.approx(chi2.ppf(0.998, 1), abs=1e-9) == CHI_SQUARE_998


def test_only_the_last_five_points_count() -> None:
    rising = ([994, 1023, 1199, 1332, 1367], [40299, 41527, 42811, 44064, 44701])
    # A long earlier fall changes nothing: the trend rests on the five most recent points.
    older = ([30000, 20000, *rising[0]], [40000, 40000, *rising[1]])
    assert recent_trend(*older) == recent_trend(*rising)


def test_one_outlying_year_cannot_make_a_trend() -> None:
    # Flat at 10% for four years, then one year at 14%: chi-squared is far past 9.55, but leaving out the last point
    # gives a flat (here slightly falling) slope, so Fingertips reports no significant change.
    got = recent_trend([10010, 10000, 9995, 9990, 14000], [100000] * 5)
    assert got.chi_square > CHI_SQUARE_998
    assert got.marker == "no significant change" and "outlier" in got.reason


@pytest.mark.parametrize(
    ("numerators", "denominators", "reason"),
    [
        ([1, 2, 3, 4], [10, 10, 10, 10], "fewer than 5"),
        ([1, 2, None, 4, 5], [10, 10, 10, 10, 10], "missing"),
        ([1, 2, 3, 4, 5], [10, 10, None, 10, 10], "missing"),
        ([0, 2, 3, 4, 5], [10, 10, 10, 10, 10], "0 or equals"),
        ([1, 2, 3, 4, 10], [10, 10, 10, 10, 10], "0 or equals"),
    ],
)
def test_could_not_be_calculated(numerators, denominators, reason) -> None:
    got = recent_trend(numerators, denominators)
    assert got.marker == "could not be calculated" and reason in got.reason and got.chi_square is None


def test_words_follow_polarity_as_in_the_fingertips_legend() -> None:
    assert trend_words("increasing", "high_is_good") == "Increasing and getting better"
    assert trend_words("increasing", "low_is_good") == "Increasing and getting worse"
    assert trend_words("decreasing", "low_is_good") == "Decreasing and getting better"
    assert trend_words("decreasing", "high_is_good") == "Decreasing and getting worse"
    assert trend_words("decreasing", "no_judgement") == "Decreasing"
    assert trend_words("no significant change", "low_is_good") == "No significant change"
    assert trend_words("could not be calculated", "high_is_good") == "Could not be calculated"
    with pytest.raises(ValueError):
        trend_words("up", "high_is_good")
