"""Wilson, Byar/exact Poisson and t intervals against the PHEindicatormethods reference vectors (B1-B3)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from outcomes.stats.intervals import (
    byar_ci,
    confidence_levels,
    mean_ci,
    mean_summary,
    rate_ci,
    rate_ci_method,
    wilson_ci,
    z_value,
)

from . import vectors as rv

# Presentation labels the peer prints that these pure functions do not produce (the caller formats them).
LABEL_KEYS = {"method", "statistic", "confidence"}
LEVEL_KEYS = (("lower95_0cl", "upper95_0cl"), ("lower99_8cl", "upper99_8cl"))


def _check_levels(lower, upper, expected, tolerance, multiplier=1.0) -> None:
    for i, (lo_key, hi_key) in enumerate(LEVEL_KEYS):
        rv.assert_close(lower[i] * multiplier, expected[lo_key], tolerance, lo_key)
        rv.assert_close(upper[i] * multiplier, expected[hi_key], tolerance, hi_key)


def _checked_keys(expected: dict, checked: set[str]) -> None:
    """Every expected key is either compared or a known presentation label, so no vector field is ignored."""
    assert set(expected) - checked - LABEL_KEYS == set()


# ----------------------------------------------------------------------------------------------- proportions


@pytest.mark.parametrize("vector", rv.vectors("proportion_ci"), ids=rv.ids("proportion_ci"))
def test_proportion_vectors(vector: dict) -> None:
    inp, exp, tol = vector["input"], vector["expected"], vector.get("tolerance")
    if "error" in exp:
        kwargs = {"confidence": inp["confidence"]} if "confidence" in inp else {}
        with pytest.raises(ValueError, match=re.escape(exp["error"])):
            wilson_ci(inp["x"], inp["n"], **kwargs)
        return
    if "rows" in inp:
        x = sum(row["x"] for row in inp["rows"])
        n = sum(row["n"] for row in inp["rows"])
        lower, upper = wilson_ci(x, n, inp["confidence"])
        m = inp["multiplier"]
        rv.assert_close(x, exp["x"], tol, "x")
        rv.assert_close(n, exp["n"], tol, "n")
        rv.assert_close(x / n * m, exp["value"], tol, "value")
        rv.assert_close(lower * m, exp["lowercl"], tol, "lowercl")
        rv.assert_close(upper * m, exp["uppercl"], tol, "uppercl")
        assert exp["method"] == "Wilson"
        _checked_keys(exp, {"x", "n", "value", "lowercl", "uppercl"})
        return
    x, n = rv.null_to_nan(inp["x"]), rv.null_to_nan(inp["n"])
    if "lower" in exp:
        lower, upper = wilson_ci(x, n, inp["confidence"])
        rv.assert_close(lower, [exp["lower"]] * np.size(lower), tol, "lower")
        rv.assert_close(upper, [exp["upper"]] * np.size(upper), tol, "upper")
        return
    m = inp["multiplier"]
    lower, upper = wilson_ci(x, n, inp["confidence"])
    with np.errstate(invalid="ignore"):
        rv.assert_close(np.float64(x) / n * m, exp["value"], tol, "value")
    _check_levels(lower, upper, exp, tol, m)
    assert exp["method"] == "Wilson"
    _checked_keys(exp, {"value", *sum(LEVEL_KEYS, ())})


def test_wilson_edges_are_exact() -> None:
    lower, upper = wilson_ci([0, 7, 0, 1], [7, 7, 1, 1], 0.998)
    assert lower[0] == 0 and lower[2] == 0
    assert upper[1] == pytest.approx(1, abs=1e-15) and upper[3] == pytest.approx(1, abs=1e-15)


def test_wilson_accepts_percent_confidence_and_broadcasts() -> None:
    a = wilson_ci(np.arange(5), 10, 95)
    b = wilson_ci(np.arange(5), np.full(5, 10), 0.95)
    np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------------------------- rates


@pytest.mark.parametrize("vector", rv.vectors("rate_ci"), ids=rv.ids("rate_ci"))
def test_rate_vectors(vector: dict) -> None:
    inp, exp, tol = vector["input"], vector["expected"], vector.get("tolerance")
    if "error" in exp:
        kwargs = {"confidence": inp["confidence"]} if "confidence" in inp else {}
        with pytest.raises(ValueError, match=re.escape(exp["error"])):
            rate_ci(inp["x"], inp["n"], **kwargs)
        return
    if "byars_lower" in exp:
        lower, upper = byar_ci(inp["x"], inp["confidence"])
        rv.assert_close(lower, exp["byars_lower"], tol, "byars_lower")
        rv.assert_close(upper, exp["byars_upper"], tol, "byars_upper")
        return
    m = inp["multiplier"]
    if "rows" in inp:
        x = sum(row["x"] for row in inp["rows"])
        n = sum(row["n"] for row in inp["rows"])
        lower, upper = rate_ci(x, n, m, inp["confidence"])
        rv.assert_close(x, exp["x"], tol, "x")
        rv.assert_close(n, exp["n"], tol, "n")
        rv.assert_close(x / n * m, exp["value"], tol, "value")
        rv.assert_close(lower, exp["lowercl"], tol, "lowercl")
        rv.assert_close(upper, exp["uppercl"], tol, "uppercl")
        assert rate_ci_method(x) == exp["method"]
        _checked_keys(exp, {"x", "n", "value", "lowercl", "uppercl"})
        return
    x, n = rv.null_to_nan(inp["x"]), rv.null_to_nan(inp["n"])
    lower, upper = rate_ci(x, n, m, inp["confidence"])
    with np.errstate(invalid="ignore"):
        rv.assert_close(np.float64(x) / n * m, exp["value"], tol, "value")
    _check_levels(lower, upper, exp, tol)
    assert rate_ci_method(x) == exp["method"]
    assert exp["statistic"] == f"rate per {m:g}"
    _checked_keys(exp, {"value", *sum(LEVEL_KEYS, ())})


def test_rate_zero_count_uses_exact_with_zero_lower() -> None:
    """scipy's chi2.ppf(q, 0) is NaN; R gives 0 (STATISTICS.md C9)."""
    lower, upper = rate_ci(0, 1000, 100_000, 0.95)
    assert lower == 0
    assert upper == pytest.approx(3.688879454113936 / 1000 * 100_000, rel=1e-12)


def test_rate_switches_method_at_ten() -> None:
    lower, _ = rate_ci([9, 10], [100, 100], 100)
    byar_lower, _ = byar_ci(10)
    assert lower[1] == pytest.approx(byar_lower * 1.0, rel=1e-14)
    assert list(rate_ci_method([9, 10])) == ["Exact", "Byars"]


def test_rate_and_wilson_vectorise_over_many_rows() -> None:
    """One call over 200,000 rows gives one interval per row, equal to the row computed alone (no loop over rows
    behind the scenes is tested here; speed is measured in bench/stats.py, not asserted on a shared CI machine)."""
    rng = np.random.default_rng(1)
    rows = 200_000
    x = rng.integers(0, 500, rows).astype(float)
    x[:50] = np.arange(50) % 12  # both sides of the exact/Byar switch at 10
    n = rng.integers(1_000, 100_000, rows).astype(float)
    lower, upper = rate_ci(x, n)
    p_lower, p_upper = wilson_ci(np.minimum(x, n), n)
    for got in (lower, upper, p_lower, p_upper):
        assert got.shape == (rows,) and got.dtype == np.float64 and np.isfinite(got).all()
    rate = x / n * 100_000
    assert (lower <= rate).all() and (rate <= upper).all() and (lower >= 0).all()
    assert (p_lower >= 0).all() and (p_lower <= x / n).all() and (x / n <= p_upper).all() and (p_upper <= 1).all()
    for i in [*range(50), *rng.integers(50, rows, 50).tolist()]:
        one_lower, one_upper = rate_ci(x[i], n[i])
        assert (lower[i], upper[i]) == pytest.approx((float(one_lower), float(one_upper)), rel=1e-12)
        w_lower, w_upper = wilson_ci(x[i], n[i])
        assert (p_lower[i], p_upper[i]) == pytest.approx((float(w_lower), float(w_upper)), rel=1e-12)


# ----------------------------------------------------------------------------------------------- means


@pytest.mark.parametrize("vector", rv.vectors("mean_ci"), ids=rv.ids("mean_ci"))
def test_mean_vectors(vector: dict) -> None:
    inp, exp, tol = vector["input"], vector["expected"], vector.get("tolerance")
    result = mean_summary(inp["values"], inp["confidence"])
    rv.assert_close(result.value_sum, exp["value_sum"], tol, "value_sum")
    rv.assert_close(result.value_count, exp["value_count"], tol, "value_count")
    rv.assert_close(result.stdev, exp["stdev"], tol, "stdev")
    rv.assert_close(result.value, exp["value"], tol, "value")
    _check_levels(result.lower, result.upper, exp, tol)
    assert result.method == exp["method"]
    _checked_keys(exp, {"value_sum", "value_count", "stdev", "value", *sum(LEVEL_KEYS, ())})


def test_mean_single_value_has_no_interval() -> None:
    result = mean_summary([4.2])
    assert result.value == 4.2 and np.isnan(result.lower) and np.isnan(result.upper)


def test_mean_ci_vectorised_over_groups() -> None:
    lower, upper = mean_ci([1.0, 2.0], [0.5, 0.5], [10, 20])
    assert lower.shape == (2,) and np.all(lower < [1.0, 2.0]) and np.all(upper > [1.0, 2.0])


# ----------------------------------------------------------------------------------------------- conventions


def test_confidence_conventions() -> None:
    assert confidence_levels(95) == (0.95,)
    assert confidence_levels([0.95, 99.8]) == (0.95, 0.998)
    assert z_value(0.95) == pytest.approx(1.959964, abs=5e-7)
    assert z_value(0.998) == pytest.approx(3.090232, abs=5e-7)
    for bad in (0.8, 50, 130, float("nan")):
        with pytest.raises(ValueError, match=re.escape("between 90 and 100 or between 0.9 and 1")):
            confidence_levels(bad)
