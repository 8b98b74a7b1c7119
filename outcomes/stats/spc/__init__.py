"""NHS England "Making Data Count" XmR statistical process control, as NHSRplotthedots (PTD) computes it.

Pure numpy. Semantics: `docs/statistics.md` Part A; reference values: `tests/data/reference-vectors/spc.json`.
Why the rules are bitsets and where the single-series path stops: docs/adr/0016-spc-one-implementation-per-rule.md.

* `rules.py`: each special-cause rule once (runs on one side of the mean, trends, two-in-three, precedence), on
  Python integers used as bitsets, one bit per point of a whole batch.
* `kernel.py`: the limits (mean, moving ranges, AMR with screening, the five lines) and each point's comparisons
  with them; `apply_rules` packs those into bitsets, runs the rules and unpacks their answers. `kernel` works on
  a (series x points) array: `spc_many` passes the whole matrix, `spc` one row per rebase group. `single` is the
  usual chart (one group, whole series as baseline) with Python floats for the limits and the same
  `apply_rules`; tests/unit/outcomes/stats/test_spc_fast.py holds it to `kernel` bit for bit.
* `results.py`: the result classes, point types, icons, assurance, labels and warnings.
* `validation.py`: what bad input is refused, and how.

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

from collections.abc import Iterable

import numpy as np

from . import validation
from .kernel import LIMIT_FACTOR, LINES, NEAR_FACTOR, SCREEN_FACTOR, frozen, kernel, single
from .results import (
    ASSURANCE_ICON,
    ASSURANCE_NAMES,
    MIN_FIXED_POINTS,
    MIN_POINTS,
    POINT_TYPE_NAMES_BY_DIRECTION,
    POINT_TYPES,
    PT_NEUTRAL,
    Improvement,
    SPCBatchResult,
    SPCGroup,
    SPCResult,
    TwoInThreeRule,
    assurance_codes,
    assurance_name,
    assurance_type,
    batch_variation_icons,
    empty_result,
    group_warnings,
    label_table,
    new,
    option_warnings,
    point_type_codes,
    short_message,
    special_cause_labels,
    too_few_message,
    variation_icon,
)
from .rules import RULE_NONE, RULE_OUTSIDE, RULE_SHIFT, RULE_TREND, RULE_TWO_IN_THREE

__all__ = [
    "LIMIT_FACTOR",
    "LINES",
    "MIN_FIXED_POINTS",
    "MIN_POINTS",
    "NEAR_FACTOR",
    "POINT_TYPES",
    "RULE_NONE",
    "RULE_OUTSIDE",
    "RULE_SHIFT",
    "RULE_TREND",
    "RULE_TWO_IN_THREE",
    "SCREEN_FACTOR",
    "Improvement",
    "SPCBatchResult",
    "SPCGroup",
    "SPCResult",
    "TwoInThreeRule",
    "assurance_type",
    "spc",
    "spc_many",
    "special_cause_labels",
    "too_few_message",
    "variation_icon",
]


_USE_FAST_PATH = True  # `single` for the usual chart; tests and bench/stats.py switch it off to compare with `kernel`


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
    min_points: int | None = None,
) -> SPCResult:
    """XmR chart of one series ordered by date: limits, special-cause rules, point types and icons.

    `rebase_at` holds 0-based indices where a new group (recalculation period) starts; each group has its own
    mean and limits and its own rule runs. `fix_after_n_points` bases each group's limits on its first N points.
    `min_points` (the caller's setting; None keeps PTD's always-computed limits) makes a group with fewer points
    a run chart: no mean, limits, special cause or icons there, and `too_few_points` set when the last group is
    one (Making Data Count: limits on a handful of points mislead more than they inform).
    """
    y, total = validation.values_1d(values)
    validation.options(improvement, two_in_three_rule, shift_length, trend_length, fix_after_n_points)
    validation.min_points(min_points)
    target = validation.target(target)
    n = y.size
    starts = validation.group_starts(rebase_at, n)
    warnings = option_warnings(fix_after_n_points)
    if n == 0:
        return empty_result(y, improvement, target, (*warnings, "No points: nothing to chart."))

    chart = None
    if _USE_FAST_PATH and fix_after_n_points is None and n >= 2 and len(starts) == 1:
        chart = single(y, total, screen_outliers, two_in_three_rule, shift_length, trend_length)
    if chart is not None:  # the usual chart: one group, the whole series as baseline
        (lpl, near_lpl, mean, upl, near_upl), amr, limits, moving_range, flags, codes = chart
        group = new(
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
        groups, group_index = (group,), np.zeros(n, dtype=np.intp)
        warnings.extend(group_warnings(group, False, screen_outliers))
    else:
        options = (screen_outliers, two_in_three_rule, shift_length, trend_length)
        groups, group_index, limits, moving_range, flags, codes = _by_group(y, starts, fix_after_n_points, options)
        for g in groups:
            warnings.extend(group_warnings(g, len(groups) > 1, screen_outliers))
    # Views of frozen arrays, taken after freezing, are read-only too.
    if min_points is not None and any(g.n < min_points for g in groups):
        groups, limits, flags, codes = _run_chart_groups(groups, group_index, limits, flags, codes, min_points)
        warnings.append(too_few_message(min_points))
    lpl, near_lpl, mean, upl, near_upl = frozen(limits)
    outside, close, shift, trend, two_in_three, special = flags
    rel, direction, rule = codes

    last, last_direction = groups[-1], int(direction[-1])
    too_few = min_points is not None and last.n < min_points
    variation_type = None if too_few else POINT_TYPE_NAMES_BY_DIRECTION[improvement][last_direction]
    assurance = None if too_few else assurance_name(last.lpl, last.upl, target, improvement)
    return new(
        SPCResult,
        values=frozen(y),
        improvement=improvement,
        target=target,
        group_index=frozen(group_index),
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
        special_cause_flag=special,
        groups=groups,
        variation_type=variation_type,
        variation_icon=None if variation_type is None else variation_icon(variation_type, improvement, last_direction),
        assurance_type=assurance,
        assurance_icon=ASSURANCE_ICON.get(assurance) if assurance else None,
        warnings=tuple(warnings),
        _rule=rule,
        _labels=label_table(shift_length, trend_length),
        too_few_points=too_few,
        min_points=min_points,
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
    y = validation.matrix_2d(matrix)
    validation.options(improvement, two_in_three_rule, shift_length, trend_length, fix_after_n_points)
    k, m = y.shape
    validation.targets(target, k)
    if m == 0:
        raise ValueError("matrix has no points")
    warnings = option_warnings(fix_after_n_points)
    if m < MIN_POINTS:
        warnings.append(short_message(m, None))
    core = kernel(
        y,
        baseline_n=fix_after_n_points,
        screen_outliers=screen_outliers,
        two_in_three_rule=two_in_three_rule,
        shift_length=shift_length,
        trend_length=trend_length,
    )
    for a in (core.mean, core.amr, core.lines):
        frozen(a)
    outside, close, shift, trend, two_in_three, _ = core.flags
    direction = core.direction
    lpl, near_lpl, _, upl, near_upl = core.lines
    point_type_code = frozen(point_type_codes(direction, improvement))
    last_code = point_type_code[:, -1]
    variation = batch_variation_icons(improvement)[last_code].astype(object)
    neutral = last_code == PT_NEUTRAL
    variation[neutral] = np.where(direction[neutral, -1] > 0, "neutral_high", "neutral_low")
    assurance = np.array(ASSURANCE_NAMES, dtype=object)[assurance_codes(lpl, upl, target, improvement)]
    frozen(variation)
    frozen(assurance)
    return SPCBatchResult(
        values=frozen(y.view()),  # a read-only view: the caller's matrix stays writeable
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
        relative_to_mean=core.relative_to_mean,
        outside_limits=outside,
        close_to_limits=close,
        shift=shift,
        trend=trend,
        two_in_three=two_in_three,
        rule=core.rule,
        direction=direction,
        point_type_code=point_type_code,
        variation_icon=variation,
        assurance_type=assurance,
        warnings=tuple(warnings),
    )


def _by_group(y: np.ndarray, starts: list[int], fix_after_n_points: int | None, options: tuple) -> tuple:
    """`spc`'s pieces from the kernel, one call per group: (groups, group_index, limits (5, n), moving_range,
    flags (6, n), codes (relative_to_mean, direction, rule)), all read-only."""
    n = y.size
    screen_outliers, two_in_three_rule, shift_length, trend_length = options
    bounds = list(zip(starts, [*starts[1:], n], strict=True))
    cores = [
        kernel(
            y[None, a:b],
            baseline_n=fix_after_n_points,
            screen_outliers=screen_outliers,
            two_in_three_rule=two_in_three_rule,
            shift_length=shift_length,
            trend_length=trend_length,
        )
        for a, b in bounds
    ]
    groups = tuple(
        _group(
            a,
            b - a,
            b - a if fix_after_n_points is None else min(fix_after_n_points, b - a),
            core.lines[:, 0].tolist(),
            float(core.amr[0]),
        )
        for core, (a, b) in zip(cores, bounds, strict=True)
    )
    sizes = [g.n for g in groups]
    group_index = frozen(np.repeat(np.arange(len(groups)), sizes))
    limits = np.repeat(np.concatenate([c.lines for c in cores], axis=1), sizes, axis=1)
    moving_range = frozen(np.concatenate([c.moving_range[0] for c in cores]))
    flags = frozen(np.concatenate([c.flags[:, 0] for c in cores], axis=-1))
    codes = [
        frozen(np.concatenate([getattr(c, name)[0] for c in cores]))
        for name in ("relative_to_mean", "direction", "rule")
    ]
    return groups, group_index, limits, moving_range, flags, codes


def _run_chart_groups(groups, group_index, limits, flags, codes, min_points: int) -> tuple:
    """Groups, limits, flags and codes with every group shorter than `min_points` made a run chart: NaN mean
    and limits, no rule flags, direction 0 (common cause), so no point there reads as special cause."""
    short = np.array([g.n < min_points for g in groups])[group_index]
    limits = np.where(short[None, :], np.nan, limits)
    flags = np.where(short[None, :], False, flags)
    rel, direction, rule = codes
    rel = np.where(short, 0, rel).astype(rel.dtype)
    direction = np.where(short, 0, direction).astype(direction.dtype)
    rule = np.where(short, RULE_NONE, rule).astype(rule.dtype)
    nan = float("nan")
    groups = tuple(
        g
        if g.n >= min_points
        else new(
            SPCGroup,
            **(g.__dict__ | dict.fromkeys(("mean", "amr", "lpl", "upl", "near_lpl", "near_upl"), nan)),
        )
        for g in groups
    )
    return groups, limits, frozen(flags), [frozen(rel), frozen(direction), frozen(rule)]


def _group(first: int, n: int, baseline_n: int, lines: list[float], amr: float) -> SPCGroup:
    lpl, near_lpl, mean, upl, near_upl = lines
    return new(
        SPCGroup,
        first_index=first,
        n=n,
        baseline_n=baseline_n,
        mean=mean,
        amr=amr,
        lpl=lpl,
        upl=upl,
        near_lpl=near_lpl,
        near_upl=near_upl,
    )
