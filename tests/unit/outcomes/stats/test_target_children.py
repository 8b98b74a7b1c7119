"""A target that must hold in every PCN: one rule in outcomes/stats/targets.py, the same as for groups.

The board called its own copy of this rule and drifted (no due date gave "off_track" there, "not_met" here);
these cases run through both combiners so the two cannot differ again."""

from __future__ import annotations

from datetime import date

import pytest

from outcomes.stats.target_groups import GroupAssessment, combine_child_assessments, combine_group_assessments
from outcomes.stats.targets import TargetAssessment

MET = TargetAssessment("met", "Harrow meets it.", target_value=10.0)
MISS = TargetAssessment("not_met", "It does not.")
ON_TRACK = TargetAssessment("on_track", "Heading there.")
AS_OF = date(2026, 12, 1)

CASES = [  # (overall, children, due date, expected status)
    (MET, [MET, MISS], date(2027, 3, 31), "off_track"),
    (MET, [MET, MISS], date(2026, 3, 31), "not_met"),
    (MET, [MET, MISS], None, "not_met"),
    (MET, [MET, ON_TRACK], date(2027, 3, 31), "off_track"),
    (MET, [MET, MET], None, "met"),
    (MISS, [MET, MET], None, "not_met"),
    (ON_TRACK, [MISS], date(2027, 3, 31), "on_track"),
]


@pytest.mark.parametrize(("overall", "children", "due", "expected"), CASES)
def test_children_and_groups_are_combined_by_the_same_rule(overall, children, due, expected) -> None:
    named = [(f"PCN {i}", result) for i, result in enumerate(children)]
    by_child, _ = combine_child_assessments(overall, named, as_of=AS_OF, due_date=due)
    groups = [GroupAssessment("Age", f"group {i}", result) for i, result in enumerate(children)]
    by_group = combine_group_assessments(overall, groups, as_of=AS_OF, due_date=due)
    assert by_child.status == by_group.status == expected


def test_the_summary_names_the_pcns_that_meet_it_and_the_reason_says_why() -> None:
    result, summary = combine_child_assessments(
        MET, [("Harrow East", MET), ("Harrow West", MISS)], as_of=AS_OF, due_date=None
    )
    assert summary == "1 of 2 PCNs meet it (Harrow East)."
    assert result.reason == "Harrow meets it. But it must hold in every PCN: 1 of 2 PCNs meet it (Harrow East)."
    assert result.target_value == 10.0


def test_no_children_leaves_the_assessment_alone() -> None:
    assert combine_child_assessments(MET, [], as_of=AS_OF, due_date=None) == (MET, "")
    _, summary = combine_child_assessments(MET, [("A", MISS)], as_of=AS_OF, due_date=None)
    assert summary == "0 of 1 PCNs meet it."
