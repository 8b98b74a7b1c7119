"""The special-cause rules (`outcomes.stats.spc.rules`), each written once on bitsets, called on one series and on
the kernel's batch layout (rows separated by a clear gap bit). The adapters here turn a list into a bitset and
back; test_spc.py runs PTD's and PowerBI-SPC's published rule units through them, and test_spc_paths.py holds
them to the rules written as plain loops."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.stats.spc import rules
from tests.examples import examples

# ----------------------------------------------------------------------------------------------------------------
# Adapters: one series as bitsets (bit i = point i).


def as_bits(flags) -> int:
    """Bit i set where flags[i] is truthy."""
    return sum(1 << i for i, flag in enumerate(flags) if flag)


def as_list(bits: int, n: int) -> list[int]:
    return [bits >> i & 1 for i in range(n)]


def sides(relative_to_mean) -> tuple[int, int]:
    """(above, below) from signs relative to the mean."""
    return as_bits(r > 0 for r in relative_to_mean), as_bits(r < 0 for r in relative_to_mean)


def steps(y) -> tuple[int, int]:
    """(up, down): strict steps into each point from the one before (none into the first)."""
    up = as_bits([False] + [b > a for a, b in itertools.pairwise(y)])
    down = as_bits([False] + [b < a for a, b in itertools.pairwise(y)])
    return up, down


def signed(plus: int, minus: int, n: int) -> list[int]:
    return [p - m for p, m in zip(as_list(plus, n), as_list(minus, n), strict=True)]


def shift_marks(relative_to_mean, length: int = 7) -> list[int]:
    """PTD `ptd_seven_point_one_side_mean`: 1 at the `length`-th and later points of a run on one side."""
    above, below = sides(relative_to_mean)
    return as_list(rules.run_reached(above, length) | rules.run_reached(below, length), len(relative_to_mean))


def trend_marks(y, length: int = 7) -> list[int]:
    """PTD `ptd_seven_point_trend`: +1/-1 at the last point of `length` points rising/falling strictly."""
    up, down = steps(y)
    return signed(rules.run_reached(up, length - 1), rules.run_reached(down, length - 1), len(y))


def shift_sides(relative_to_mean, length: int = 7) -> list[int]:
    """Side (+1 above, -1 below, 0 none) of every point in a run of at least `length` points on one side."""
    above, below = sides(relative_to_mean)
    shift = rules.shift_points(above, below, length)
    return signed(shift & above, shift & below, len(relative_to_mean))


def trend_directions(y, length: int = 7) -> list[int]:
    """Direction (+1, -1, 0 none) of every point of a trend of at least `length` points."""
    _, rising, falling = rules.trend_points(*steps(y), length)
    return signed(rising, falling, len(y))


def two_in_three_windows(close, relative_to_mean) -> list[int]:
    return as_list(rules.two_in_three_windows(as_bits(close), *sides(relative_to_mean)), len(close))


def two_in_three_points(close, relative_to_mean) -> list[int]:
    """PTD `ptd_part_of_two_in_three`: only the near-limit points of a qualifying window."""
    windows = rules.two_in_three_windows(as_bits(close), *sides(relative_to_mean))
    return as_list(windows & as_bits(close), len(close))


# ----------------------------------------------------------------------------------------------------------------
# The batch layout: what the rules find in each row alone, they find in the rows laid end to end with a gap bit.


def layout(rows: list[list[int]]) -> tuple[int, int]:
    """Rows of equal length m as one bitset, row r at bits r * (m + 1) .. r * (m + 1) + m - 1."""
    width = len(rows[0]) + 1
    return sum(as_bits(row) << r * width for r, row in enumerate(rows)), width


def rows_of(bits: int, k: int, width: int) -> list[list[int]]:
    return [as_list(bits >> r * width, width - 1) for r in range(k)]


rows = st.integers(1, 12).flatmap(
    lambda m: st.lists(st.lists(st.integers(-1, 1), min_size=m, max_size=m), min_size=1, max_size=6)
)


@settings(max_examples=examples(300), deadline=None)
@given(rows=rows, length=st.integers(2, 9))
def test_rules_on_a_batch_equal_the_rules_row_by_row(rows, length):
    k = len(rows)
    above, width = layout([[r > 0 for r in row] for row in rows])
    below, _ = layout([[r < 0 for r in row] for row in rows])
    close, _ = layout([[r != 0 and i % 2 == 0 for i, r in enumerate(row)] for row in rows])
    # Any disjoint pair of planes will do for the step rules, clear at each row's first point (no step into it).
    up, _ = layout([[r < 0 and i > 0 for i, r in enumerate(row)] for row in rows])
    down, _ = layout([[r > 0 and i > 0 for i, r in enumerate(row)] for row in rows])
    batch = (
        rules.shift_points(above, below, length),
        *rules.trend_points(up, down, length),
        rules.two_in_three_windows(close, above, below),
    )
    for r, row in enumerate(rows):
        a, b, c = (
            as_bits(x > 0 for x in row),
            as_bits(x < 0 for x in row),
            as_bits(row[i] != 0 and i % 2 == 0 for i in range(len(row))),
        )
        alone = (
            rules.shift_points(a, b, length),
            *rules.trend_points(b & ~1, a & ~1, length),
            rules.two_in_three_windows(c, a, b),
        )
        for got, exp in zip(batch, alone, strict=True):
            assert rows_of(got, k, width)[r] == as_list(exp, width - 1)
    for got in batch:
        for r in range(k):
            assert not got >> (r * width + width - 1) & 1, "a rule set a gap bit"
        assert got >> k * width == 0, "a rule set a bit past the last row"


def naive_reached(bits: list[int], length: int) -> list[int]:
    return [int(i + 1 >= length and all(bits[i - length + 1 : i + 1])) for i in range(len(bits))]


@settings(max_examples=examples(300), deadline=None)
@given(bits=st.lists(st.integers(0, 1), max_size=40), length=st.integers(1, 15))
def test_run_reached_and_part_of_run_equal_their_definitions(bits, length):
    """The doubling steps give what the definitions say, for every length (not only 7)."""
    n = len(bits)
    reached = naive_reached(bits, length)
    assert as_list(rules.run_reached(as_bits(bits), length), n) == reached
    part = [int(any(bits[i : i + length])) for i in range(n)]
    assert as_list(rules.part_of_run(as_bits(bits), length), n) == part
    runs = [int(any(reached[j] for j in range(i, min(n, i + length)))) for i in range(n)]
    assert as_list(rules.long_runs(as_bits(bits), length), n) == runs


def test_precedence_and_direction():
    # Point 0: outside and trend -> outside (code 1), side of the mean. Point 1: trend and shift -> trend (2), the
    # trend's direction. Point 2: two-in-three and shift -> two-in-three (3). Point 3: shift only (4). Point 4: none.
    outside, trend, two_in_three, shift = (
        as_bits([1, 0, 0, 0, 0]),
        as_bits([1, 1, 0, 0, 0]),
        as_bits([0, 0, 1, 0, 0]),
        as_bits([0, 1, 1, 1, 0]),
    )
    above, below, rising, falling = as_bits([0, 1, 1, 1, 1]), as_bits([1, 0, 0, 0, 0]), 0, as_bits([1, 1, 0, 0, 0])
    planes = rules.precedence(outside, trend, two_in_three, shift, above, below, rising, falling)
    special, up, down = planes[0], planes[4], planes[5]
    codes = [sum(as_list(p, 5)[i] for p in planes[:4]) for i in range(5)]
    assert codes == [rules.RULE_OUTSIDE, rules.RULE_TREND, rules.RULE_TWO_IN_THREE, rules.RULE_SHIFT, rules.RULE_NONE]
    assert as_list(special, 5) == [1, 1, 1, 1, 0]
    assert signed(up, down, 5) == [-1, -1, 1, 1, 0]  # point 1 falls with its trend although it is above the mean


def test_spc_package_imports_no_django():
    """The statistics engine stays pure (test_package.py checks outcomes/stats/*.py; this covers the package)."""
    for module in (Path(rules.__file__).parent).glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "django" or n.startswith("django.") for n in names), module.name


def test_modules_stay_small():
    for module in (Path(rules.__file__).parent).glob("*.py"):
        assert len(module.read_text().splitlines()) <= 500, module.name


def test_steps_adapter():
    assert steps([1, 2, 2, 1]) == (0b0010, 0b1000)
    assert np.array_equal(trend_marks([1, 2, 3]), [0, 0, 0])
