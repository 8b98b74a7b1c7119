"""The single-series fast path (`kernel.single`: mean, AMR and lines as Python floats) against the general kernel
it stands in for: every output identical (dtypes, shapes, read-only flags, values bit for bit, groups, icons,
warnings, lazily built labels) on random series and on every reference vector. Both paths run the same rules
(`rules.py`) through the same `kernel.apply_rules`; what this holds equal is the floating-point part."""

from __future__ import annotations

import contextlib
import importlib
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outcomes.stats.spc import SPCResult, spc
from tests.examples import examples

from . import vectors as rv

spc_module = importlib.import_module("outcomes.stats.spc")  # the package re-exports `spc`, shadowing the module
kernel_module = importlib.import_module("outcomes.stats.spc.kernel")

LAZY = ("special_cause_type", "point_type")
FIELDS = tuple(SPCResult.__dataclass_fields__)


@contextlib.contextmanager
def general_kernel():
    saved = spc_module._USE_FAST_PATH
    spc_module._USE_FAST_PATH = False
    try:
        yield
    finally:
        spc_module._USE_FAST_PATH = saved


def both_paths(values, **options) -> tuple[SPCResult, SPCResult]:
    with warnings.catch_warnings(record=True) as fast_warned:
        warnings.simplefilter("always")
        fast = spc(values, **options)
    with general_kernel(), warnings.catch_warnings(record=True) as general_warned:
        warnings.simplefilter("always")
        general = spc(values, **options)
    assert [(w.category, str(w.message)) for w in fast_warned] == [(w.category, str(w.message)) for w in general_warned]
    return fast, general


def assert_same_value(got, exp, name: str) -> None:
    if isinstance(exp, np.ndarray):
        assert isinstance(got, np.ndarray), name
        assert (got.dtype, got.shape) == (exp.dtype, exp.shape), name
        assert got.flags.writeable == exp.flags.writeable, name
        assert got.tobytes() == exp.tobytes(), name  # bit for bit: NaN payloads and signed zeros included
    elif isinstance(exp, float):
        assert type(got) is float, name
        assert got == exp or (math.isnan(got) and math.isnan(exp)), (name, got, exp)
    elif isinstance(exp, tuple) and exp and not isinstance(exp[0], str):
        assert len(got) == len(exp), name
        for g, e in zip(got, exp, strict=True):
            assert type(g) is type(e), name
            for key in type(e).__dataclass_fields__:
                assert_same_value(getattr(g, key), getattr(e, key), f"{name}.{key}")
    else:
        assert type(got) is type(exp) and got == exp, (name, got, exp)


def assert_identical(fast: SPCResult, general: SPCResult) -> None:
    for lazy in LAZY:  # built on first use (given up front only for an empty series), alike on both paths
        assert (lazy in fast.__dict__) == (lazy in general.__dict__), lazy
        assert lazy not in fast.__dict__ or fast.values.size == 0, lazy
    for name in (*FIELDS, *LAZY, "_rule", "_labels"):
        assert_same_value(getattr(fast, name), getattr(general, name), name)
    assert fast.special_cause_type is fast.special_cause_type


def fast_path_taken(values, **options) -> bool:
    y = np.array(values, dtype=float)
    args = {"screen_outliers": True, "two_in_three_rule": "ptd", "shift_length": 7, "trend_length": 7}
    args.update({k: v for k, v in options.items() if k in args})
    return kernel_module.single(y, float(np.add.reduce(y)), *args.values()) is not None


# Values from a small grid (ties, points on the mean, constant runs) or wide floats; NaN-free.
grid_values = st.lists(st.integers(-3, 3).map(float), max_size=120)
wide_values = st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False), max_size=120)
runs = st.lists(st.tuples(st.integers(-2, 2), st.integers(1, 12)), max_size=15).map(
    lambda pairs: [float(v) for v, count in pairs for _ in range(count)][:120]
)
walks = st.lists(st.integers(-2, 2), max_size=120).map(lambda steps: np.cumsum(steps, dtype=float).tolist())
series = st.one_of(grid_values, wide_values, runs, walks)
options = st.fixed_dictionaries(
    {
        "improvement": st.sampled_from(["increase", "decrease", "neutral"]),
        "target": st.one_of(st.none(), st.integers(-4, 4).map(float), st.floats(-1e3, 1e3)),
        "screen_outliers": st.booleans(),
        "two_in_three_rule": st.sampled_from(["ptd", "mdc2023"]),
        "shift_length": st.sampled_from([6, 7, 2, 3, 9]),
        "trend_length": st.sampled_from([6, 7, 2, 3, 9]),
    }
)


@settings(max_examples=examples(1500), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=series, opts=options)
def test_fast_path_equals_general_kernel(values, opts):
    fast, general = both_paths(values, **opts)
    assert_identical(fast, general)
    if len(values) >= 2:
        assert fast_path_taken(values, **opts)


@pytest.mark.parametrize("m", [2, 3, 8, 9, 60, 127, 128, 129, 257, 1000, 5000])
@pytest.mark.parametrize("screen", [True, False])
def test_fast_path_equals_general_kernel_on_long_series(m, screen):
    rng = np.random.default_rng(m)
    values = (rng.normal(50, 4, m) + np.where(np.arange(m) > m // 2, 8, 0)).round(1)
    values[m // 3 : m // 3 + 8] = 40 + np.arange(min(8, m - m // 3))[: len(values[m // 3 : m // 3 + 8])]
    if m > 10:
        values[5] += 100  # screened moving ranges
    fast, general = both_paths(values, screen_outliers=screen, target=50.0)
    assert_identical(fast, general)
    assert fast_path_taken(values, screen_outliers=screen)


@pytest.mark.parametrize(
    "values",
    [
        [1e308, -1e308, 1e308],  # moving ranges overflow: the kernel runs and warns as before
        [1.7e308, 1.7e308, 1.7e308, -1.7e308],
        [5e-324, 0.0, -5e-324, 0.0, 5e-324],  # subnormal steps
        [0.0, -0.0, 0.0, -0.0],
        [3.0, 3.0],
        [1.0, 2.0],
    ],
)
def test_extreme_values_give_the_same_answer_and_warnings(values):
    fast, general = both_paths(values)
    assert_identical(fast, general)


@settings(max_examples=examples(200), deadline=None)
@given(values=series)
def test_options_outside_the_fast_path_are_unchanged(values):
    """Rebasing and fixed baselines always take the general kernel."""
    if len(values) >= 4:
        fast, general = both_paths(values, rebase_at=[len(values) // 2])
        assert_identical(fast, general)
    fast, general = both_paths(values, fix_after_n_points=3)
    assert_identical(fast, general)


OPTION_NAMES = {
    "improvement_direction": "improvement",
    "screen_outliers": "screen_outliers",
    "fix_after_n_points": "fix_after_n_points",
    "rebase_at_index": "rebase_at",
    "target": "target",
    "two_in_three_rule": "two_in_three_rule",
    "shift_length": "shift_length",
    "trend_length": "trend_length",
}


def reference_vectors() -> list:
    data = rv.load_or_none("spc")  # the single loader (default folder or $HARROW_REFERENCE_VECTORS)
    if data is None:
        return [pytest.param(None, id="reference-vectors-missing")]
    return [pytest.param(v, id=v["id"]) for v in data["vectors"]]


@pytest.mark.parametrize("vector", reference_vectors())
def test_reference_vectors_through_both_paths(vector):
    if vector is None:
        pytest.fail(rv.missing_message("spc"))
    inputs = vector["input"]
    options = {OPTION_NAMES[k]: v for k, v in inputs["options"].items()}
    for values in list(inputs.get("facets", {}).values()) or [inputs["values"]]:
        fast, general = both_paths(values, **options)
        assert_identical(fast, general)
        # Without rebasing or a fixed baseline, the fast path must really have been taken.
        if not options.get("rebase_at") and options.get("fix_after_n_points") is None and len(values) >= 2:
            assert fast_path_taken(values, **options)
