"""Coverage of derived values (pure): members in force, covered share by weight, and the words of the caveat."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from outcomes import coverage

D = dt.date
END = D(2026, 3, 31)


def _memberships() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "practice_id": [1, 2, 3, 4],
            "pcn_id": [10, 10, 11, 11],
            "start": [D(2020, 1, 1)] * 4,
            "end": [None, None, None, END],  # practice 4 left on the last day: ``end`` is exclusive
        }
    )


def test_members_in_force_on_the_last_day_for_pcns_and_their_borough():
    members = coverage.members_by_group(_memberships(), {10: 100, 11: 100}, [END])
    assert members == {(10, END): {1, 2}, (11, END): {3}, (100, END): {1, 2, 3}}


def test_the_covered_share_is_weighed_and_the_missing_codes_named():
    members = {(10, END): frozenset({1, 2}), (100, END): frozenset({1, 2, 3})}
    sums = pd.DataFrame({"area_id": [10, 100], "period_end": [END, END], "covered": [(1,), (1, 3)]})
    weights = {(1, END): 300.0, (2, END): 100.0, (3, END): 600.0}
    out = coverage.coverage(sums, members, weights, coverage.DENOMINATOR, {1: "A1", 2: "B2", 3: "C3"})
    assert out.loc[0].tolist() == [1, 2, 0.75, coverage.DENOMINATOR, "B2"]
    assert out.loc[1].tolist() == [2, 3, 0.9, coverage.DENOMINATOR, "B2"]


def test_a_member_without_a_weight_makes_the_share_a_count_of_practices():
    members = {(10, END): frozenset({1, 2, 5})}
    sums = pd.DataFrame({"area_id": [10], "period_end": [END], "covered": [(1, 2)]})
    out = coverage.coverage(sums, members, {(1, END): 1.0, (2, END): 1.0}, coverage.LIST_SIZE, {})
    assert out.loc[0, "coverage_basis"] == coverage.PRACTICES
    assert out.loc[0, "coverage_share"] == 2 / 3 and out.loc[0, "missing_practices"] == "5"


def test_full_coverage_has_no_missing_codes_and_no_caveat():
    members = {(10, END): frozenset({1, 2})}
    sums = pd.DataFrame({"area_id": [10], "period_end": [END], "covered": [(1, 2)]})
    out = coverage.coverage(sums, members, {}, coverage.DENOMINATOR, {})
    assert out.loc[0].tolist() == [2, 2, 1.0, coverage.DENOMINATOR, ""]
    assert coverage.caveat(2, 2, 1.0, coverage.DENOMINATOR) == ""
    assert coverage.caveat(0, 0, None, "") == ""  # not a derived row


def test_the_caveat_is_short_and_says_what_weighs_the_share():
    assert coverage.caveat(27, 29, 0.93, coverage.LIST_SIZE) == "Covers 27 of 29 practices (93% of registered patients)"
    assert coverage.caveat(27, 29, 0.93, coverage.DENOMINATOR) == "Covers 27 of 29 practices (93% of the denominator)"
    assert coverage.caveat(5, 29, 5 / 29, coverage.PRACTICES) == "Covers 5 of 29 practices"
    assert coverage.caveat(28, 29, 0.998, coverage.LIST_SIZE).endswith("(99.8% of registered patients)")


def test_frame_caveats_reads_the_selectors_columns():
    frame = pd.DataFrame(
        {
            "covered_practices": [0, 3, 2],
            "member_practices": [0, 3, 4],
            "coverage_share": [np.nan, 1.0, 0.4],
            "coverage_basis": ["", "denominator", "denominator"],
        }
    )
    assert coverage.frame_caveats(frame) == ["", "", "Covers 2 of 4 practices (40% of the denominator)"]
    assert coverage.frame_caveats(pd.DataFrame({"value": [1.0]})) == [""]


def test_long_lists_of_codes_are_shortened():
    codes = ",".join(f"P{i}" for i in range(12))
    assert coverage.shorten_codes(codes) == "P0, P1, P2, P3, P4, P5, P6, P7 and 4 more"
    assert coverage.shorten_codes("A,B") == "A, B"
