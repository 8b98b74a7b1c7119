"""Target assessment: is an indicator meeting its target, or on course to by the due date?

Pure function of its inputs (the assessment date is passed in, the clock is never read), so a board pack can be
regenerated for any past date and give the same answer.

Rules:
* Target value by kind: "absolute" is the value given; "relative_change" is the baseline moved by `change` in the
  good direction, either relative ("percent": 42.4 improved by 5% is 40.28 when low is good) or in percentage
  points ("points": 37.4); "comparator" is the comparator's value; "band" is the inclusive range lower..upper;
  "baseline" asks only that a first value be recorded by the due date.
* "Meets" follows polarity: high_is_good needs value >= target, low_is_good value <= target. With no_judgement the
  target is something to reach from where the indicator started (the baseline, else the first value in the
  series, else the latest value): from below it needs value >= target, from above value <= target.
* Up to and including the due date: "met" if the latest value already meets the target; otherwise "on_track" if
  the linear trend, extrapolated to the due date, meets it, else "off_track". The trend is an ordinary least-
  squares line of value on date over the series up to the assessment date (latest value included), needing two
  or more distinct dates; without a series it is the straight line from the baseline (with its date) to the latest
  value. With no trend to extrapolate, a target not yet met is "off_track", and the reason says why.
* After the due date: "met" or "not_met" on the latest value (the reason says when that value predates the due
  date, as survey data often lag). A target without a due date is judged on the latest value alone.
* "baseline_set": a baseline target (one that asks only for a first value) whose first value was recorded by the
  due date. It is never called "met": there is no level to reach yet.
* "no_data": a baseline target with no value yet and the due date not passed, a relative-change target whose
  baseline is not recorded, or any target whose indicator has no value yet before the due date.

These six statuses (`STATUSES`, in words `STATUS_LABELS`) are the only verdicts the site, its CSVs and the board
pack use; the glossary page defines each one. A reason never contradicts its status: one that must hold in every
area or group and is met only overall says so ("Harrow as a whole meets it") and is not called met.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

TargetKind = Literal["absolute", "relative_change", "comparator", "band", "baseline"]
Polarity = Literal["high_is_good", "low_is_good", "no_judgement"]
Status = Literal["met", "on_track", "off_track", "not_met", "baseline_set", "no_data"]
RelativeUnit = Literal["percent", "points"]

KINDS = ("absolute", "relative_change", "comparator", "band", "baseline")
POLARITIES = ("high_is_good", "low_is_good", "no_judgement")
STATUSES = ("met", "on_track", "off_track", "not_met", "baseline_set", "no_data")
#: The one wording of each status, for badges, text, CSVs and the board pack alike.
STATUS_LABELS: dict[str, str] = {
    "met": "Met",
    "on_track": "On track",
    "off_track": "Off track",
    "not_met": "Not met",
    "baseline_set": "Baseline set",
    "no_data": "No data",
}
#: What each status means, as the glossary page prints it.
STATUS_DEFINITIONS: dict[str, str] = {
    "met": "The latest value reaches the target (and, where the target must hold in every PCN or group, it does "
    "in each one with data).",
    "on_track": "Not reached yet, but the trend of the values so far, carried forward to the due date, reaches it.",
    "off_track": "Not reached yet, and the trend does not reach it by the due date (or there are too few values to "
    "show a trend); or it is reached overall but not in every PCN or group that must reach it.",
    "not_met": "The due date has passed (or the target has none) and the latest value does not reach it.",
    "baseline_set": "The target asks only that a first value, a baseline, be recorded, and it has been. There is no "
    "level to reach yet, so this is not a judgement that things are good.",
    "no_data": "No value has been recorded yet (or the baseline a target is measured from is missing), so progress "
    "cannot be judged.",
}


@dataclass(frozen=True)
class TargetAssessment:
    """Outcome of `assess_target`. `target_value` is the single number to reach (None for a band or a baseline
    target); `projected_value` is the trend's value at the due date when a projection was made."""

    status: Status
    reason: str
    target_value: float | None = None
    target_lower: float | None = None
    target_upper: float | None = None
    projected_value: float | None = None


@dataclass(frozen=True)
class _Fmt:
    unit: str
    decimals: int

    def value(self, v: float) -> str:
        text = f"{v:,.{self.decimals}f}"
        if self.unit == "%":
            return f"{text}%"
        return f"{text} {self.unit}" if self.unit else text

    def gap(self, v: float) -> str:
        text = f"{abs(v):,.{self.decimals}f}"
        if self.unit == "%":
            return f"{text} point{'' if text == '1' else 's'}"
        return text


def assess_target(
    kind: TargetKind,
    *,
    polarity: Polarity,
    as_of: date,
    due_date: date | None,
    latest_value: float | None,
    latest_date: date | None,
    target_value: float | None = None,
    baseline_value: float | None = None,
    baseline_date: date | None = None,
    change: float | None = None,
    relative_unit: RelativeUnit | None = None,
    comparator_value: float | None = None,
    comparator_name: str = "comparator value",
    lower: float | None = None,
    upper: float | None = None,
    series_dates: Sequence[date] = (),
    series_values: Sequence[float] = (),
    unit: str = "",
    decimals: int = 1,
    latest_label: str | None = None,
    baseline_label: str | None = None,
) -> TargetAssessment:
    """Assess one target on `as_of` (see the module docstring for the rules).

    `change` is the size of the improvement for relative_change targets (positive; with no_judgement its sign
    gives the direction). `unit` "%" writes values as percentages and gaps in points; any other unit is appended
    to values. `latest_label`/`baseline_label` name the periods in the reason (e.g. "2019", "2022/23").
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {', '.join(POLARITIES)}; got {polarity!r}")
    if (latest_value is None) != (latest_date is None):
        raise ValueError("latest_value and latest_date must be given together")
    if len(series_dates) != len(series_values):
        raise ValueError("series_dates and series_values must have the same length")
    series_values = [_required("series_values item", v) for v in series_values]
    latest_value = _finite_or_none("latest_value", latest_value)
    if latest_date is not None and latest_date > as_of:
        raise ValueError(f"latest_date {latest_date} is after the assessment date {as_of}")
    fmt = _Fmt(unit, decimals)
    latest_text = None
    if latest_value is not None and latest_date is not None:
        latest_text = f"Latest value {fmt.value(latest_value)} ({latest_label or _month(latest_date)})"
    past_due = due_date is not None and as_of > due_date

    if kind == "baseline":
        return _baseline(due_date, as_of, latest_value, latest_date, series_dates, fmt, latest_label)

    if kind == "band":
        lo, hi = _required("lower", lower), _required("upper", upper)
        if lo > hi:
            raise ValueError(f"lower ({lo}) must not exceed upper ({hi})")
        goal = _Goal(lower=lo, upper=hi, fmt=fmt)
        preface = ""
    else:
        target, preface, start = _resolve_target(
            kind,
            polarity,
            fmt,
            target_value=target_value,
            baseline_value=baseline_value,
            baseline_label=baseline_label,
            change=change,
            relative_unit=relative_unit,
            comparator_value=comparator_value,
            due_date=due_date,
        )
        if target is None:
            return TargetAssessment(status="no_data", reason=preface)
        if start is None and series_values:
            start = min(zip(series_dates, series_values, strict=True))[1]
        name = f"the target ({comparator_name})" if kind == "comparator" else "the target"
        goal = _Goal.single(target, polarity, latest_value if start is None else start, fmt, name)

    if latest_value is None or latest_date is None:
        due = f" by the due date of {_month(due_date)}" if due_date is not None else ""
        if past_due:
            return goal.assessment("not_met", f"{preface}No value was recorded{due}, so the target was not met.")
        return goal.assessment("no_data", f"{preface}No value has been recorded yet, so progress cannot be judged.")

    position = goal.position(latest_value)
    due_text = f" due {_month(due_date)}" if due_date is not None else ""
    head = f"{preface}{latest_text} {position}{goal.describe()}{due_text}"

    if due_date is None or past_due:
        lag = ""
        if due_date is not None and latest_date < due_date:
            lag = " (the latest value predates the due date)"
        if goal.meets(latest_value):
            return goal.assessment("met", f"{head}; the target was met{lag}." if due_date else f"{head}; it is met.")
        return goal.assessment(
            "not_met", f"{head}; the target was not met{lag}." if due_date else f"{head}; it is not met."
        )

    if goal.meets(latest_value):
        return goal.assessment("met", f"{head}; the target is already met.")
    projected = _project(
        due_date, as_of, latest_value, latest_date, series_dates, series_values, baseline_value, baseline_date
    )
    if projected is None:
        return goal.assessment(
            "off_track", f"{head}; there are too few data points to show a trend towards it, so it is not on track."
        )
    about = f"about {fmt.value(projected)} by {_month(due_date)}"
    if goal.meets(projected):
        return goal.assessment("on_track", f"{head}; on the current trend it would reach {about}.", projected)
    return goal.assessment("off_track", f"{head}; the trend is not on course to reach it ({about}).", projected)


@dataclass(frozen=True)
class _Goal:
    """What counts as meeting the target: value >= lower and value <= upper (either side may be open)."""

    lower: float | None
    upper: float | None
    fmt: _Fmt
    target: float | None = None
    name: str = "the target"

    @classmethod
    def single(cls, target: float, polarity: str, start: float | None, fmt: _Fmt, name: str) -> _Goal:
        if polarity == "high_is_good" or (polarity == "no_judgement" and (start is None or start <= target)):
            return cls(lower=target, upper=None, fmt=fmt, target=target, name=name)
        return cls(lower=None, upper=target, fmt=fmt, target=target, name=name)

    def meets(self, v: float) -> bool:
        return (self.lower is None or v >= self.lower) and (self.upper is None or v <= self.upper)

    def describe(self) -> str:
        if self.target is not None:
            return f"{self.name} of {self.fmt.value(self.target)}"
        lower, upper = self._band()
        return f"the target range of {self.fmt.value(lower)} to {self.fmt.value(upper)}"

    def position(self, v: float) -> str:
        if self.target is not None:
            return _relation(v - self.target, self.fmt)
        lower, upper = self._band()
        if v < lower:
            return _relation(v - lower, self.fmt)
        if v > upper:
            return _relation(v - upper, self.fmt)
        return "is within "

    def _band(self) -> tuple[float, float]:
        """A goal without a single target is a band, which assess_target builds with both sides set."""
        assert self.lower is not None and self.upper is not None, "a band goal has both sides"
        return self.lower, self.upper

    def assessment(self, status: Status, reason: str, projected: float | None = None) -> TargetAssessment:
        return TargetAssessment(
            status=status,
            reason=reason,
            target_value=self.target,
            target_lower=self.lower if self.target is None else None,
            target_upper=self.upper if self.target is None else None,
            projected_value=projected,
        )


def _relation(diff: float, fmt: _Fmt) -> str:
    if diff == 0:
        return "equals "
    side = "above" if diff > 0 else "below"
    gap = fmt.gap(diff)
    if float(gap.split()[0].replace(",", "")) == 0:
        return f"is just {side} "
    return f"is {gap} {side} "


def _resolve_target(
    kind: str,
    polarity: str,
    fmt: _Fmt,
    *,
    target_value: float | None,
    baseline_value: float | None,
    baseline_label: str | None,
    change: float | None,
    relative_unit: str | None,
    comparator_value: float | None,
    due_date: date | None,
) -> tuple[float | None, str, float | None]:
    """(target, preface sentence, starting value) for the single-value kinds; target None means no baseline yet."""
    if kind == "absolute":
        return _required("target_value", target_value), "", _finite_or_none("baseline_value", baseline_value)
    if kind == "comparator":
        value = _required("comparator_value", comparator_value)
        return value, "", _finite_or_none("baseline_value", baseline_value)

    # relative_change
    if relative_unit not in ("percent", "points"):
        raise ValueError(
            f"relative_unit must be 'percent' or 'points' for a relative_change target; got {relative_unit!r}"
        )
    size = _required("change", change)
    if size == 0:
        raise ValueError("change must not be 0")
    if polarity != "no_judgement" and size < 0:
        raise ValueError("change is the size of the improvement and must be positive; polarity gives its direction")
    sign = {"high_is_good": 1.0, "low_is_good": -1.0}.get(polarity, math.copysign(1.0, size))
    size = abs(size)
    by = f"{size:g}%" if relative_unit == "percent" else f"{size:g} percentage point{'' if size == 1 else 's'}"
    word = "rise" if sign > 0 else "fall"
    due = f" by {_month(due_date)}" if due_date is not None else ""
    baseline = _finite_or_none("baseline_value", baseline_value)
    if baseline is None:
        return None, f"The target is a {by} {word} from a baseline that has not been recorded yet.", None
    target = baseline * (1 + sign * size / 100) if relative_unit == "percent" else baseline + sign * size
    when = f" ({baseline_label})" if baseline_label else ""
    preface = (
        f"The target is a {by} {word} from the baseline of {fmt.value(baseline)}{when}, i.e. {fmt.value(target)}{due}. "
    )
    return target, preface, baseline


def _baseline(
    due_date: date | None,
    as_of: date,
    latest_value: float | None,
    latest_date: date | None,
    series_dates: Sequence[date],
    fmt: _Fmt,
    latest_label: str | None,
) -> TargetAssessment:
    dates = [d for d in series_dates if d <= as_of]
    if latest_date is not None and latest_date <= as_of:
        dates.append(latest_date)
    first = min(dates) if dates else None
    due = _month(due_date) if due_date is not None else None
    if first is not None and (due_date is None or first <= due_date):
        value = f": the latest value is {fmt.value(latest_value)}" if latest_value is not None else ""
        when = f" ({latest_label or _month(latest_date)})" if latest_date is not None and value else ""
        by = f" by the due date of {due}" if due else ""
        return TargetAssessment(
            status="baseline_set",
            reason=f"A baseline has been recorded{by}{value}{when}. The target asks only for a baseline; it sets no "
            "level to reach yet.",
        )
    if first is None and (due_date is None or as_of <= due_date):
        by = f"; it is due by {due}" if due else ""
        return TargetAssessment(status="no_data", reason=f"No baseline has been recorded yet{by}.")
    since = f" One was first recorded in {_month(first)}." if first is not None else ""
    return TargetAssessment(status="not_met", reason=f"No baseline was recorded by the due date of {due}.{since}")


def _project(
    due_date: date,
    as_of: date,
    latest_value: float,
    latest_date: date,
    series_dates: Sequence[date],
    series_values: Sequence[float],
    baseline_value: float | None,
    baseline_date: date | None,
) -> float | None:
    """Value of the linear trend at the due date, or None when there is no trend to extrapolate."""
    points = {d: float(v) for d, v in zip(series_dates, series_values, strict=True) if d <= as_of}
    points.setdefault(latest_date, latest_value)
    if len(points) < 2 and baseline_value is not None and baseline_date is not None and baseline_date < latest_date:
        points = {baseline_date: float(baseline_value), latest_date: latest_value}
    if len(points) < 2:
        return None
    x = np.array([d.toordinal() for d in points], dtype=float)
    y = np.array(list(points.values()), dtype=float)
    if not np.isfinite(y).all():
        raise ValueError("series_values must be finite numbers")
    xc = x - x.mean()
    slope = float((xc * (y - y.mean())).sum() / (xc * xc).sum())
    return float(y.mean() + slope * (due_date.toordinal() - x.mean()))


def _required(name: str, value: float | None) -> float:
    out = _finite_or_none(name, value)
    if out is None:
        raise ValueError(f"{name} is required for this kind of target")
    return out


def _finite_or_none(name: str, value: float | None) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number, got {value!r}") from exc
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


def _month(d: date) -> str:
    return f"{d:%B %Y}"
