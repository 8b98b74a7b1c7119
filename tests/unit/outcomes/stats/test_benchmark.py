"""Benchmark comparison against the fingertips-open unit tests (B7) and the FingertipsNext boundary rule."""

from __future__ import annotations

import re

import numpy as np
import pytest

from outcomes.stats.benchmark import POLARITIES, as_polarity, compare_to_benchmark

from . import vectors as rv

POLARITY = {"RagHighIsGood": "high_is_good", "RagLowIsGood": "low_is_good", "BlueOrangeBlue": "no_judgement"}
EXPECTED = {"Same": "similar", "Better": "better", "Worse": "worse", "Best": "best", "Worst": "worst"}
EXPECTED["None"] = "not compared"
METHOD = {1: "ci_95", 17: "ci_95_998", 12: "double_ci", 5: "spc_proportion", 6: "spc_dsr"}
# Fingertips passes the z value (method 5) or the tail probability (method 6); we take the confidence level.
CONFIDENCE = {1.96: 0.95, 3.0902: 0.998, 0.025: 0.95, 0.001: 0.998}


def _method(text: str) -> str:
    match = re.search(r"comparator method (\d+)", text)
    assert match, text
    return METHOD[int(match.group(1))]


@pytest.mark.parametrize("vector", rv.vectors("benchmark_significance"), ids=rv.ids("benchmark_significance"))
def test_fingertips_vectors(vector: dict) -> None:
    inp = vector["input"]
    data, comparator = inp["data"], inp["comparator"]
    method = _method(inp["method"])
    kwargs: dict = {"polarity": POLARITY[inp["polarity"]], "method": method}
    if method in ("spc_proportion", "spc_dsr"):
        kwargs |= {
            "denominator": data.get("denominator", data.get("denominator2")),
            "unit": inp["unit"],
            "confidence": CONFIDENCE[inp["confidence_variable"]],
        }
    if method == "ci_95_998":
        kwargs |= {"lower_998": data.get("lower99_8"), "upper_998": data.get("upper99_8")}
    if method == "double_ci":
        kwargs |= {"benchmark_lower": comparator.get("lower95"), "benchmark_upper": comparator.get("upper95")}
    got = compare_to_benchmark(
        data.get("value"), data.get("lower95"), data.get("upper95"), comparator.get("value"), **kwargs
    )
    assert got == EXPECTED[vector["expected"]["significance"]]


def test_spc_limits_match_computed_extras() -> None:
    """Method 5/6 limits themselves, from the vectors' computed extras (they also pin down the z/tail constants)."""
    from outcomes.stats.benchmark import _wilson_z
    from outcomes.stats.intervals import poisson_mean_limit

    for vector in rv.vectors("benchmark_significance"):
        inp, extra = vector["input"], vector.get("computed_extra")
        if not extra:
            continue
        z_or_tail, unit = inp["confidence_variable"], inp["unit"]
        if "denominator" in inp["data"]:
            n, p0 = inp["data"]["denominator"], inp["comparator"]["value"] / unit
            low, high = _wilson_z(np.float64(n * p0), np.float64(n), z_or_tail)
        else:
            d = inp["data"]["denominator2"]
            expected = inp["comparator"]["value"] * d / unit
            low = poisson_mean_limit(expected, z_or_tail, "low") / d * unit
            high = poisson_mean_limit(expected, z_or_tail, "high") / d * unit
        assert low == pytest.approx(extra["lower_limit"], rel=1e-6)
        assert high == pytest.approx(extra["upper_limit"], rel=1e-6)


@pytest.mark.parametrize(
    ("lower", "upper", "benchmark", "high_is_good", "no_judgement"),
    [
        (2.0, 3.0, 3.5, "worse", "lower"),  # upper < benchmark
        (2.0, 3.0, 3.0, "similar", "similar"),  # bounds inclusive
        (2.0, 3.0, 2.0, "similar", "similar"),
        (2.0, 3.0, 1.5, "better", "higher"),  # lower > benchmark
    ],
)
def test_fingertips_next_boundary_rule(lower, upper, benchmark, high_is_good, no_judgement) -> None:
    assert compare_to_benchmark(None, lower, upper, benchmark, polarity="high_is_good") == high_is_good
    assert compare_to_benchmark(None, lower, upper, benchmark, polarity="no_judgement") == no_judgement
    flipped = {"better": "worse", "worse": "better", "similar": "similar"}[high_is_good]
    assert compare_to_benchmark(None, lower, upper, benchmark, polarity="low_is_good") == flipped


def test_vectorised_with_missing_rows_over_many_rows() -> None:
    lower = np.array([1.0, np.nan, 5.0])
    upper = np.array([2.0, 3.0, 6.0])
    got = compare_to_benchmark(None, lower, upper, 3.0, polarity="low_is_good")
    assert got.tolist() == ["better", "not compared", "worse"]
    # One call over a million rows: one label per row, each the label of that row judged alone (speed is bench/'s).
    rng = np.random.default_rng(0)
    centre = rng.normal(size=1_000_000)
    centre[::1000] = np.nan
    result = compare_to_benchmark(centre, centre - 0.5, centre + 0.5, 0.0, polarity="high_is_good")
    assert result.shape == centre.shape
    expected = np.where(centre - 0.5 > 0, "better", np.where(centre + 0.5 < 0, "worse", "similar"))
    expected = np.where(np.isnan(centre), "not compared", expected)
    assert (result == expected).all()
    for i in [0, 1, *rng.integers(0, centre.size, 30).tolist()]:
        c = None if np.isnan(centre[i]) else float(centre[i])
        lo = None if c is None else c - 0.5
        hi = None if c is None else c + 0.5
        assert compare_to_benchmark(c, lo, hi, 0.0, polarity="high_is_good") == result[i]


def test_rejects_unknown_polarity_and_method() -> None:
    with pytest.raises(ValueError, match="polarity"):
        compare_to_benchmark(1, 0, 2, 1, polarity="RagHighIsGood")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="method"):
        compare_to_benchmark(1, 0, 2, 1, polarity="high_is_good", method="quintiles")  # type: ignore[arg-type]


def test_as_polarity_passes_the_three_polarities_and_refuses_any_other() -> None:
    assert [as_polarity(p) for p in POLARITIES] == ["high_is_good", "low_is_good", "no_judgement"]
    for bad in ("RagHighIsGood", "", "High_is_good"):
        with pytest.raises(ValueError, match="polarity must be one of high_is_good, low_is_good, no_judgement"):
            as_polarity(bad)
