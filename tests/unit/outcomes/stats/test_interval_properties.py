"""Property tests: intervals hold their estimate, 99.8% holds 95%, and order matters only where it should."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from outcomes.stats.benchmark import compare_to_benchmark
from outcomes.stats.funnel import funnel_significance
from outcomes.stats.intervals import ESP2013, dsr, mean_ci, rate_ci, wilson_ci
from outcomes.stats.overdispersed_funnel import proportion_funnel
from tests.examples import examples

EPS = 1e-9
PROPERTY = settings(max_examples=examples(60), deadline=None)

counts = st.integers(min_value=0, max_value=10**7)
positive = st.integers(min_value=1, max_value=10**8)


@st.composite
def proportions(draw):
    n = draw(st.integers(min_value=1, max_value=10**8))
    x = draw(st.integers(min_value=0, max_value=n))
    return x, n


@PROPERTY
@given(proportions())
def test_wilson_contains_estimate_and_nests(xn: tuple[int, int]) -> None:
    x, n = xn
    (l95, l998), (u95, u998) = wilson_ci(x, n, [0.95, 0.998])
    p = x / n
    assert 0 <= l998 <= l95 + EPS and l95 <= p + EPS and p <= u95 + EPS and u95 <= u998 + EPS and u998 <= 1 + EPS


@PROPERTY
@given(counts, positive, st.sampled_from([100, 1000, 100_000]))
def test_rate_contains_estimate_and_nests(x: int, n: int, multiplier: int) -> None:
    (l95, l998), (u95, u998) = rate_ci(x, n, multiplier, [0.95, 0.998])
    value = x / n * multiplier
    scale = EPS * max(1.0, value)
    assert 0 <= l998 <= l95 + scale and l95 <= value + scale and value <= u95 + scale and u95 <= u998 + scale


@st.composite
def age_band_data(draw):
    population = draw(arrays(float, 19, elements=st.floats(min_value=50, max_value=1e6)))
    count = draw(arrays(float, 19, elements=st.integers(min_value=0, max_value=5000).map(float)))
    return count, population


@PROPERTY
@given(age_band_data(), st.randoms(use_true_random=False))
def test_dsr_contains_value_nests_and_ignores_band_order(data, random) -> None:
    count, population = data
    result = dsr(count, population, confidence=[0.95, 0.998])
    if count.sum() < 10:
        assert np.isnan(result.value)
        return
    (l95, l998), (u95, u998) = result.lower, result.upper
    tol = EPS * result.value
    assert l998 <= l95 + tol and l95 <= result.value + tol and result.value <= u95 + tol and u95 <= u998 + tol
    order = list(range(19))
    random.shuffle(order)
    shuffled = dsr(count[order], population[order], ESP2013[order], confidence=[0.95, 0.998])
    np.testing.assert_allclose(shuffled.value, result.value, rtol=1e-12)
    np.testing.assert_allclose(shuffled.lower, result.lower, rtol=1e-12)
    np.testing.assert_allclose(shuffled.upper, result.upper, rtol=1e-12)


@PROPERTY
@given(
    st.floats(min_value=-1e6, max_value=1e6),
    st.floats(min_value=0, max_value=1e4),
    st.integers(min_value=2, max_value=10**6),
)
def test_mean_contains_estimate_and_nests(mean: float, sd: float, k: int) -> None:
    (l95, l998), (u95, u998) = mean_ci(mean, sd, k, [0.95, 0.998])
    assert l998 <= l95 <= mean <= u95 <= u998


@st.composite
def units(draw):
    size = draw(st.integers(min_value=3, max_value=40))
    n = draw(arrays(float, size, elements=st.integers(min_value=20, max_value=100_000).map(float)))
    share = draw(arrays(float, size, elements=st.floats(min_value=0, max_value=1)))
    return np.floor(n * share), n


@PROPERTY
@given(units(), st.randoms(use_true_random=False))
def test_funnel_significance_independent_of_unit_order(data, random) -> None:
    x, n = data
    order = list(range(len(x)))
    random.shuffle(order)
    for kwargs in ({"statistic": "proportion"}, {"statistic": "ratio"}):
        denominator = n if kwargs["statistic"] == "proportion" else n / 100
        base = funnel_significance(x, denominator, **kwargs)
        shuffled = funnel_significance(x[order], denominator[order], **kwargs)
        assert list(shuffled) == list(base[order])
    events = x + 1
    rate = events / n * 1000
    base = funnel_significance(events, statistic="rate", rate=rate, rate_type="dsr", multiplier=1000)
    shuffled = funnel_significance(events[order], statistic="rate", rate=rate[order], rate_type="dsr", multiplier=1000)
    assert list(shuffled) == list(base[order])
    plain = proportion_funnel(x, n).units
    moved = proportion_funnel(x[order], n[order]).units
    assert moved["significance998"].tolist() == plain["significance998"].to_numpy()[order].tolist()


@PROPERTY
@given(
    st.floats(min_value=-1e3, max_value=1e3),
    st.floats(min_value=0, max_value=10),
    st.floats(min_value=0, max_value=10),
    st.floats(min_value=-1e3, max_value=1e3),
)
def test_benchmark_polarity_mirrors(centre: float, below: float, above: float, benchmark: float) -> None:
    lower, upper = centre - below, centre + above
    high = compare_to_benchmark(centre, lower, upper, benchmark, polarity="high_is_good")
    low = compare_to_benchmark(centre, lower, upper, benchmark, polarity="low_is_good")
    neutral = compare_to_benchmark(centre, lower, upper, benchmark, polarity="no_judgement")
    assert (high, low) in {("better", "worse"), ("worse", "better"), ("similar", "similar")}
    assert neutral == {"better": "higher", "worse": "lower", "similar": "similar"}[high]
