"""Spiegelhalter's overdispersed funnels (FunnelPlotR): the adjustment's behaviour on simulated units. Their
limits against FunnelPlotR's published vectors are checked with the other funnel vectors in test_funnel.py."""

from __future__ import annotations

import numpy as np
import pytest

from outcomes.stats.overdispersed_funnel import overdispersion, proportion_funnel, sr_funnel


def test_overdispersion_absent_for_poisson_data() -> None:
    rng = np.random.default_rng(7)
    expected = rng.uniform(50, 500, 400)
    observed = rng.poisson(expected)
    result = sr_funnel(observed, expected)
    assert result.overdispersion is not None and result.overdispersion.tau2 < 0.002
    assert (result.units["significance998"] != "within").mean() < 0.02


def test_overdispersion_widens_limits_for_extra_variation() -> None:
    rng = np.random.default_rng(11)
    expected = rng.uniform(200, 2000, 300)
    observed = rng.poisson(expected * rng.lognormal(0, 0.2, 300))
    plain = sr_funnel(observed, expected, adjust_overdispersion=False)
    adjusted = sr_funnel(observed, expected)
    assert adjusted.overdispersion.phi > 1.5 and adjusted.overdispersion.tau2 > 0
    assert (adjusted.units["upper95"] > plain.units["upper95"]).all()
    assert (adjusted.units["significance95"] != "within").sum() < (plain.units["significance95"] != "within").sum()
    cqc = sr_funnel(observed, expected, sr_method="CQC")
    assert cqc.overdispersion.tau2 > 0


def test_proportion_funnel_for_practices() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(500, 5000, 200)
    x = rng.binomial(n, np.clip(rng.normal(0.3, 0.04, 200), 0.01, 0.99))
    plain = proportion_funnel(x, n)
    adjusted = proportion_funnel(x, n, adjust_overdispersion=True)
    assert adjusted.overdispersion.tau2 > 0
    assert (adjusted.units["upper998"] >= plain.units["upper998"]).all()
    assert set(plain.units["significance95"]) <= {"high", "low", "within"}


def test_overdispersion_rejects_unknown_method() -> None:
    with pytest.raises(ValueError, match="winsorise"):
        overdispersion([1.0, 2.0], [1.0, 1.0], method="trim")  # type: ignore[arg-type]
