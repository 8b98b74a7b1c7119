"""The XmR kernel: limits and rules for a batch of equal-length series (one group per row), all with the same options.

`kernel` serves `spc_many` (the whole matrix) and `spc` with rebasing or a fixed baseline (one row per group). Its
floating-point part (means, moving ranges, AMR, the five lines, each point's comparisons with them) is numpy over
the 2-D array. `apply_rules` then packs the comparisons into bitsets, one Python int per kind of flag with a clear
gap bit after every row, runs the rules (`rules.py`) on them and unpacks their answers into per-point arrays. On
one series of 60 points a numpy call costs about a microsecond whatever it computes, so the rules, some fifty numpy
calls when written on arrays, cost a few microseconds as integer operations; on 10,000 series a few milliseconds.

`single` is the usual chart (`spc` on one group, whole series as baseline) with the floating-point part as Python
floats, which saves a dozen numpy calls per series; it hands its comparisons to the same `apply_rules`.
"""

from __future__ import annotations

import math

import numpy as np

from . import rules

LIMIT_FACTOR = 2.66
NEAR_FACTOR = 2 * (LIMIT_FACTOR / 3)
SCREEN_FACTOR = 3.267

# The five lines of a chart in the order the kernel keeps them: offsets from the mean in units of AMR (the mean's
# own row is set apart: 0 x a NaN AMR would be NaN).
LINES = ("lpl", "near_lpl", "mean", "upl", "near_upl")
_LINE_FACTORS = np.array([[-LIMIT_FACTOR], [-NEAR_FACTOR], [0.0], [LIMIT_FACTOR], [NEAR_FACTOR]])
_F_LPL, _F_NEAR_LPL, _, _F_UPL, _F_NEAR_UPL = _LINE_FACTORS[:, 0].tolist()  # as Python floats, for `single`
_SAFE_MAGNITUDE = 1e300  # below this (|mean|, sum of moving ranges) no step of `single` can overflow

# Comparison planes packed for the rules: y < (lpl, near_lpl, mean), y > (mean, upl, near_upl), step into the point
# up, down. The first six follow LINES as `y < lines[:3]` and `y > lines[2:]`.
_BELOW_LPL, _BELOW_NEAR, _BELOW, _ABOVE, _ABOVE_UPL, _ABOVE_NEAR, _UP, _DOWN = range(8)
_OUT_PLANES = 13  # the rules' answers, as `apply_rules` unpacks them


def frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class Core:
    """The kernel's output for k rows of m points: `mean`, `amr` (k,) and `lines` (5, k, named by LINES), and
    read-only per-point arrays: `moving_range` (k, m), `flags` (6, k, m) bool named by FLAGS, and
    `relative_to_mean`, `direction` and `rule` (RULE_*) (k, m) int8."""

    __slots__ = ("amr", "direction", "flags", "lines", "mean", "moving_range", "relative_to_mean", "rule")
    FLAGS = ("outside_limits", "close_to_limits", "shift", "trend", "two_in_three", "special_cause_flag")

    def __init__(self, mean, amr, lines, moving_range, flags, codes) -> None:
        self.mean, self.amr, self.lines, self.moving_range, self.flags = mean, amr, lines, moving_range, flags
        self.relative_to_mean, self.direction, self.rule = codes


def kernel(
    y: np.ndarray,
    *,
    baseline_n: int | None,
    screen_outliers: bool,
    two_in_three_rule: str,
    shift_length: int,
    trend_length: int,
) -> Core:
    """XmR chart of each row of the 2-D `y`, its limits from the first `baseline_n` points (None: all)."""
    k, m = y.shape
    b = m if baseline_n is None else min(baseline_n, m)
    mean = np.add.reduce(y[:, :b], axis=1) / b
    moving_range = np.empty((k, m))
    moving_range[:, 0] = np.nan
    dy = moving_range[:, 1:]
    np.subtract(y[:, 1:], y[:, :-1], out=dy)

    # Bit layout: row r, point i at bit r * (m + 1) + i of each plane; bit r * (m + 1) + m is the gap.
    width = m + 1
    cmp = np.zeros((8, k, width), dtype=bool)
    np.greater(dy, 0.0, out=cmp[_UP, :, 1:m])
    np.less(dy, 0.0, out=cmp[_DOWN, :, 1:m])
    np.abs(dy, out=dy)
    amr = average_moving_range(moving_range[:, 1:b], screen_outliers)

    # mean + f * amr is exactly mean - |f| * amr for negative f. Each point is compared once with the lower three
    # lines and once with the upper three (NaN lines compare false).
    lines = mean + _LINE_FACTORS * amr
    lines[2] = mean
    np.less(y, lines[:3, :, None], out=cmp[:3, :, :m])
    np.greater(y, lines[2:, :, None], out=cmp[3:6, :, :m])
    flags, plane_codes = apply_rules(cmp, two_in_three_rule, shift_length, trend_length)
    flags = flags.reshape(6, k, width)[..., :m]  # without the gaps
    codes = [code.reshape(k, width)[:, :m] for code in plane_codes]
    return Core(mean, amr, lines, frozen(moving_range), flags, codes)


def single(
    y: np.ndarray,
    total: float,
    screen_outliers: bool,
    two_in_three_rule: str,
    shift_length: int,
    trend_length: int,
) -> tuple[list[float], float, np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]] | None:
    """`kernel` for one series of n >= 2 points with the whole series as baseline: (lines, amr, limits,
    moving_range, flags, codes), where `lines` are Python floats in the order of LINES and `limits` their (5, n)
    per-point array; `flags` (6, n) and `codes` (three (n,) arrays) are `apply_rules`'s for one row. `total` is
    np.add.reduce(y).

    On one series a numpy call costs as much as on a thousand, so the mean, AMR and lines are Python floats here;
    they are made with the kernel's operations in the kernel's order, so they are its numbers bit for bit
    (tests/unit/outcomes/stats/test_spc_fast.py). Returns None, and the caller runs the kernel (which warns as
    usual), when values are so large that some step could overflow."""
    n = y.size
    moving_range = np.empty(n)
    dy = moving_range[1:]
    cmp = np.zeros((8, n), bool)  # the kernel's planes for one row: no other row, so no gap
    mean = total / n
    with np.errstate(all="ignore"):
        np.subtract(y[1:], y[:-1], dy)
        np.greater(dy, 0.0, cmp[_UP, 1:n])
        np.less(dy, 0.0, cmp[_DOWN, 1:n])
        np.abs(dy, dy)
        mr_total = float(np.add.reduce(dy))
    if not (abs(mean) < _SAFE_MAGNITUDE and mr_total < _SAFE_MAGNITUDE):
        return None
    moving_range[0] = np.nan
    amr = mr_total / (n - 1)  # `average_moving_range`, scalar
    if screen_outliers:
        cut = SCREEN_FACTOR * amr
        if np.maximum.reduce(dy) >= cut:
            keep = dy < cut
            count = int(np.count_nonzero(keep))
            amr = float(np.add.reduce(np.where(keep, dy, 0.0))) / count if count else math.nan
    lines = [mean + _F_LPL * amr, mean + _F_NEAR_LPL * amr, mean, mean + _F_UPL * amr, mean + _F_NEAR_UPL * amr]
    limits = np.array(lines).repeat(n).reshape(5, n)
    np.less(y, limits[:3], cmp[:3])
    np.greater(y, limits[2:], cmp[3:6])
    moving_range.setflags(write=False)
    return (lines, amr, limits, moving_range, *apply_rules(cmp, two_in_three_rule, shift_length, trend_length))


def apply_rules(
    cmp: np.ndarray, two_in_three_rule: str, shift_length: int, trend_length: int
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The rules on the comparison planes `cmp`: C-contiguous, 8 planes (in the order of _BELOW_LPL.._DOWN) of
    `size` points each, in which consecutive series are separated by a clear (gap) point. Returns, read-only and
    in the same layout: `flags` (6, size) bool in the order of Core.FLAGS, and `codes`, three (size,) int8
    arrays: relative_to_mean, direction, rule."""
    size = cmp.size // 8
    mask = (1 << size) - 1
    packed = int.from_bytes(np.packbits(cmp, None, "little").tobytes(), "little")  # positional: parsed faster
    below_lpl, below_near, below = packed & mask, packed >> size & mask, packed >> 2 * size & mask
    above, above_upl, above_near = packed >> 3 * size & mask, packed >> 4 * size & mask, packed >> 5 * size & mask
    up, down = packed >> 6 * size & mask, packed >> 7 * size

    outside = below_lpl | above_upl
    close = below_near | above_near
    if two_in_three_rule == "ptd":
        close ^= outside  # beyond a near line but not a limit (outside implies close)
    shift = rules.shift_points(above, below, shift_length)
    trend, rising, falling = rules.trend_points(up, down, trend_length)
    two_in_three = rules.two_in_three_windows(close, above, below) & close
    special, beyond_outside, beyond_trend, by_shift, direction_up, direction_down = rules.precedence(
        outside, trend, two_in_three, shift, above, below, rising, falling
    )

    # Back to one byte per point, 13 planes of `size` bits from the word's lowest: FLAGS (special cause last)
    # and the next three planes of `precedence` (the rule code is the sum of those four); above, direction up,
    # below, direction down (whose differences are relative_to_mean and direction).
    word = (
        outside
        | close << size
        | shift << 2 * size
        | trend << 3 * size
        | two_in_three << 4 * size
        | special << 5 * size
        | beyond_outside << 6 * size
        | beyond_trend << 7 * size
        | by_shift << 8 * size
        | above << 9 * size
        | direction_up << 10 * size
        | below << 11 * size
        | direction_down << 12 * size
    )
    nbytes = -(-_OUT_PLANES * size // 8)
    word_bytes = np.frombuffer(word.to_bytes(nbytes, "little"), np.uint8)
    bits = np.unpackbits(word_bytes, None, _OUT_PLANES * size, "little").reshape(_OUT_PLANES, size)
    signs = np.subtract(bits[9:11], bits[11:13]).view(np.int8)  # 0 - 1 wraps to 255, which is -1 as int8
    rule = np.add.reduce(bits[5:9], 0, np.uint8).view(np.int8)  # uint8: reduce would widen by default
    bits.setflags(write=False)
    signs.setflags(write=False)
    rule.setflags(write=False)
    return bits[:6].view(bool), (signs[0], signs[1], rule)


def average_moving_range(mr: np.ndarray, screen_outliers: bool) -> np.ndarray:
    """Mean moving range per row; with screening, the mean of those below 3.267 x the first mean (one pass)."""
    k, n = mr.shape
    if n == 0:
        return np.full(k, np.nan)
    amr = np.add.reduce(mr, axis=1) / n
    if not screen_outliers:
        return amr
    keep = mr < SCREEN_FACTOR * amr[:, None]
    if np.count_nonzero(keep) == keep.size:
        return amr  # nothing screened out: the same sum over the same values
    count = np.count_nonzero(keep, axis=1)
    total = np.add.reduce(np.where(keep, mr, 0.0), axis=1)
    if count.all():
        return total / count
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)  # none left: a constant baseline
