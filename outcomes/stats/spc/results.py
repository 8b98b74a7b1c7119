"""What an XmR chart hands out: the result classes, point types, icons, assurance, labels and warnings.

Labels and point types are kept as small-integer codes (`rules.RULE_*`, an index into POINT_TYPES) and turned
into strings through the tables here, on first use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

import numpy as np

from .kernel import frozen
from .rules import RULE_NONE

Improvement = Literal["increase", "decrease", "neutral"]
TwoInThreeRule = Literal["ptd", "mdc2023"]

MIN_POINTS = 13
MIN_FIXED_POINTS = 12

POINT_TYPES = ("common_cause", "special_cause_improvement", "special_cause_concern", "special_cause_neutral")
PT_COMMON, PT_IMPROVEMENT, PT_CONCERN, PT_NEUTRAL = range(4)
_POINT_TYPE_ARRAY = np.array(POINT_TYPES)

IMPROVEMENT_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}
ASSURANCE_ICON = {"consistent_pass": "pass", "consistent_fail": "fail", "inconsistent": "inconsistent"}
ASSURANCE_NAMES = (None, "consistent_pass", "consistent_fail", "inconsistent")

# Point type code by direction (index -1 is the last entry), for each improvement direction.
_POINT_TYPE_BY_DIRECTION = {
    "increase": np.array([PT_COMMON, PT_IMPROVEMENT, PT_CONCERN], dtype=np.int8),
    "decrease": np.array([PT_COMMON, PT_CONCERN, PT_IMPROVEMENT], dtype=np.int8),
    "neutral": np.array([PT_COMMON, PT_NEUTRAL, PT_NEUTRAL], dtype=np.int8),
}
# The same table as names, for a chart's last point (a Python int direction).
POINT_TYPE_NAMES_BY_DIRECTION = {
    improvement: tuple(POINT_TYPES[c] for c in codes.tolist())
    for improvement, codes in _POINT_TYPE_BY_DIRECTION.items()
}


def point_type_codes(direction: np.ndarray, improvement: str) -> np.ndarray:
    """Index into POINT_TYPES: special cause oriented by the improvement direction (neutral: any direction)."""
    return _POINT_TYPE_BY_DIRECTION[improvement][direction]


# --------------------------------------------------------------------------------------------------------------
# Icons, assurance and labels.


def variation_icon(point_type: str, improvement: Improvement, direction: int = 0) -> str | None:
    """Variation icon name (spc.json `icon_mapping`) for the point type of a chart's last point."""
    if point_type == "common_cause":
        return "common_cause"
    if point_type == "special_cause_neutral":
        return "neutral_high" if direction > 0 else "neutral_low"
    high = (point_type == "special_cause_improvement") == (improvement == "increase")
    return f"{'improvement' if point_type == 'special_cause_improvement' else 'concern'}_{'high' if high else 'low'}"


@lru_cache(maxsize=4)
def batch_variation_icons(improvement: Improvement) -> np.ndarray:
    """Icon names by point-type code; the neutral code is resolved per row from its direction."""
    return np.array([variation_icon(pt, improvement, 1) for pt in POINT_TYPES])


def assurance_type(lpl: float, upl: float, target: float | None, improvement: Improvement) -> str | None:
    """Assurance of meeting `target` given one set of limits (PTD `ptd_calculate_assurance_type`).

    Returns "consistent_pass", "consistent_fail" or "inconsistent" (a target on or between the limits is hit and
    miss); None without a target, for a neutral direction or for undefined (NaN) limits.
    """
    code = assurance_codes(np.array([lpl], dtype=float), np.array([upl], dtype=float), target, improvement)
    return ASSURANCE_NAMES[code[0]]


def assurance_codes(lpl: np.ndarray, upl: np.ndarray, target, improvement: str) -> np.ndarray:
    """`assurance_type` for arrays of limits (and one target or one per row), as indices into ASSURANCE_NAMES."""
    sign = IMPROVEMENT_SIGN[improvement]
    if target is None or sign == 0:
        return np.zeros(lpl.shape, dtype=np.int8)
    t = np.broadcast_to(np.asarray(target, dtype=float), lpl.shape)
    above, below = t > upl, t < lpl
    pass_code, fail_code = (1, 2) if sign > 0 else (2, 1)
    codes = np.where(above, fail_code, np.where(below, pass_code, 3)).astype(np.int8)
    undefined = np.isnan(lpl) | np.isnan(upl) | np.isnan(t)
    return np.where(undefined, 0, codes).astype(np.int8)


def assurance_name(lpl: float, upl: float, target: float | None, improvement: str) -> str | None:
    """`assurance_type` for the Python floats `spc` has in hand, without building arrays (tests hold the two
    equal)."""
    sign = IMPROVEMENT_SIGN[improvement]
    if target is None or sign == 0 or math.isnan(lpl) or math.isnan(upl) or math.isnan(target):
        return None
    if target > upl:
        return "consistent_fail" if sign > 0 else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if sign > 0 else "consistent_fail"
    return "inconsistent"


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
def label_table(shift_length: int, trend_length: int) -> np.ndarray:
    return np.array(special_cause_labels(shift_length, trend_length))


# --------------------------------------------------------------------------------------------------------------
# Result classes.


def new(cls, **fields):
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
    _labels: np.ndarray = field(repr=False)  # `label_table` for the run lengths used
    too_few_points: bool = False  # the last group is below the caller's `min_points`: a run chart, no icons
    min_points: int | None = None  # the caller's minimum for limits (None: always computed)

    @cached_property
    def special_cause_type(self) -> np.ndarray:
        return frozen(self._labels[self._rule, self.direction + 1])

    @cached_property
    def point_type(self) -> np.ndarray:
        return frozen(_POINT_TYPE_ARRAY[point_type_codes(self.direction, self.improvement)])


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
        return label_table(self.shift_length, self.trend_length)[self.rule, self.direction + 1]


def empty_result(y: np.ndarray, improvement: Improvement, target: float | None, warnings: tuple[str, ...]):
    """The chart of a series with no points: every array empty, no groups, no icons."""

    def empty(dtype) -> np.ndarray:
        return frozen(np.empty(0, dtype=dtype))

    return new(
        SPCResult,
        values=frozen(y),
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
        _labels=label_table(7, 7),
    )


# --------------------------------------------------------------------------------------------------------------
# Warnings.


def option_warnings(fix_after_n_points: int | None) -> list[str]:
    if fix_after_n_points is not None and fix_after_n_points < MIN_FIXED_POINTS:
        return [
            f"Limits are fixed after {fix_after_n_points} points; at least {MIN_FIXED_POINTS} are needed for "
            "reliable limits."
        ]
    return []


def short_message(n: int, first_index: int | None) -> str:
    where = "" if first_index is None else f"The group starting at index {first_index} has "
    count = f"{n} point{'s' if n != 1 else ''}"
    lead = f"{where}{count}" if where else f"Only {count}"
    return (
        f"{lead}: Making Data Count needs at least {MIN_POINTS} before limits and icons are reliable; "
        "treat them as provisional."
    )


TOO_FEW_POINTS = "too few points"


def too_few_message(min_points: int) -> str:
    return (
        f"A period with fewer than {min_points} points is shown as a run chart: {TOO_FEW_POINTS} for process "
        "limits, special cause or icons."
    )


def group_warnings(group: SPCGroup, several: bool, screen_outliers: bool) -> list[str]:
    out: list[str] = []
    where = group.first_index if several else None
    if group.n < MIN_POINTS:
        out.append(short_message(group.n, where))
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
