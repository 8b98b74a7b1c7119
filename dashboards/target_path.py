"""The straight path to a dated target, drawn on the SPC chart, and where the latest value stands against it."""

from __future__ import annotations

import pandas as pd


def target_trajectory(targets, series: pd.DataFrame) -> tuple[tuple, tuple] | None:
    """The straight path to the first dated absolute or relative-change target: from its baseline (else the
    series' first value) to the target value at the due date."""
    fixed = ("absolute", "relative_change")  # a comparator's value moves, so it has no straight path to it
    view = next(
        (
            v
            for v in targets
            if v.target.kind in fixed and v.assessment.target_value is not None and v.target.due_date is not None
        ),
        None,
    )
    if view is None or series.empty:
        return None
    target = view.target
    if target.baseline_value is not None and target.baseline_period_end is not None:
        start = (target.baseline_period_end, float(target.baseline_value))
    else:
        start = (series["period_end"].iloc[0], float(series["value"].iloc[0]))
    if start[0] >= target.due_date:
        return None
    return start, (target.due_date, float(view.assessment.target_value))


def trajectory_words(trajectory, series: pd.DataFrame, indicator, area) -> str:
    """Where the latest value stands against the path (ahead or behind it, by the indicator's polarity)."""
    (start, start_value), (due, goal) = trajectory
    when, value = series["period_end"].iloc[-1], float(series["value"].iloc[-1])
    share = min(max((when - start).days / (due - start).days, 0.0), 1.0)
    expected = start_value + (goal - start_value) * share
    words = (
        f" The dotted line is the straight path from {indicator.format_value(start_value)} in {start:%B %Y} to the "
        f"target of {indicator.format_value(goal)} by {due:%B %Y}; on it, {area.display_name} would be at "
        f"{indicator.format_value(expected)} by {when:%B %Y}."
    )
    sign = {"high_is_good": 1, "low_is_good": -1}.get(indicator.polarity)
    if sign is not None:
        ahead = (value - expected) * sign >= 0
        words += f" At {indicator.format_value(value)} it is {'ahead of' if ahead else 'behind'} that path."
    return words
