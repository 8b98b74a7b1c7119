"""The single-series path (`spc`) against the batch path (`spc_many`), and the rules (`rules.py`, through the
adapters in test_spc_rules.py) against plain-loop statements of them: `spc` takes shortcuts (lazily built label
arrays, a scalar assurance test, early exits in the rule functions) that must never change an answer."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.stats.spc import assurance_type, spc, spc_many
from outcomes.stats.spc.results import assurance_name
from tests.examples import examples

from .test_spc_rules import shift_marks, shift_sides, trend_directions, trend_marks, two_in_three_points

OPTIONS = [
    {},
    {"improvement": "decrease", "screen_outliers": False},
    {"improvement": "neutral", "two_in_three_rule": "mdc2023", "shift_length": 6, "trend_length": 6},
    {"fix_after_n_points": 12, "shift_length": 2, "trend_length": 2},
    {"fix_after_n_points": 3, "two_in_three_rule": "mdc2023", "trend_length": 3},
]
PER_POINT = (
    "relative_to_mean",
    "outside_limits",
    "close_to_limits",
    "shift",
    "trend",
    "two_in_three",
    "direction",
    "special_cause_flag",
    "special_cause_type",
    "point_type",
    "moving_range",
)


def series_matrix(rng: np.random.Generator, k: int, m: int) -> np.ndarray:
    """Rows of several kinds: noise, coarse integers (ties at the mean and between points), shifts, trends and
    constant stretches."""
    level = rng.normal(50, 5, (k, 1))
    matrix = level + rng.normal(0, 4, (k, m)).round(0)
    matrix[::4] = rng.integers(-2, 3, (len(matrix[::4]), m))
    matrix[1::4, m // 2 :] += 9
    if m >= 10:
        matrix[2::4, 2:10] = np.arange(8) * 3 + 40
        matrix[3::4, 3:9] = matrix[3::4, 3:4]
    return matrix


@pytest.mark.parametrize("m", [1, 2, 3, 7, 13, 40, 60, 75])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
def test_spc_equals_spc_many_row_by_row(m, options):
    rng = np.random.default_rng(m)
    matrix = series_matrix(rng, 24, m)
    targets = rng.normal(50, 10, len(matrix))
    batch = spc_many(matrix, target=targets, **options)
    for i, row in enumerate(matrix):
        single = spc(row, target=targets[i], **options)
        for name in PER_POINT:
            got, exp = getattr(single, name), getattr(batch, name)[i]
            assert got.dtype == exp.dtype, name
            np.testing.assert_array_equal(got, exp, err_msg=name)
        for line in ("mean", "lpl", "upl", "near_lpl", "near_upl"):
            np.testing.assert_array_equal(getattr(single, line), np.full(m, getattr(batch, line)[i]), err_msg=line)
        assert (single.variation_icon, single.assurance_type) == (batch.variation_icon[i], batch.assurance_type[i])
        assert single.variation_type == batch.point_type[i, -1]


def test_large_batch_equals_single_series():
    """A batch's rows are one bitset of 120 x 61 bits, a gap bit after each row; every row must still agree with
    the same series alone."""
    rng = np.random.default_rng(3)
    matrix = series_matrix(rng, 120, 60)
    for options in OPTIONS[:3]:
        batch = spc_many(matrix, **options)
        for i, row in enumerate(matrix):
            single = spc(row, **options)
            for name in ("shift", "trend", "direction", "special_cause_type"):
                np.testing.assert_array_equal(getattr(single, name), getattr(batch, name)[i], err_msg=name)


def test_result_arrays_are_read_only_with_the_documented_types():
    result = spc(np.r_[np.arange(10.0), np.arange(10.0)[::-1]], target=5)
    for name in ("values", "group_index", "mean", "lpl", "upl", "near_lpl", "near_upl", *PER_POINT):
        array = getattr(result, name)
        assert isinstance(array, np.ndarray) and array.shape == (20,), name
        assert not array.flags.writeable, name
    assert result.special_cause_type is result.special_cause_type  # built once
    assert result.special_cause_type.dtype.kind == "U" and result.point_type.dtype.kind == "U"
    assert result.group_index.dtype == np.intp and result.direction.dtype == np.int8
    assert isinstance(result.variation_type, str) and isinstance(result.groups[0].mean, float)


FLOATS = [-math.inf, -3.0, -1.0, 0.0, 1.0, 2.5, math.inf, math.nan]


@pytest.mark.parametrize("improvement", ["increase", "decrease", "neutral"])
def test_scalar_assurance_equals_assurance_type(improvement):
    for lpl in FLOATS:
        for upl in FLOATS:
            for target in [None, *FLOATS]:
                expected = assurance_type(lpl, upl, target, improvement)
                assert assurance_name(lpl, upl, target, improvement) == expected, (lpl, upl, target)


# ----------------------------------------------------------------------------------------------------------------
# The rule functions against the rules written as loops.


def naive_runs(values: list[int], length: int) -> list[bool]:
    """Points of maximal runs of equal non-zero values at least `length` long."""
    out, i = [False] * len(values), 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[i]:
            j += 1
        if values[i] != 0 and j - i + 1 >= length:
            out[i : j + 1] = [True] * (j - i + 1)
        i = j + 1
    return out


def naive_trend(y: list[int], length: int) -> list[int]:
    steps = [int(np.sign(b - a)) for a, b in itertools.pairwise(y)]
    in_step_run = naive_runs(steps, length - 1)
    n = len(y)
    in_trend = [(i > 0 and in_step_run[i - 1]) or (i < n - 1 and in_step_run[i]) for i in range(n)]
    out = []
    for i in range(n):
        if not in_trend[i]:
            out.append(0)
        elif i < n - 1 and in_trend[i + 1] and steps[i] != 0:
            out.append(steps[i])
        else:
            out.append(steps[i - 1] if i > 0 else 0)
    return out


def naive_two_in_three(close: list[bool], rel: list[int]) -> list[bool]:
    out = [False] * len(close)
    for i in range(len(close) - 2):
        if sum(close[i : i + 3]) >= 2 and abs(sum(rel[i : i + 3])) == 3:
            for j in range(i, i + 3):
                out[j] = out[j] or close[j]
    return out


small_ints = st.lists(st.integers(-2, 2), max_size=40)
lengths = st.integers(2, 8)


@settings(max_examples=examples(300), deadline=None)
@given(values=small_ints, length=lengths)
def test_shift_rules_equal_loops(values, length):
    rel = [int(np.sign(v)) for v in values]
    runs = naive_runs(rel, length)
    assert shift_sides(rel, length) == [r if f else 0 for r, f in zip(rel, runs, strict=True)]
    run_so_far = [0] * len(rel)
    for i, r in enumerate(rel):
        run_so_far[i] = run_so_far[i - 1] + 1 if i and r == rel[i - 1] else 1
    expected_marks = [int(r != 0 and n >= length) for r, n in zip(rel, run_so_far, strict=True)]
    assert shift_marks(rel, length) == expected_marks


@settings(max_examples=examples(300), deadline=None)
@given(values=small_ints, length=lengths)
def test_trend_rules_equal_loops(values, length):
    y = list(np.cumsum(values)) if values else []
    assert trend_directions(y, length) == naive_trend(y, length)
    steps = [int(np.sign(b - a)) for a, b in itertools.pairwise(y)]
    run_so_far = [0] * len(steps)
    for i, s in enumerate(steps):
        run_so_far[i] = run_so_far[i - 1] + 1 if i and s == steps[i - 1] else 1
    marks = [0] + [s if s != 0 and n >= length - 1 else 0 for s, n in zip(steps, run_so_far, strict=True)]
    assert trend_marks(y, length) == (marks if y else [])


@settings(max_examples=examples(300), deadline=None)
@given(points=st.lists(st.tuples(st.booleans(), st.integers(-1, 1)), max_size=30))
def test_two_in_three_equals_loop(points):
    close = [c for c, _ in points]
    rel = [r for _, r in points]
    assert two_in_three_points(close, rel) == [int(x) for x in naive_two_in_three(close, rel)]
