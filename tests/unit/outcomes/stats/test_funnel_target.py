"""Funnels centred on a given value (a PCN's practices against Harrow): the PHE method with the centre line moved.

Reference values: with the target set to the units' pooled average, PHE's published tables and labels
(``funnel.json``, PHEindicatormethods' own test data) must be reproduced exactly, since the target replaces the
average and nothing else. Away from the average the limits are checked against the closed forms in
docs/statistics.md B5 computed here independently (the score-test limits; exact Poisson limits from scipy's
chi-square), and the polarity words against Fingertips' (better/worse, higher/lower).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from outcomes.stats.funnel import (
    HIGH_001,
    HIGH_025,
    LOW_001,
    LOW_025,
    NOT_SIGNIFICANT,
    funnel_comparison,
    funnel_comparisons,
    funnel_level,
    funnel_limits,
    funnel_significance,
)

from . import funnel_vectors as fv
from . import vectors as rv

RATE_SIGNIFICANCE = [v["id"] for v in rv.vectors("funnel") if v["id"].startswith("phe-funnel-rate-significance")]
RATE_LIMITS = [v["id"] for v in rv.vectors("funnel") if v["id"].startswith("phe-funnel-rate-limits")]


def _pooled_rate(inp: dict) -> float:
    """B5: derived denominators d = M·O/rate (a zero count: NA for DSRs, the supplied denominator for crude rates),
    average ΣO/Σd over the d that exist."""
    count = np.asarray(inp["count"] if "count" in inp else inp["numerator"], dtype=float)
    rate = rv.null_to_nan(inp["rate"])
    with np.errstate(divide="ignore", invalid="ignore"):
        d = inp["multiplier"] * count / rate
    if inp["rate_type"] == "dsr":
        d = np.where(count == 0, np.nan, d)
    elif "denominator" in inp:
        d = np.where(count == 0, rv.null_to_nan(inp["denominator"]), d)
    return float(count.sum() / np.nansum(d))


def test_target_at_the_pooled_average_gives_phes_proportion_labels():
    vector = rv.by_id("funnel", "phe-funnel-proportion-significance")
    x, n = (np.asarray(vector["input"][k], dtype=float) for k in ("numerator", "denominator"))
    got = funnel_significance(x, n, statistic="proportion", target=x.sum() / n.sum())
    assert list(got) == vector["expected"]["significance"]
    assert {HIGH_001, LOW_001, NOT_SIGNIFICANT} <= set(got)  # the vector exercises the outer limits too


@pytest.mark.parametrize("vid", ["phe-funnel-proportion-limits", "phe-funnel-proportion-limits-axis-variation"])
def test_target_at_the_pooled_average_gives_phes_proportion_limit_table(vid):
    vector = rv.by_id("funnel", vid)
    inp = vector["input"]
    x, n = np.asarray(inp["numerator"], dtype=float), np.asarray(inp["denominator"], dtype=float)
    table = funnel_limits(x, n, multiplier=inp["multiplier"], target=x.sum() / n.sum())
    fv.assert_table(table, vector["expected"], vector["tolerance"])


@pytest.mark.parametrize("vid", RATE_SIGNIFICANCE)
def test_target_at_the_pooled_average_gives_phes_rate_labels(vid):
    vector = rv.by_id("funnel", vid)
    inp = vector["input"]
    got = fv.rate_significance(inp, target=_pooled_rate(inp))
    assert list(got) == vector["expected"]["significance"]


@pytest.mark.parametrize("vid", RATE_LIMITS)
def test_target_at_the_pooled_average_gives_phes_rate_limit_tables(vid):
    vector = rv.by_id("funnel", vid)
    inp = vector["input"]
    fv.assert_table(fv.rate_limits(inp, target=_pooled_rate(inp)), vector["expected"], vector["tolerance"])


def test_proportion_limits_are_centred_on_the_target_at_each_denominator():
    """B5's score-test limits p0 ± Φ⁻¹(p)·√(p0(1-p0)/N), with p0 the target, not the units' average."""
    p0 = 0.43
    table = funnel_limits([10, 500, 990], [100, 1000, 2000], multiplier=100, target=p0)
    n = table["Population"].to_numpy(float)
    for name, z in (("2s", 1.959963984540054), ("3s", 3.090232306167813)):
        half = z * np.sqrt(p0 * (1 - p0) / n)
        np.testing.assert_allclose(table[f"upper_{name}_limit"], np.clip((p0 + half) * 100, 0, 100), rtol=1e-12)
        np.testing.assert_allclose(table[f"lower_{name}_limit"], np.clip((p0 - half) * 100, 0, 100), rtol=1e-12)
    assert (table["baseline"] == 43.0).all()


@pytest.mark.parametrize(
    ("numerator", "label"),
    [
        # N = 1000 around 43%: 95% limits 43 ± 3.0686 (39.93% to 46.07%), 99.8% limits 43 ± 4.8381 (38.16% to 47.84%)
        (479, HIGH_001),
        (478, HIGH_025),
        (461, HIGH_025),
        (460, NOT_SIGNIFICANT),
        (400, NOT_SIGNIFICANT),
        (399, LOW_025),
        (382, LOW_025),
        (381, LOW_001),
    ],
)
def test_a_practice_is_judged_at_its_own_denominator_against_the_target(numerator, label):
    others = [5, 900]  # far from the target: they would move a pooled average, not the target
    got = funnel_significance([numerator, *others], [1000, 10, 1000], statistic="proportion", target=0.43)
    assert got[0] == label
    alone = funnel_significance([numerator], [1000], statistic="proportion", target=0.43)
    assert alone[0] == label  # nothing but its own counts and the target decides


@pytest.mark.parametrize(
    ("observed", "level", "tail"),
    [(5, HIGH_025, 0.025), (5, HIGH_001, 0.001), (30, HIGH_025, 0.025), (30, HIGH_001, 0.001)],
)
def test_rates_are_judged_by_the_exact_poisson_limits_of_the_practices_events(observed, level, tail):
    """B5 rates: High when the target lies below the events' lower limit / person-time. Under 10 events the limit
    is exact (χ²(tail, 2O)/2); from 10 it is Byar's, which is within 0.2% of exact at 30 events."""
    person_years = 1000.0
    exact_low = stats.chi2.ppf(tail, 2 * observed) / 2 / person_years  # events per person-year
    rtol = 0 if observed < 10 else 2e-3
    just_below, just_above = exact_low * (1 - 1e-3 - rtol), exact_low * (1 + 1e-3 + rtol)

    def label(target: float) -> str:
        rate = observed / person_years * 1000
        return funnel_significance(
            [observed], [person_years], statistic="rate", rate=[rate], rate_type="crude", multiplier=1000, target=target
        )[0]

    assert label(just_below) in (level, HIGH_001)
    assert label(just_above) != level


def test_low_rates_against_the_exact_upper_limit():
    person_years, observed = 1000.0, 2
    upper95 = stats.chi2.ppf(0.975, 2 * observed + 2) / 2 / person_years
    upper998 = stats.chi2.ppf(0.999, 2 * observed + 2) / 2 / person_years

    def label(target: float) -> str:
        return funnel_significance(
            [observed], [person_years], statistic="rate", rate=[2.0], rate_type="crude", multiplier=1000, target=target
        )[0]

    assert label(upper95 * 1.001) == LOW_025
    assert label(upper998 * 1.001) == LOW_001
    assert label(upper95 * 0.999) == NOT_SIGNIFICANT


def test_targets_are_checked():
    with pytest.raises(ValueError, match="between 0 and 1"):
        funnel_significance([5], [10], statistic="proportion", target=43.0)  # a percentage, not a proportion
    with pytest.raises(ValueError, match="positive rate"):
        funnel_limits(
            [5, 6], rate=[1, 2], statistic="rate", rate_type="crude", multiplier=100, years_of_data=1, target=0
        )
    with pytest.raises(ValueError, match="no target"):
        funnel_significance([5], [4], statistic="ratio", target=1.2)


@pytest.mark.parametrize(
    ("polarity", "words"),
    [
        ("high_is_good", ["better", "better", "worse", "worse", "similar"]),
        ("low_is_good", ["worse", "worse", "better", "better", "similar"]),
        ("no_judgement", ["higher", "higher", "lower", "lower", "similar"]),
    ],
)
def test_labels_in_fingertips_words_by_polarity(polarity, words):
    labels = [HIGH_001, HIGH_025, LOW_001, LOW_025, NOT_SIGNIFICANT]
    assert list(funnel_comparison(labels, polarity=polarity)) == words
    assert list(funnel_comparison(["", "Not applicable for events less than 10 for dsrs"], polarity=polarity)) == [
        "not compared",
        "not compared",
    ]
    assert list(funnel_level(labels)) == ["99.8%", "95%", "99.8%", "95%", ""]
    with pytest.raises(ValueError, match="polarity"):
        funnel_comparison(labels, polarity="up")


def test_comparisons_of_practices_with_harrow():
    """The PCN page's call: percentages against Harrow's percentage, polarity applied, bad rows not compared."""
    table = funnel_comparisons(
        [479, 381, 430, np.nan, 20, 5],
        [1000, 1000, 1000, 100, 10, 0],
        target=43.0,
        statistic="proportion",
        multiplier=100,
        polarity="low_is_good",
    )
    assert list(table["comparison"]) == ["worse", "better", "similar", "not compared", "not compared", "not compared"]
    assert list(table["level"]) == ["99.8%", "99.8%", "", "", "", ""]
    assert table["value"].iloc[0] == pytest.approx(47.9)
    assert math.isnan(table["value"].iloc[4])  # 20 of 10: a broken row has no value either
    for target in (None, float("nan"), 0.0, 100.0):
        none = funnel_comparisons(
            [479], [1000], target=target, statistic="proportion", multiplier=100, polarity="high_is_good"
        )
        assert list(none["comparison"]) == ["not compared"]


def test_rate_comparisons_use_the_multiplier():
    """ACSC admissions per 1,000: 30 in 1,000 person-years (30 per 1,000) against Harrow's 10 per 1,000 is worse."""
    table = funnel_comparisons(
        [30, 10, 0], [1000, 1000, 1000], target=10.0, statistic="rate", multiplier=1000, polarity="low_is_good"
    )
    assert list(table["comparison"]) == ["worse", "similar", "better"]  # no admissions where 10 were expected
    assert list(table["significance"]) == [HIGH_001, NOT_SIGNIFICANT, LOW_001]
    assert list(table["value"]) == [30.0, 10.0, 0.0]
