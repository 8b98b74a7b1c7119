"""Targets that must hold in every group or every area ("in every age, ethnic and socio-economic group", "in
each PCN"): the per-group or per-area assessments combined into one status and one reason that never contradicts
it. Pure, like ``targets``, whose ``assess_target`` judges each group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .targets import TargetAssessment


@dataclass(frozen=True)
class GroupAssessment:
    """The target assessed for one group. ``assessment`` is None when the group has no value (no data, or
    suppressed), so nothing can be said about it."""

    breakdown: str  # as the reason names it, e.g. "ethnic group"
    category: str  # e.g. "Asian"
    assessment: TargetAssessment | None


def combine_group_assessments(
    overall: TargetAssessment,
    groups: Sequence[GroupAssessment],
    *,
    as_of: date,
    due_date: date | None,
    missing_breakdowns: Sequence[str] = (),
    whole: str = "the area as a whole",
) -> TargetAssessment:
    """One assessment for a target that must hold overall and in every group.

    * A group "misses" unless its own status is "met" (a group only on track has not reached the target).
    * Overall "met" with any group missing becomes "off_track" up to the due date, "not_met" after it or when
      there is no due date (judged on the latest values alone, as `assess_target` does); the reason says "met
      overall, but not for: Asian, Black; IMD quintile 1", groups of one breakdown together, in the order given.
    * Groups without a value, and breakdowns without any data (``missing_breakdowns``), are named as such; they
      are never counted as meeting the target, so the reason never claims it holds in every group unless every
      group was assessed and met. They alone do not change the status.
    * Any other overall status is kept; the reason adds which groups miss.
    """
    misses = [g for g in groups if g.assessment is not None and g.assessment.status != "met"]
    unknown = [g for g in groups if g.assessment is None]
    if not groups and not missing_breakdowns:
        return overall
    sentences = []
    status = overall.status
    reason = overall.reason
    if misses:
        who = _group_list(misses)
        if overall.status == "met":
            past_due = due_date is None or as_of > due_date
            status = "not_met" if past_due else "off_track"
            reason = met_overall_only(reason, whole)
            sentences.append(f"But the target must hold in every group, and it does not for: {who}.")
        else:
            sentences.append(f"By group, it is not met for: {who}.")
    elif groups and overall.status == "met":
        assessed = list(dict.fromkeys(g.breakdown for g in groups if g.assessment is not None))
        if assessed:
            every = "every group with data" if unknown or missing_breakdowns else "every group"
            sentences.append(f"It is also met in {every} by {_and(assessed)}.")
    gaps = []
    if unknown:
        gaps.append(_group_list(unknown))
    if missing_breakdowns:
        gaps.append(f"any group by {_and(list(missing_breakdowns))}")
    if gaps:
        sentences.append(f"There is no value for: {'; '.join(gaps)}, so whether it holds there is not known.")
    reason = " ".join([reason, *sentences]).strip()
    return TargetAssessment(
        status=status,
        reason=reason,
        target_value=overall.target_value,
        target_lower=overall.target_lower,
        target_upper=overall.target_upper,
        projected_value=overall.projected_value,
    )


def combine_child_assessments(
    overall: TargetAssessment,
    children: Sequence[tuple[str, TargetAssessment]],
    *,
    as_of: date,
    due_date: date | None,
    child_kind: str = "PCN",
    whole: str = "the area as a whole",
) -> tuple[TargetAssessment, str]:
    """One assessment for a target that must hold overall and in every child area (e.g. every PCN), with the
    summary line naming the children that meet it.

    The same rule as `combine_group_assessments`: overall "met" with any child not met becomes "off_track" up to
    the due date and "not_met" after it or when there is no due date (judged on the latest values alone, as
    `assess_target` does). Any other overall status is kept. With no children the overall assessment stands.
    """
    if not children:
        return overall, ""
    meeting = [name for name, result in children if result.status == "met"]
    summary = f"{len(meeting)} of {len(children)} {child_kind}s meet it" + (
        f" ({', '.join(meeting)})." if meeting else "."
    )
    if overall.status != "met" or len(meeting) == len(children):
        return overall, summary
    past_due = due_date is None or as_of > due_date
    combined = TargetAssessment(
        status="not_met" if past_due else "off_track",
        reason=f"{met_overall_only(overall.reason, whole)} But it must hold in every {child_kind}: {summary}",
        target_value=overall.target_value,
        target_lower=overall.target_lower,
        target_upper=overall.target_upper,
        projected_value=overall.projected_value,
    )
    return combined, summary


#: The sentences `assess_target` ends a "met" reason with, and how they read when only the whole area meets it.
_MET_PHRASES = (
    ("; the target is already met.", "; {whole} already meets it."),
    ("; the target was met", "; {whole} met it"),
    ("; it is met.", "; {whole} meets it."),
)


def met_overall_only(reason: str, whole: str) -> str:
    """A "met" reason reworded for a target met only by the whole area (``whole``, e.g. "Harrow as a whole"), so
    the text never says "met" beside a badge that does not."""
    for said, meant in _MET_PHRASES:
        reason = reason.replace(said, meant.format(whole=whole))
    return reason


def _group_list(groups: Sequence[GroupAssessment]) -> str:
    by_breakdown: dict[str, list[str]] = {}
    for g in groups:
        by_breakdown.setdefault(g.breakdown, []).append(g.category)
    return "; ".join(", ".join(categories) for categories in by_breakdown.values())


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
