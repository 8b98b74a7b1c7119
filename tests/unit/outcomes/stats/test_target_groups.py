"""Targets that must hold in every group: combining per-group assessments into one status and reason."""

from __future__ import annotations

from datetime import date

import pytest

from outcomes.stats.target_groups import GroupAssessment, combine_group_assessments
from outcomes.stats.targets import TargetAssessment
from outcomes.vocabulary import breakdown_label, group_label

MET = TargetAssessment("met", "Latest value 72% meets the target of 71%; the target is already met.", 71.0)
OFF = TargetAssessment("off_track", "Latest value 68% is 3 points below the target of 71%.", 71.0)
BEFORE, DUE, AFTER = date(2026, 12, 1), date(2027, 3, 31), date(2027, 6, 1)


def group(breakdown: str, category: str, status: str | None) -> GroupAssessment:
    result = None if status is None else TargetAssessment(status, f"{category} reason", 71.0)  # type: ignore[arg-type]
    return GroupAssessment(breakdown_label(breakdown), group_label(breakdown, category), result)


def test_met_overall_but_missed_by_groups_is_off_track_before_due_and_names_them() -> None:
    groups = [
        group("ethnicity", "asian", "off_track"),
        group("ethnicity", "black", "not_met"),
        group("ethnicity", "white", "met"),
        group("imd_quintile", "1", "off_track"),
        group("imd_quintile", "5", "met"),
    ]
    got = combine_group_assessments(MET, groups, as_of=BEFORE, due_date=DUE, whole="Harrow as a whole")
    assert got.status == "off_track"
    # the text never says "met" beside an "Off track" badge: only Harrow as a whole meets it
    assert got.reason.startswith("Latest value 72% meets the target of 71%; Harrow as a whole already meets it.")
    assert "the target is already met" not in got.reason
    assert "it does not for: Asian, Black; IMD quintile 1 (most deprived)." in got.reason
    assert "White" not in got.reason and "quintile 5" not in got.reason
    assert got.target_value == MET.target_value


@pytest.mark.parametrize("as_of, due", [(AFTER, DUE), (BEFORE, None)])
def test_after_the_due_date_or_without_one_a_missed_group_means_not_met(as_of, due) -> None:
    got = combine_group_assessments(MET, [group("age", "18-44", "not_met")], as_of=as_of, due_date=due)
    assert got.status == "not_met"
    assert "not for: aged 18 to 44." in got.reason


def test_a_group_only_on_track_has_not_met_it() -> None:
    got = combine_group_assessments(MET, [group("sex", "female", "on_track")], as_of=BEFORE, due_date=DUE)
    assert got.status == "off_track" and "not for: Female." in got.reason


def test_every_group_met_keeps_met_and_says_so() -> None:
    groups = [group("age", "75+", "met"), group("ethnicity", "asian", "met")]
    got = combine_group_assessments(MET, groups, as_of=BEFORE, due_date=DUE)
    assert got.status == "met"
    assert "It is also met in every group by age band and ethnic group." in got.reason


def test_groups_without_data_are_named_and_never_claimed() -> None:
    groups = [group("age", "75+", "met"), group("ethnicity", "mixed", None)]
    got = combine_group_assessments(
        MET, groups, as_of=BEFORE, due_date=DUE, missing_breakdowns=[breakdown_label("imd_quintile")]
    )
    assert got.status == "met"
    assert "every group with data by age band." in got.reason
    assert "no value for: Mixed ethnicity; any group by deprivation (IMD quintile)" in got.reason
    assert "not known" in got.reason and "in every group by" not in got.reason


def test_only_missing_breakdowns_still_says_nothing_is_known() -> None:
    got = combine_group_assessments(MET, [], as_of=BEFORE, due_date=DUE, missing_breakdowns=["ethnic group"])
    assert got.status == "met" and "also met" not in got.reason
    assert "no value for: any group by ethnic group, so whether it holds there is not known." in got.reason


def test_not_met_overall_keeps_its_status_and_adds_the_groups() -> None:
    got = combine_group_assessments(OFF, [group("imd_quintile", "2", "off_track")], as_of=BEFORE, due_date=DUE)
    assert got.status == "off_track"
    assert got.reason == f"{OFF.reason} By group, it is not met for: IMD quintile 2."


def test_no_groups_leaves_the_assessment_alone() -> None:
    assert combine_group_assessments(MET, [], as_of=BEFORE, due_date=DUE) is MET


@pytest.mark.parametrize(
    "breakdown, category, words",
    [
        ("ethnicity", "other", "Other ethnic group"),
        ("ethnicity", "not_stated", "Ethnicity not stated"),
        ("imd_quintile", "3", "IMD quintile 3"),
        ("imd_quintile", "5", "IMD quintile 5 (least deprived)"),
        ("age", "0-4", "aged 0 to 4"),
        ("age", "75+", "aged 75 and over"),
        ("sex", "male", "Male"),
        ("partner", "lnwuht", "LNWUHT"),
        ("partner", "harrow-council", "Harrow Council"),
    ],
)
def test_group_labels_read_as_words(breakdown, category, words) -> None:
    assert group_label(breakdown, category) == words
