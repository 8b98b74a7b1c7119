"""NHS England "Making Data Count" XmR statistical process control, as NHSRplotthedots (PTD) computes it.

Pure numpy. Every rule is evaluated on 2-D arrays (series x points) so that one batch call (`spc_many`) and the
single-series call (`spc`, one call per rebase group) share the same kernel. Semantics: `docs/statistics.md`
Part A; reference values: `tests/data/reference-vectors/spc.json`.

Two paths. On one 60-point series a numpy call costs about a microsecond whatever it computes, and the kernel
makes some fifty of them, so `spc` takes a fast path (`_spc_fast`) for the usual chart: one group (no
`rebase_at`), no `fix_after_n_points`, at least two points and values small enough (|mean|, sum of moving ranges
< 1e300) that nothing can overflow. It makes the floating-point part with the kernel's own operations in the same
order (`np.add.reduce` sums, the same products and sums for the lines, an equivalent screening test), so means, AMR
and limits are bit for bit the kernel's; the comparisons with the lines are the kernel's too, packed into Python
integers used as bitsets (bit i = point i). The run rules, two-in-three, precedence and directions are then a
few dozen integer operations (`_bit_runs` is `_in_long_runs` on a bitset), and the per-point arrays are rebuilt
from the bits in one pass. Everything else (labels, point types, icons, assurance, warnings, the lazily built
string arrays, `SPCResult` itself) is shared code and shared tables. The general kernel stays the reference: it
serves `spc_many`, rebasing, fixed baselines and the rare fallbacks, and tests/unit/outcomes/stats/
test_spc_fast.py holds the two paths identical (dtypes, read-only flags, bytes of every array, groups, icons,
warnings) on random series of 0..120 points under every option the fast path takes, on long series, on extreme
values and on every reference vector. Change a rule in both places or switch the fast path off (`_USE_FAST_PATH`).

Choices where the references disagree (STATISTICS.md Part C), defaults following PTD:

* Moving-range screening (`screen_outliers`, default True as PTD and PowerBI-SPC): moving ranges >= 3.267 x AMR
  are dropped once and AMR recomputed. False reproduces the MDC Excel tool. If screening leaves no moving range
  (a constant baseline) AMR is NaN and so are the limits, as in PTD.
* Two-in-three (`two_in_three_rule`): "ptd" (default) counts only points strictly between the 2-sigma and
  3-sigma lines; "mdc2023" counts every point beyond 2 sigma, 3-sigma points included (MDC tools since Nov 2023,
  PTD issue #194). Both need all three window points strictly on one side of the mean and flag only the window's
  near-limit points. PowerBI-SPC's variant without the same-side check is not offered.
* Run lengths: `shift_length` and `trend_length` default to 7 (PTD, MDC); 6 is what the MDC Excel tool reportedly
  offers (PTD issue #202). Any length >= 2 is accepted so PowerBI-SPC's trend 5 can be reproduced. A point exactly
  on the mean breaks a shift (PTD; not nhspy-plotthedots), and a tie breaks a trend (PTD, PowerBI-SPC).
* Limits use 2.66 x AMR and near lines (2/3) x 2.66 x AMR (PTD, MDC), not PowerBI-SPC's 3/1.128 x AMR.
* Conflicts between rules on one point are settled by PTD precedence: outside limits > trend > two-in-three >
  shift. The MDC single-chart tool's "prefer improvement" rule is not used.
* Trend direction follows PTD (sign to the next point when the next point is also in a trend, else sign from the
  previous point), except where the next difference is a tie: PTD's code then labels the point "Decreasing"
  whatever its run; we take the previous difference, which is the direction of the run the point ends.
* Too few points: limits and icons are always computed (PTD), with a warning for any group below 13 points (the
  MDC "13 points" rule; PTD's threshold is 13 although its message says 12). `fix_after_n_points` accepts N >= 2
  (nhspy-plotthedots; PTD insists on N >= 12) and warns below 12; N beyond a group's length uses the whole group.
* Assurance uses the last group's limits and strict comparisons (PTD, PowerBI-SPC). When those limits are NaN we
  give no assurance (PTD would fall through to "inconsistent").
* Rebasing takes 0-based indices of the first point of each new group (PTD takes dates). An index outside the
  series is refused rather than ignored: the caller maps dates to indices and a miss there is a bug.
* Non-finite values are refused: PTD would silently drop them from the mean and moving ranges.
* Point types use the project's four strings; PTD's "special_cause_neutral_high/_low" is `point_type ==
  "special_cause_neutral"` with `direction` +1/-1. The variation icon keeps PTD's neutral_high/neutral_low names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

import numpy as np

Improvement = Literal["increase", "decrease", "neutral"]
TwoInThreeRule = Literal["ptd", "mdc2023"]

LIMIT_FACTOR = 2.66
NEAR_FACTOR = 2 * (LIMIT_FACTOR / 3)
SCREEN_FACTOR = 3.267
MIN_POINTS = 13
MIN_FIXED_POINTS = 12

# Rule codes after precedence; index into the label table.
RULE_NONE, RULE_OUTSIDE, RULE_TREND, RULE_TWO_IN_THREE, RULE_SHIFT = range(5)

POINT_TYPES = ("common_cause", "special_cause_improvement", "special_cause_concern", "special_cause_neutral")
_PT_COMMON, _PT_IMPROVEMENT, _PT_CONCERN, _PT_NEUTRAL = range(4)

_IMPROVEMENT_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}
_ASSURANCE_ICON = {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "inconsistent"}


# --------------------------------------------------------------------------------------------------------------
# Rule functions. Each works along the last axis; a 2-D array is a batch of series, and the kernel stacks the
# shift and trend inputs as two planes of one 3-D array so that a single pass finds both kinds of run.
#
# For a single series of 60 points the cost is the number of numpy calls, not their length, so the rules are
# written with few calls: runs are read off their boundaries, and the rarer rules return early when a cheap
# count shows that nothing can qualify.


def _as_2d(a: np.ndarray) -> np.ndarray:
    return a.reshape(1, -1) if a.ndim == 1 else a


@lru_cache(maxsize=64)
def _positions(n: int) -> np.ndarray:
    """0..n-1, shared and read-only."""
    return _frozen(np.arange(n))


def _run_starts(v: np.ndarray) -> np.ndarray:
    """Index (along the last axis) of the first element of the run of equal values holding each element."""
    n = v.shape[-1]
    out = np.zeros(v.shape, dtype=np.intp)
    if n > 1:
        np.copyto(out[..., 1:], _positions(n)[1:], where=v[..., 1:] != v[..., :-1])
        np.maximum.accumulate(out, axis=-1, out=out)
    return out


_EXPAND_BY_REPEAT = 4096  # up to this many elements, one `repeat` call beats marking the long runs' ends


def _in_long_runs(v: np.ndarray, min_length) -> np.ndarray:
    """True at every element of a run of at least `min_length` equal non-zero values along the last axis of the
    C-contiguous `v`. `min_length` is a number, or one number per plane of v (its first axis).

    Runs are read off the flattened array, with a forced boundary at the start of every series: a few calls on
    the run boundaries, however many series there are."""
    m, flat = v.shape[-1], v.reshape(-1)
    n = flat.size
    if n == 0:
        return np.zeros(v.shape, dtype=bool)
    new_run = np.empty(n + 1, dtype=bool)
    np.not_equal(flat[1:], flat[:-1], out=new_run[1:n])
    new_run[::m] = True  # each series starts a run; index n closes the last one
    bounds = new_run.nonzero()[0]
    first, end = bounds[:-1], bounds[1:]
    length = end - first
    if np.ndim(min_length):  # runs never cross planes: each plane's runs are a contiguous stretch of `first`
        long, lo, plane = np.empty(first.size, dtype=bool), 0, n // len(min_length)
        for p, least in enumerate(min_length, start=1):
            hi = int(first.searchsorted(p * plane))
            np.greater_equal(length[lo:hi], least, out=long[lo:hi])
            lo = hi
    else:
        long = length >= min_length
    long &= flat.take(first) != 0
    if n <= _EXPAND_BY_REPEAT:
        return long.repeat(length).reshape(v.shape)
    # Many runs: +1 where a long run starts and -1 where it ends, then a running sum.
    inside = np.zeros(n + 1, dtype=np.int8)
    inside[end[long]] = -1
    inside[first[long]] += 1  # a long run may start where another ends
    return np.cumsum(inside[:n], dtype=np.int8).view(bool).reshape(v.shape)


def _steps_to_points(in_step_run: np.ndarray) -> np.ndarray:
    """In place: from flags on the steps into each point (see `_steps`) to flags on the points at either end of
    a flagged step."""
    np.logical_or(in_step_run[..., :-1], in_step_run[..., 1:], out=in_step_run[..., :-1])
    return in_step_run


def _part_of_run(marked: np.ndarray, length: int) -> np.ndarray:
    k, m = marked.shape
    csum = np.zeros((k, m + 1), dtype=np.int32)
    np.cumsum(marked, axis=1, out=csum[:, 1:])
    ends = np.minimum(np.arange(m) + length, m)
    return csum[:, ends] > csum[:, :m]


def _trend_direction(step: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """PTD: the sign to the next point when that point is also in a trend, else the sign from the previous point
    (see the module docstring for ties). `step` is the sign of the step into each point (see `_steps`)."""
    k, m = in_trend.shape
    to_next = np.zeros((k, m), dtype=np.int8)
    to_next[:, :-1] = step[:, 1:]
    use_next = np.zeros((k, m), dtype=bool)
    np.logical_and(in_trend[:, 1:], to_next[:, :-1] != 0, out=use_next[:, :-1])
    return np.where(in_trend, np.where(use_next, to_next, step), 0).astype(np.int8)


def _two_in_three_windows(close: np.ndarray, rel: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    k, m = close.shape
    if out is None:
        out = np.empty((k, m), dtype=bool)
    out[...] = False
    if m < 3 or np.count_nonzero(close) < 2:
        return out
    c = close.view(np.int8)
    window = c[:, :-2] + c[:, 1:-1] + c[:, 2:] >= 2
    if not np.count_nonzero(window):
        return out
    window &= np.abs(rel[:, :-2] + rel[:, 1:-1] + rel[:, 2:]) == 3
    out[:, :-2] = window
    out[:, 1:-1] |= window
    out[:, 2:] |= window
    return out


def _signs(a) -> np.ndarray:
    return _as_2d(np.sign(np.asarray(a, dtype=float)).astype(np.int8))


def _steps(dy: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Sign of the step into each point from the previous one (0 at the first point), from the differences
    `dy` (k x (m-1)); a point's trend depends on the steps into it and out of it."""
    k, m1 = dy.shape
    if out is None:
        out = np.empty((k, m1 + 1), dtype=np.int8)
    out[:, 0] = 0
    out[:, 1:] = np.sign(dy)
    return out


def _y_steps(y) -> np.ndarray:
    y2 = _as_2d(np.asarray(y, dtype=float))
    return _steps(y2[:, 1:] - y2[:, :-1])


def shift_marks(relative_to_mean, length: int = 7) -> np.ndarray:
    """1 at the `length`-th and later points of a run strictly on one side of the mean (PTD
    `ptd_seven_point_one_side_mean`); a point on the mean (0) breaks the run."""
    rel = _signs(relative_to_mean)
    marks = (_positions(rel.shape[-1]) - _run_starts(rel) >= length - 1) & (rel != 0)
    return marks.astype(np.int8).reshape(np.shape(relative_to_mean))


def part_of_run(marks, length: int = 7) -> np.ndarray:
    """True where this point or one of the next `length - 1` is marked (PTD `ptd_part_of_seven_trend`): every point
    of a qualifying run, given marks at the points where the run has reached `length`."""
    shape = np.shape(marks)
    return _part_of_run(_as_2d(np.asarray(marks) != 0), length).reshape(shape)


def trend_marks(y, length: int = 7) -> np.ndarray:
    """+1/-1 at the last point of `length` consecutive points whose `length - 1` differences all have the same
    strict sign (PTD `ptd_seven_point_trend`); a tie breaks the trend."""
    if np.size(y) == 0:
        return np.zeros(np.shape(y), dtype=np.int8)
    step = _y_steps(y)
    reached = (_positions(step.shape[-1]) - _run_starts(step) >= length - 2) & (step != 0)
    return np.where(reached, step, 0).astype(np.int8).reshape(np.shape(y))


def trend_flags(y, length: int = 7) -> np.ndarray:
    """Direction (+1 increasing, -1 decreasing, 0 none) of every point belonging to a trend of `length` points."""
    if np.size(y) == 0:
        return np.zeros(np.shape(y), dtype=np.int8)
    step = _y_steps(y)
    in_trend = _steps_to_points(_in_long_runs(step, length - 1))
    return _trend_direction(step, in_trend).reshape(np.shape(y))


def shift_flags(relative_to_mean, length: int = 7) -> np.ndarray:
    """Side (+1 above, -1 below, 0 none) of every point in a run of at least `length` points on one side."""
    rel = _signs(relative_to_mean)
    return np.where(_in_long_runs(rel, length), rel, 0).astype(np.int8).reshape(np.shape(relative_to_mean))


def two_in_three_windows(close_to_limits, relative_to_mean) -> np.ndarray:
    """True for every point of a 3-point window with >= 2 near-limit points, all 3 strictly on one side of the
    mean (PTD `ptd_two_in_three`)."""
    close = _as_2d(np.asarray(close_to_limits) != 0)
    return _two_in_three_windows(close, _signs(relative_to_mean)).reshape(np.shape(close_to_limits))


def two_in_three_points(close_to_limits, relative_to_mean) -> np.ndarray:
    """The near-limit points of qualifying two-in-three windows (PTD `ptd_part_of_two_in_three`): only these are
    special cause."""
    close = np.asarray(close_to_limits) != 0
    return two_in_three_windows(close, relative_to_mean) & close


# --------------------------------------------------------------------------------------------------------------
# Icons.


def assurance_type(lpl: float, upl: float, target: float | None, improvement: Improvement) -> str | None:
    """Assurance of meeting `target` given one set of limits (PTD `ptd_calculate_assurance_type`).

    Returns "consistent_pass", "consistent_fail" or "inconsistent" (a target on or between the limits is hit and
    miss); None without a target, for a neutral direction or for undefined (NaN) limits.
    """
    code = _assurance_codes(np.array([lpl], dtype=float), np.array([upl], dtype=float), target, improvement)
    return _ASSURANCE_NAMES[code[0]]


_ASSURANCE_NAMES = (None, "consistent_pass", "consistent_fail", "inconsistent")


def _assurance_codes(lpl: np.ndarray, upl: np.ndarray, target, improvement: str) -> np.ndarray:
    sign = _IMPROVEMENT_SIGN[improvement]
    if target is None or sign == 0:
        return np.zeros(lpl.shape, dtype=np.int8)
    t = np.broadcast_to(np.asarray(target, dtype=float), lpl.shape)
    above, below = t > upl, t < lpl
    pass_code, fail_code = (1, 2) if sign > 0 else (2, 1)
    codes = np.where(above, fail_code, np.where(below, pass_code, 3)).astype(np.int8)
    undefined = np.isnan(lpl) | np.isnan(upl) | np.isnan(t)
    return np.where(undefined, 0, codes).astype(np.int8)


def _assurance_name(lpl: float, upl: float, target: float | None, improvement: str) -> str | None:
    """`assurance_type` for the Python floats `spc` has in hand, without building arrays (tests hold the two
    equal)."""
    sign = _IMPROVEMENT_SIGN[improvement]
    if target is None or sign == 0 or math.isnan(lpl) or math.isnan(upl) or math.isnan(target):
        return None
    if target > upl:
        return "consistent_fail" if sign > 0 else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if sign > 0 else "consistent_fail"
    return "inconsistent"


def variation_icon(point_type: str, improvement: Improvement, direction: int = 0) -> str | None:
    """Variation icon name (spc.json `icon_mapping`) for the point type of a chart's last point."""
    if point_type == "common_cause":
        return "common_cause"
    if point_type == "special_cause_neutral":
        return "neutral_high" if direction > 0 else "neutral_low"
    high = (point_type == "special_cause_improvement") == (improvement == "increase")
    return f"{'improvement' if point_type == 'special_cause_improvement' else 'concern'}_{'high' if high else 'low'}"


@lru_cache(maxsize=16)
def special_cause_labels(shift_length: int = 7, trend_length: int = 7) -> tuple[tuple[str, str, str], ...]:
    """PTD labels by rule code: (below/decreasing, none, above/increasing) for each code."""
    return (
        ("Common Cause", "Common Cause", "Common Cause"),
        ("Below LCL", "Common Cause", "Above UCL"),
        (f"{trend_length} Point Trend (Decreasing)", "Common Cause", f"{trend_length} Point Trend (Increasing)"),
        ("2 in 3 Below CL", "Common Cause", "2 in 3 Above CL"),
        (f"{shift_length} Points Below CL", "Common Cause", f"{shift_length} Points Above CL"),
    )


@lru_cache(maxsize=16)
def _label_table(shift_length: int, trend_length: int) -> np.ndarray:
    return np.array(special_cause_labels(shift_length, trend_length))


_POINT_TYPE_ARRAY = np.array(POINT_TYPES)


# --------------------------------------------------------------------------------------------------------------
# The kernel: one group per row, all rows the same length and options.

# The five lines of a chart in the order the kernel keeps them: offsets from the mean in units of AMR (the mean's
# own row is set apart: 0 x a NaN AMR would be NaN).
LINES = ("lpl", "near_lpl", "mean", "upl", "near_upl")
_LINE_FACTORS = np.array([[-LIMIT_FACTOR], [-NEAR_FACTOR], [0.0], [LIMIT_FACTOR], [NEAR_FACTOR]])
_F_LPL, _F_NEAR_LPL, _F_UPL, _F_NEAR_UPL = _LINE_FACTORS[[0, 1, 3, 4], 0].tolist()  # for the fast path

# Point type code by direction (index -1 is the last entry), for each improvement direction.
_POINT_TYPE_BY_DIRECTION = {
    "increase": np.array([_PT_COMMON, _PT_IMPROVEMENT, _PT_CONCERN], dtype=np.int8),
    "decrease": np.array([_PT_COMMON, _PT_CONCERN, _PT_IMPROVEMENT], dtype=np.int8),
    "neutral": np.array([_PT_COMMON, _PT_NEUTRAL, _PT_NEUTRAL], dtype=np.int8),
}


# The same table as names, for the fast path's last point (a Python int direction).
_POINT_TYPE_NAMES_BY_DIRECTION = {
    improvement: tuple(POINT_TYPES[c] for c in codes.tolist())
    for improvement, codes in _POINT_TYPE_BY_DIRECTION.items()
}


def _point_type_codes(direction: np.ndarray, improvement: str) -> np.ndarray:
    """Index into POINT_TYPES: special cause oriented by the improvement direction (neutral: any direction)."""
    return _POINT_TYPE_BY_DIRECTION[improvement][direction]


@lru_cache(maxsize=16)
def _run_lengths(shift_length: int, trend_length: int) -> np.ndarray:
    """Minimum run per plane of the kernel's run input: points on one side of the mean, steps of one sign."""
    return _frozen(np.array([shift_length, trend_length - 1]))


class _Core:
    """The kernel's output. Per-point results live in two blocks (one allocation each, frozen as a whole), named
    by FLAGS and CODES; `lines` holds the five lines of each row, named by LINES."""

    __slots__ = ("amr", "codes", "flags", "lines", "mean", "moving_range")
    FLAGS = ("outside_limits", "close_to_limits", "shift", "trend", "two_in_three")  # (5, k, m) bool
    CODES = ("relative_to_mean", "step", "rule", "direction")  # (4, k, m) int8; step: sign of the step in

    def __init__(self, mean, amr, lines, moving_range, flags, codes) -> None:
        self.mean, self.amr, self.lines = mean, amr, lines
        self.moving_range, self.flags, self.codes = moving_range, flags, codes

    def freeze(self, per_point_only: bool = False) -> _Core:
        """Make the arrays read-only: all of them, or only the per-point ones (what `spc` hands out)."""
        for a in (
            self.moving_range,
            self.flags,
            self.codes,
            *(() if per_point_only else (self.mean, self.amr, self.lines)),
        ):
            _frozen(a)
        return self


def _kernel(
    y: np.ndarray,
    *,
    baseline_n: int | None,
    screen_outliers: bool,
    two_in_three_rule: str,
    shift_length: int,
    trend_length: int,
) -> _Core:
    k, m = y.shape
    b = m if baseline_n is None else min(baseline_n, m)
    mean = np.add.reduce(y[:, :b], axis=1) / b
    dy = y[:, 1:] - y[:, :-1]
    moving_range = np.empty((k, m))
    moving_range[:, 0] = np.nan
    np.abs(dy, out=moving_range[:, 1:])
    amr = _average_moving_range(moving_range[:, 1:b], screen_outliers)

    # mean + f * amr is exactly mean - |f| * amr for negative f. Each point is compared once with the lower
    # three lines and once with the upper three (NaN lines compare false).
    lines = mean + _LINE_FACTORS * amr
    lines[2] = mean
    below, above = y < lines[:3, :, None], y > lines[2:, :, None]

    flags = np.empty((5, k, m), dtype=bool)
    outside, close, shift, trend, two_in_three = flags
    codes = np.empty((4, k, m), dtype=np.int8)
    rel, step, rule, direction = codes
    np.logical_or(below[:2], above[1:], out=flags[:2])
    if two_in_three_rule == "ptd":
        np.logical_xor(close, outside, out=close)  # beyond a near line but not a limit (outside implies close)
    np.subtract(above[0].view(np.int8), below[2].view(np.int8), out=rel)  # sign(y - mean)
    _steps(dy, out=step)

    # Runs on one side of the mean (plane 0) and of steps of one sign (plane 1) in one pass.
    flags[2:4] = _in_long_runs(codes[:2], _run_lengths(shift_length, trend_length))
    _steps_to_points(trend)
    _two_in_three_windows(close, rel, out=two_in_three)
    two_in_three &= close

    # Precedence: outside limits > trend > two-in-three > shift; each rule's points take the side of the mean,
    # except trend points, which take the trend's direction.
    codes[2:] = RULE_NONE
    any_rule = any_trend = False
    for flag, code in (
        (shift, RULE_SHIFT),
        (two_in_three, RULE_TWO_IN_THREE),
        (trend, RULE_TREND),
        (outside, RULE_OUTSIDE),
    ):
        if np.count_nonzero(flag):
            np.copyto(rule, code, where=flag)
            any_rule, any_trend = True, any_trend or code == RULE_TREND
    if any_rule:
        np.multiply(rel, (rule != RULE_NONE).view(np.int8), out=direction)
    if any_trend:
        np.copyto(direction, _trend_direction(step, trend), where=rule == RULE_TREND)
    return _Core(mean, amr, lines, moving_range, flags, codes)


def _average_moving_range(mr: np.ndarray, screen_outliers: bool) -> np.ndarray:
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
    count = keep.sum(axis=1)
    total = np.where(keep, mr, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


# --------------------------------------------------------------------------------------------------------------
# Public results.


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def _new(cls, **fields):
    """An instance of a frozen dataclass with `fields` set directly: what its generated __init__ does one
    `object.__setattr__` at a time, and a result has some thirty of them. Entries for cached properties may be
    given too (they are then never recomputed)."""
    obj = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


@dataclass(frozen=True)
class SPCGroup:
    """Limits of one rebase group (a "recalculation period"): constant over its points."""

    first_index: int
    n: int
    baseline_n: int
    mean: float
    amr: float
    lpl: float
    upl: float
    near_lpl: float
    near_upl: float


@dataclass(frozen=True, eq=False)
class SPCResult:
    """XmR chart of one series. Per-point arrays are read-only and span the whole series.

    `outside_limits`, `trend`, `two_in_three` and `shift` are each rule's own flags; `special_cause_type`,
    `direction` and `point_type` apply the precedence (outside > trend > two-in-three > shift). The two string
    arrays, `special_cause_type` and `point_type`, are built from small-integer codes on first use and then kept.
    """

    values: np.ndarray
    improvement: Improvement
    target: float | None
    group_index: np.ndarray
    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    near_lpl: np.ndarray
    near_upl: np.ndarray
    moving_range: np.ndarray
    relative_to_mean: np.ndarray
    outside_limits: np.ndarray
    close_to_limits: np.ndarray
    shift: np.ndarray
    trend: np.ndarray
    two_in_three: np.ndarray
    direction: np.ndarray
    special_cause_flag: np.ndarray
    groups: tuple[SPCGroup, ...]
    variation_type: str | None
    variation_icon: str | None
    assurance_type: str | None
    assurance_icon: str | None
    warnings: tuple[str, ...]
    _rule: np.ndarray = field(repr=False)  # rule code after precedence (RULE_*)
    _labels: np.ndarray = field(repr=False)  # `_label_table` for the run lengths used

    @cached_property
    def special_cause_type(self) -> np.ndarray:
        return _frozen(self._labels[self._rule, self.direction + 1])

    @cached_property
    def point_type(self) -> np.ndarray:
        return _frozen(_POINT_TYPE_ARRAY[_point_type_codes(self.direction, self.improvement)])


@dataclass(frozen=True, eq=False)
class SPCBatchResult:
    """XmR charts of many equal-length series (rows), one group each; arrays are read-only. Limits are per row;
    labels are small-integer codes (`rule`, `point_type_code`) with string views built on demand."""

    values: np.ndarray
    improvement: Improvement
    shift_length: int
    trend_length: int
    mean: np.ndarray
    amr: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    near_lpl: np.ndarray
    near_upl: np.ndarray
    moving_range: np.ndarray
    relative_to_mean: np.ndarray
    outside_limits: np.ndarray
    close_to_limits: np.ndarray
    shift: np.ndarray
    trend: np.ndarray
    two_in_three: np.ndarray
    rule: np.ndarray
    direction: np.ndarray
    point_type_code: np.ndarray
    variation_icon: np.ndarray
    assurance_type: np.ndarray
    warnings: tuple[str, ...]

    @property
    def special_cause_flag(self) -> np.ndarray:
        return self.rule != RULE_NONE

    @property
    def point_type(self) -> np.ndarray:
        return _POINT_TYPE_ARRAY[self.point_type_code]

    @property
    def special_cause_type(self) -> np.ndarray:
        return _label_table(self.shift_length, self.trend_length)[self.rule, self.direction + 1]


# --------------------------------------------------------------------------------------------------------------
# Entry points.


def spc(
    values: Iterable[float] | np.ndarray,
    *,
    improvement: Improvement = "increase",
    target: float | None = None,
    rebase_at: Iterable[int] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    two_in_three_rule: TwoInThreeRule = "ptd",
    shift_length: int = 7,
    trend_length: int = 7,
) -> SPCResult:
    """XmR chart of one series ordered by date: limits, special-cause rules, point types and icons.

    `rebase_at` holds 0-based indices where a new group (recalculation period) starts; each group has its own
    mean and limits and its own rule runs. `fix_after_n_points` bases each group's limits on its first N points.
    """
    y, total = _validate_values(values)
    _validate_options(improvement, two_in_three_rule, shift_length, trend_length, fix_after_n_points)
    target = _validate_target(target)
    n = y.size
    starts = _group_starts(rebase_at, n)
    warnings = _option_warnings(fix_after_n_points)
    if n == 0:
        return _empty_result(y, improvement, target, (*warnings, "No points: nothing to chart."))
    if _USE_FAST_PATH and fix_after_n_points is None and n >= 2 and len(starts) == 1:
        fast = _spc_fast(y, total, improvement, target, screen_outliers, two_in_three_rule, shift_length, trend_length)
        if fast is not None:
            return fast

    options = {
        "baseline_n": fix_after_n_points,
        "screen_outliers": screen_outliers,
        "two_in_three_rule": two_in_three_rule,
        "shift_length": shift_length,
        "trend_length": trend_length,
    }
    if len(starts) == 1:  # the usual case, without the joins
        core = _kernel(y[None], **options)
        groups = (_group_summary(core, 0, n, fix_after_n_points),)
        warnings.extend(_group_warnings(groups[0], False, screen_outliers))
        core.freeze(per_point_only=True)
        moving_range, flags, codes = core.moving_range[0], core.flags[:, 0], core.codes[:, 0]
        group_index = np.zeros(n, dtype=np.intp)
        limits = np.repeat(core.lines, n, axis=1)
    else:
        bounds = list(zip(starts, [*starts[1:], n], strict=True))
        cores = [_kernel(y[None, a:b], **options) for a, b in bounds]
        groups = tuple(
            _group_summary(core, a, b - a, fix_after_n_points) for core, (a, b) in zip(cores, bounds, strict=True)
        )
        for g in groups:
            warnings.extend(_group_warnings(g, True, screen_outliers))
        moving_range = _frozen(np.concatenate([c.moving_range[0] for c in cores]))
        flags = _frozen(np.concatenate([c.flags[:, 0] for c in cores], axis=-1))
        codes = _frozen(np.concatenate([c.codes[:, 0] for c in cores], axis=-1))
        sizes = [g.n for g in groups]
        group_index = np.repeat(np.arange(len(groups)), sizes)
        limits = np.repeat(np.concatenate([c.lines for c in cores], axis=1), sizes, axis=1)
    # Views of frozen blocks, taken after freezing, are read-only too.
    lpl, near_lpl, mean, upl, near_upl = _frozen(limits)
    outside, close, shift, trend, two_in_three = flags
    rel, _, rule, direction = codes

    last = groups[-1]
    variation_type = POINT_TYPES[_point_type_codes(direction[-1], improvement)]
    assurance = _assurance_name(last.lpl, last.upl, target, improvement)
    return _new(
        SPCResult,
        values=_frozen(y),
        improvement=improvement,
        target=target,
        group_index=_frozen(group_index),
        mean=mean,
        lpl=lpl,
        upl=upl,
        near_lpl=near_lpl,
        near_upl=near_upl,
        moving_range=moving_range,
        relative_to_mean=rel,
        outside_limits=outside,
        close_to_limits=close,
        shift=shift,
        trend=trend,
        two_in_three=two_in_three,
        direction=direction,
        special_cause_flag=_frozen(rule != RULE_NONE),
        groups=groups,
        variation_type=variation_type,
        variation_icon=variation_icon(variation_type, improvement, int(direction[-1])),
        assurance_type=assurance,
        assurance_icon=_ASSURANCE_ICON.get(assurance) if assurance else None,
        warnings=tuple(warnings),
        _rule=rule,
        _labels=_label_table(shift_length, trend_length),
    )


# --------------------------------------------------------------------------------------------------------------
# The single-series fast path (see the module docstring): the same chart as `_kernel` for one group without a
# fixed baseline, with the rules evaluated on Python integers used as bitsets (bit i = point i).

_USE_FAST_PATH = True  # tests switch it off to obtain the general kernel's answer for comparison
_SAFE_MAGNITUDE = 1e300  # below this, no step of either path can overflow (and so warn); above, the kernel runs

_BIT_TO_BYTE = bytes.maketrans(b"01", b"\x00\x01")  # '0'/'1' digits of a bitset to one bool byte per bit
_FLAG_PLANES = 6  # FLAGS plus special_cause_flag lead the fast path's output planes; the CODES planes follow


def _bit_runs(bits: int, length: int) -> int:
    """Bits of every run of at least `length` consecutive set bits (`_in_long_runs` on a bitset)."""
    starts = bits
    for _ in range(length - 1):  # bit i survives while bits i..i+j are all set
        if not starts:
            return 0
        starts &= starts >> 1
    runs = starts
    for _ in range(length - 1):
        runs |= runs << 1
    return runs


def _spc_fast(
    y: np.ndarray,
    total: float,
    improvement: str,
    target: float | None,
    screen_outliers: bool,
    two_in_three_rule: str,
    shift_length: int,
    trend_length: int,
) -> SPCResult | None:
    """`spc` for one group of n >= 2 points with the whole series as baseline, or None (the caller then runs the
    kernel) when values are so large that some step could overflow."""
    n = y.size
    full = (1 << n) - 1
    moving_range = np.empty(n)
    dy = moving_range[1:]
    cmp = np.empty((8, n), dtype=bool)  # y < (lpl, near_lpl, mean), y > (mean, upl, near_upl), step up, down
    mean = total / n  # `total` is `np.add.reduce(y)`, from validation
    with np.errstate(all="ignore"):  # an overflow sends us to the kernel, which then warns as it always does
        np.subtract(y[1:], y[:-1], out=dy)
        np.greater(dy, 0.0, out=cmp[6, 1:])
        np.less(dy, 0.0, out=cmp[7, 1:])
        np.abs(dy, out=dy)
        mr_total = float(np.add.reduce(dy))
    if not (abs(mean) < _SAFE_MAGNITUDE and mr_total < _SAFE_MAGNITUDE):
        return None
    moving_range[0] = np.nan

    # `_average_moving_range` and the kernel's lines, in the same floating-point operations.
    amr = mr_total / (n - 1)
    if screen_outliers:
        cut = SCREEN_FACTOR * amr
        if np.maximum.reduce(dy) >= cut:
            keep = dy < cut
            count = int(np.count_nonzero(keep))
            amr = float(np.add.reduce(np.where(keep, dy, 0.0))) / count if count else math.nan
    lpl, near_lpl = mean + _F_LPL * amr, mean + _F_NEAR_LPL * amr
    upl, near_upl = mean + _F_UPL * amr, mean + _F_NEAR_UPL * amr
    limits = np.array([lpl, near_lpl, mean, upl, near_upl]).repeat(n).reshape(5, n)  # rows as LINES
    np.less(y, limits[:3], out=cmp[:3])
    np.greater(y, limits[2:], out=cmp[3:6])
    packed = int.from_bytes(np.packbits(cmp, bitorder="little").tobytes(), "little")
    below_lpl, below_near, below = packed & full, packed >> n & full, packed >> 2 * n & full
    above, above_upl, above_near = packed >> 3 * n & full, packed >> 4 * n & full, packed >> 5 * n & full
    up, down = packed >> 6 * n & full, packed >> 7 * n
    up &= ~1  # no step into the first point
    down &= ~1

    # The rules, as in `_kernel`.
    outside = below_lpl | above_upl
    close = below_near | above_near
    if two_in_three_rule == "ptd":
        close ^= outside
    gap = n + 1  # two bitsets side by side with a clear bit between them: runs cannot join across
    side_runs = _bit_runs(above | below << gap, shift_length)
    shift = (side_runs | side_runs >> gap) & full
    step_runs = _bit_runs(up | down << gap, trend_length - 1)
    in_step_run = (step_runs | step_runs >> gap) & full
    trend = in_step_run | in_step_run >> 1
    c1, c2 = close >> 1, close >> 2
    windows = ((close & c1) | (close & c2) | (c1 & c2)) & (
        (above & above >> 1 & above >> 2) | (below & below >> 1 & below >> 2)
    )
    two_in_three = (windows | windows << 1 | windows << 2) & close

    # Precedence and direction (`_trend_direction` for trend points, the side of the mean for the others).
    by_trend = trend & ~outside
    by_two_in_three = two_in_three & ~outside & ~trend
    by_shift = shift & ~(outside | trend | two_in_three)
    by_side = outside | by_two_in_three | by_shift
    use_next = (trend >> 1) & ((up | down) >> 1)
    dir_up = (by_side & above) | (by_trend & ((use_next & up >> 1) | (~use_next & up)))
    dir_down = (by_side & below) | (by_trend & ((use_next & down >> 1) | (~use_next & down)))
    # Planes in order, bit i of plane p at bit p * n + i: FLAGS and special_cause_flag, then the code planes
    # (above, below; rule code bits 1, 2 and 4, as outside = 1, trend = 2, two-in-three = 3, shift = 4; direction).
    planes = 13
    word = (
        outside
        | close << n
        | shift << 2 * n
        | trend << 3 * n
        | two_in_three << 4 * n
        | (by_side | by_trend) << 5 * n
        | above << 6 * n
        | below << 7 * n
        | (outside | by_two_in_three) << 8 * n
        | (by_trend | by_two_in_three) << 9 * n
        | by_shift << 10 * n
        | dir_up << 11 * n
        | dir_down << 12 * n
    )
    # Byte k of `spread` is bit k of `word` (a bit per byte, as numpy keeps bools); the code planes are then
    # summed byte by byte as integers (no byte overflows: the planes of one code are disjoint or weighted 1, 2, 4).
    spread = bin(word | 1 << planes * n)[:2:-1].encode("ascii").translate(_BIT_TO_BYTE)  # 1 << ...: width
    flags = np.frombuffer(spread, dtype=bool, count=_FLAG_PLANES * n).reshape(_FLAG_PLANES, n)
    code_bits = int.from_bytes(spread[_FLAG_PLANES * n :], "little")
    width = 8 * n
    plane_mask = (1 << width) - 1
    a, b, r0, r1 = (
        code_bits & plane_mask,
        code_bits >> width & plane_mask,
        code_bits >> 2 * width & plane_mask,
        code_bits >> 3 * width & plane_mask,
    )
    r2, du, dd = code_bits >> 4 * width & plane_mask, code_bits >> 5 * width & plane_mask, code_bits >> 6 * width
    code_word = (a + 255 * b) | (r0 + 2 * r1 + 4 * r2) << width | (du + 255 * dd) << 2 * width  # -1 is byte 255
    codes = np.frombuffer(code_word.to_bytes(3 * n, "little"), dtype=np.int8).reshape(3, n)
    outside_a, close_a, shift_a, trend_a, two_in_three_a, special = flags
    rel, rule, direction = codes
    lpl_a, near_lpl_a, mean_a, upl_a, near_upl_a = _frozen(limits)

    group = _new(
        SPCGroup,
        first_index=0,
        n=n,
        baseline_n=n,
        mean=mean,
        amr=amr,
        lpl=lpl,
        upl=upl,
        near_lpl=near_lpl,
        near_upl=near_upl,
    )
    last = 1 if dir_up >> (n - 1) else -1 if dir_down >> (n - 1) else 0
    variation_type = _POINT_TYPE_NAMES_BY_DIRECTION[improvement][last]
    assurance = _assurance_name(lpl, upl, target, improvement)
    return _new(
        SPCResult,
        values=_frozen(y),
        improvement=improvement,
        target=target,
        group_index=_frozen(np.zeros(n, dtype=np.intp)),
        mean=mean_a,
        lpl=lpl_a,
        upl=upl_a,
        near_lpl=near_lpl_a,
        near_upl=near_upl_a,
        moving_range=_frozen(moving_range),
        relative_to_mean=rel,
        outside_limits=outside_a,
        close_to_limits=close_a,
        shift=shift_a,
        trend=trend_a,
        two_in_three=two_in_three_a,
        direction=direction,
        special_cause_flag=special,
        groups=(group,),
        variation_type=variation_type,
        variation_icon=variation_icon(variation_type, improvement, last),
        assurance_type=assurance,
        assurance_icon=_ASSURANCE_ICON.get(assurance) if assurance else None,
        warnings=tuple(_group_warnings(group, False, screen_outliers)),
        _rule=rule,
        _labels=_label_table(shift_length, trend_length),
    )


def spc_many(
    matrix: np.ndarray,
    *,
    improvement: Improvement = "increase",
    target: float | np.ndarray | None = None,
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    two_in_three_rule: TwoInThreeRule = "ptd",
    shift_length: int = 7,
    trend_length: int = 7,
) -> SPCBatchResult:
    """`spc` for many equal-length series at once (rows of `matrix`), same options, no rebasing.

    Row i of every output equals `spc(matrix[i], ...)`; `target` may be one number or one per row.
    """
    y = np.asarray(matrix, dtype=float)
    if y.ndim != 2:
        raise ValueError(f"matrix must be 2-D (series x points), got {y.ndim}-D")
    if not np.isfinite(y).all():
        raise ValueError("matrix must contain only finite numbers")
    _validate_options(improvement, two_in_three_rule, shift_length, trend_length, fix_after_n_points)
    k, m = y.shape
    if target is not None:
        t = np.asarray(target, dtype=float)
        if t.ndim > 1 or (t.ndim == 1 and t.shape[0] != k):
            raise ValueError("target must be a number or one number per series")
    if m == 0:
        raise ValueError("matrix has no points")
    warnings = _option_warnings(fix_after_n_points)
    if m < MIN_POINTS:
        warnings.append(_short_message(m, None))
    core = _kernel(
        y,
        baseline_n=fix_after_n_points,
        screen_outliers=screen_outliers,
        two_in_three_rule=two_in_three_rule,
        shift_length=shift_length,
        trend_length=trend_length,
    ).freeze()
    outside, close, shift, trend, two_in_three = core.flags
    rel, _, rule, direction = core.codes
    lpl, near_lpl, _, upl, near_upl = core.lines
    point_type_code = _frozen(_point_type_codes(direction, improvement))
    last_code = point_type_code[:, -1]
    variation = _batch_variation_icons(improvement)[last_code].astype(object)
    neutral = last_code == _PT_NEUTRAL
    variation[neutral] = np.where(direction[neutral, -1] > 0, "neutral_high", "neutral_low")
    assurance = np.array(_ASSURANCE_NAMES, dtype=object)[_assurance_codes(lpl, upl, target, improvement)]
    _frozen(variation)
    _frozen(assurance)
    return SPCBatchResult(
        values=_frozen(y.view()),  # a read-only view: the caller's matrix stays writeable
        improvement=improvement,
        shift_length=shift_length,
        trend_length=trend_length,
        mean=core.mean,
        amr=core.amr,
        lpl=lpl,
        upl=upl,
        near_lpl=near_lpl,
        near_upl=near_upl,
        moving_range=core.moving_range,
        relative_to_mean=rel,
        outside_limits=outside,
        close_to_limits=close,
        shift=shift,
        trend=trend,
        two_in_three=two_in_three,
        rule=rule,
        direction=direction,
        point_type_code=point_type_code,
        variation_icon=variation,
        assurance_type=assurance,
        warnings=tuple(warnings),
    )


@lru_cache(maxsize=4)
def _batch_variation_icons(improvement: str) -> np.ndarray:
    """Icon names by point-type code; the neutral code is resolved per row from its direction."""
    return np.array([variation_icon(pt, improvement, 1) for pt in POINT_TYPES])


# --------------------------------------------------------------------------------------------------------------
# Validation, groups and warnings.


def _validate_values(values: Iterable[float] | np.ndarray) -> tuple[np.ndarray, float]:
    """The values as a new float array, and their sum (`np.add.reduce`, as the kernel sums a series)."""
    try:
        y = np.array(values if isinstance(values, np.ndarray) else list(values), dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values must be numbers: {exc}") from exc
    if y.ndim != 1:
        raise ValueError(f"values must be 1-D, got {y.ndim}-D; use spc_many for a matrix")
    # A finite sum means every value is finite (a NaN or an infinity would carry through); only a sum that
    # overflowed, or a real non-finite value, needs the element-wise test.
    total = float(np.add.reduce(y))
    if not math.isfinite(total) and not np.isfinite(y).all():
        bad = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(f"values must be finite numbers; index {bad} is {y[bad]}")
    return y, total


def _validate_options(
    improvement: str, two_in_three_rule: str, shift_length: int, trend_length: int, fix_after_n_points: int | None
) -> None:
    if improvement not in _IMPROVEMENT_SIGN:
        raise ValueError(f"improvement must be 'increase', 'decrease' or 'neutral', got {improvement!r}")
    if two_in_three_rule not in ("ptd", "mdc2023"):
        raise ValueError(f"two_in_three_rule must be 'ptd' or 'mdc2023', got {two_in_three_rule!r}")
    for name, value in (("shift_length", shift_length), ("trend_length", trend_length)):
        if not _is_int(value) or value < 2:
            raise ValueError(f"{name} must be an integer of at least 2, got {value!r}")
    if fix_after_n_points is not None and (not _is_int(fix_after_n_points) or fix_after_n_points < 2):
        raise ValueError(f"fix_after_n_points must be None or an integer of at least 2, got {fix_after_n_points!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _validate_target(target: float | None) -> float | None:
    if target is None:
        return None
    try:
        t = float(target)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"target must be a number or None, got {target!r}") from exc
    if not np.isfinite(t):
        raise ValueError(f"target must be finite, got {target!r}")
    return t


def _group_starts(rebase_at: Iterable[int], n: int) -> list[int]:
    if type(rebase_at) is tuple and not rebase_at:
        return [0]
    starts = {0}
    for i in rebase_at:
        if not _is_int(i):
            raise ValueError(f"rebase_at must hold integer indices, got {i!r}")
        if not 0 <= i < n:
            raise ValueError(f"rebase_at index {i} is outside the series (0..{n - 1})")
        starts.add(int(i))
    return sorted(starts)


def _option_warnings(fix_after_n_points: int | None) -> list[str]:
    if fix_after_n_points is not None and fix_after_n_points < MIN_FIXED_POINTS:
        return [
            f"Limits are fixed after {fix_after_n_points} points; at least {MIN_FIXED_POINTS} are needed for "
            "reliable limits."
        ]
    return []


def _group_summary(core: _Core, first: int, n: int, fix_after_n_points: int | None) -> SPCGroup:
    lpl, near_lpl, mean, upl, near_upl = core.lines[:, 0].tolist()
    return _new(
        SPCGroup,
        first_index=first,
        n=n,
        baseline_n=n if fix_after_n_points is None else min(fix_after_n_points, n),
        mean=mean,
        amr=float(core.amr[0]),
        lpl=lpl,
        upl=upl,
        near_lpl=near_lpl,
        near_upl=near_upl,
    )


def _short_message(n: int, first_index: int | None) -> str:
    where = "" if first_index is None else f"The group starting at index {first_index} has "
    count = f"{n} point{'s' if n != 1 else ''}"
    lead = f"{where}{count}" if where else f"Only {count}"
    return (
        f"{lead}: Making Data Count needs at least {MIN_POINTS} before limits and icons are reliable; "
        "treat them as provisional."
    )


def _group_warnings(group: SPCGroup, several: bool, screen_outliers: bool) -> list[str]:
    out: list[str] = []
    where = group.first_index if several else None
    if group.n < MIN_POINTS:
        out.append(_short_message(group.n, where))
    label = f"group starting at index {group.first_index}" if several else "series"
    if group.baseline_n < 2:
        out.append(f"The {label} has fewer than 2 baseline points, so it has no moving range and no limits.")
    elif math.isnan(group.amr):
        out.append(
            f"Every moving range in the {label} baseline is 0, so screening leaves none and the limits are "
            "undefined; no point can fall outside them."
        )
    elif group.amr == 0:
        reason = "after screening " if screen_outliers else ""
        out.append(
            f"The average moving range of the {label} is 0 {reason}so the limits equal the mean and every point "
            "off the mean is outside them."
        )
    return out


def _empty_result(y: np.ndarray, improvement: Improvement, target: float | None, warnings: tuple[str, ...]):
    def empty(dtype) -> np.ndarray:
        return _frozen(np.empty(0, dtype=dtype))

    return _new(
        SPCResult,
        values=_frozen(y),
        improvement=improvement,
        target=target,
        group_index=empty(np.int64),
        mean=empty(float),
        lpl=empty(float),
        upl=empty(float),
        near_lpl=empty(float),
        near_upl=empty(float),
        moving_range=empty(float),
        relative_to_mean=empty(np.int8),
        outside_limits=empty(bool),
        close_to_limits=empty(bool),
        shift=empty(bool),
        trend=empty(bool),
        two_in_three=empty(bool),
        special_cause_type=empty(str),
        direction=empty(np.int8),
        special_cause_flag=empty(bool),
        point_type=empty(str),
        groups=(),
        variation_type=None,
        variation_icon=None,
        assurance_type=None,
        assurance_icon=None,
        warnings=warnings,
        _rule=empty(np.int8),
        _labels=_label_table(7, 7),
    )
