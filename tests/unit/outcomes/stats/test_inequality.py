"""Slope/relative index of inequality against the PHEindicatormethods ``phe_sii`` vectors (B6)."""

from __future__ import annotations

import numpy as np
import pytest

from outcomes.stats.inequality import sii

from . import vectors as rv

SEED = 20240613


def _run(parameters: dict, data: dict, **overrides):
    kwargs = {
        "value_type": parameters["value_type"],
        "se": data.get("se"),
        "lower_cl": data.get("lower_cl"),
        "upper_cl": data.get("upper_cl"),
        "multiplier": parameters["multiplier"],
        "transform": parameters["transform"],
        "confidence": parameters["confidence"],
        "repetitions": parameters["repetitions"],
        "seed": SEED,
    }
    return sii(data["quantile"], data["population"], data["value"], **(kwargs | overrides))


@pytest.mark.parametrize("vector", rv.vectors("sii"), ids=rv.ids("sii"))
def test_sii_vectors(vector: dict) -> None:
    tol = vector["tolerance"]
    point = {"rel": tol["point_rel"]}
    interval = {"rel": tol["ci_rel"]}
    for area, case in vector["areas"].items():
        result = _run(vector["parameters"], case["input"])
        expected = case["expected"]
        rv.assert_close(result.sii, expected["sii"], point, f"{area} sii")
        if "rii" in expected:
            rv.assert_close(result.rii, expected["rii"], point, f"{area} rii")
        if "intercept" in expected:
            rv.assert_close(result.intercept, expected["intercept"], point, f"{area} intercept")
        for level, limits in case["expected_ci_montecarlo"].items():
            sii_low, sii_high = result.sii_limits[float(level)]
            rv.assert_close(sii_low, limits["sii_lower"], interval, f"{area} {level} sii_lower")
            rv.assert_close(sii_high, limits["sii_upper"], interval, f"{area} {level} sii_upper")
            if "rii_lower" in limits:
                rii_low, rii_high = result.rii_limits[float(level)]
                rv.assert_close(rii_low, limits["rii_lower"], interval, f"{area} {level} rii_lower")
                rv.assert_close(rii_high, limits["rii_upper"], interval, f"{area} {level} rii_upper")


AREA = rv.by_id("sii", "phe-sii-record1")["areas"]["area1"]["input"]


def test_seed_makes_simulation_reproducible() -> None:
    first = sii(AREA["quantile"], AREA["population"], AREA["value"], se=AREA["se"], repetitions=2000, seed=5)
    again = sii(
        AREA["quantile"],
        AREA["population"],
        AREA["value"],
        se=AREA["se"],
        repetitions=2000,
        seed=np.random.default_rng(5),
    )
    assert first.sii_limits == again.sii_limits and first.rii_limits == again.rii_limits


def test_quantile_labels_order_the_rows() -> None:
    perm = np.random.default_rng(1).permutation(10)
    shuffled = sii(
        np.asarray(AREA["quantile"])[perm],
        np.asarray(AREA["population"])[perm],
        np.asarray(AREA["value"])[perm],
        se=np.asarray(AREA["se"])[perm],
        repetitions=2000,
        seed=3,
    )
    ordered = sii(AREA["quantile"], AREA["population"], AREA["value"], se=AREA["se"], repetitions=2000, seed=3)
    assert shuffled.sii == pytest.approx(ordered.sii, rel=1e-12)
    assert shuffled.sii_limits[0.95] == pytest.approx(ordered.sii_limits[0.95], rel=1e-12)


def test_point_estimates_without_uncertainty() -> None:
    result = sii(None, AREA["population"], AREA["value"])
    assert result.sii_limits == {} and np.isfinite(result.sii)


def test_flat_gradient_gives_zero_sii_and_unit_rii() -> None:
    result = sii(None, [100] * 5, [0.3] * 5, value_type=2, transform=True)
    assert result.sii == pytest.approx(0, abs=1e-12) and result.rii == pytest.approx(1, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"population": [1, 2, 3, 4], "value": [1.0, 2.0, 3.0, 4.0]}, "between 5 and 100"),
        ({"population": [1, 2, 0, 4, 5]}, "population"),
        ({"value_type": 3}, "value_type"),
        ({"repetitions": 999, "se": [1] * 5}, "repetitions"),
        ({"confidence": 0.8}, "confidence"),
        ({"transform": True}, "transform"),
        ({"se": [1, 1, -1, 1, 1]}, "standard errors"),
    ],
)
def test_invalid_input(kwargs: dict, message: str) -> None:
    args = {"population": [1, 2, 3, 4, 5], "value": [1.0, 2.0, 3.0, 4.0, 5.0]} | kwargs
    population, value = args.pop("population"), args.pop("value")
    with pytest.raises(ValueError, match=message):
        sii(None, population, value, **args)
