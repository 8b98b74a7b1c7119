"""The sums a reader can difference (outcomes.disclosure_groups)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from outcomes.disclosure_groups import additive_groups, groups_that_hold

JAN, FEB, MAR = (dt.date(2026, m, 1) for m in (1, 2, 3))


def _end(start: dt.date, months: int = 1) -> dt.date:
    return (pd.Timestamp(start) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()


def _rows(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area_id", "period_start", "period_end", "breakdown", "category", "numerator"])


def _as_sets(groups) -> set[tuple]:
    return {(int(g[0]), frozenset(int(x) for x in g[1:])) for g in groups}


def test_breakdown_categories_group_with_the_headline_of_the_same_area_and_period():
    frame = _rows(
        (1, JAN, _end(JAN), "all", "all", 10),
        (1, JAN, _end(JAN), "sex", "female", 4),
        (1, JAN, _end(JAN), "sex", "male", 6),
        (1, JAN, _end(JAN), "age", "0-17", 10),
        (1, FEB, _end(FEB), "sex", "female", 3),  # no headline for February: no group
    )
    assert _as_sets(additive_groups(frame)) == {(0, frozenset({1, 2})), (0, frozenset({3}))}


def test_practices_group_under_the_pcn_they_belonged_to_on_the_last_day_and_pcns_under_the_borough():
    memberships = pd.DataFrame(
        {
            "practice_id": [11, 12, 12],
            "pcn_id": [100, 100, 101],
            "start": [dt.date(2020, 1, 1), dt.date(2020, 1, 1), FEB],
            "end": [None, FEB, None],
        }
    )
    frame = _rows(
        (100, JAN, _end(JAN), "all", "all", 9),
        (11, JAN, _end(JAN), "all", "all", 4),
        (12, JAN, _end(JAN), "all", "all", 5),
        (100, FEB, _end(FEB), "all", "all", 4),
        (11, FEB, _end(FEB), "all", "all", 4),
        (12, FEB, _end(FEB), "all", "all", 6),  # moved to PCN 101 in February
        (101, FEB, _end(FEB), "all", "all", 6),
        (1, FEB, _end(FEB), "all", "all", 10),
    )
    groups = _as_sets(additive_groups(frame, memberships=memberships, pcn_parent={100: 1, 101: 1}))
    assert (0, frozenset({1, 2})) in groups
    assert (3, frozenset({4})) in groups and (6, frozenset({5})) in groups
    assert (7, frozenset({3, 6})) in groups


def test_months_that_tile_a_quarter_group_with_it():
    frame = _rows(
        (1, JAN, _end(JAN, 3), "all", "all", 30),
        (1, JAN, _end(JAN), "all", "all", 10),
        (1, FEB, _end(FEB), "all", "all", 12),
        (1, MAR, _end(MAR), "all", "all", 8),
    )
    assert _as_sets(additive_groups(frame)) == {(0, frozenset({1, 2, 3}))}
    # A quarter with a month missing is not tiled.
    assert additive_groups(frame.drop(index=2).reset_index(drop=True)) == []


def test_only_sums_that_hold_are_kept():
    groups = [np.array([0, 1, 2]), np.array([3, 4]), np.array([5, 6])]
    counts = np.array([10, 4, 6, 9, 7, 3, np.nan])
    assert [list(g) for g in groups_that_hold(groups, counts)] == [[0, 1, 2]]


def test_the_frame_needs_a_plain_index():
    frame = _rows((1, JAN, _end(JAN), "all", "all", 10)).set_axis([5])
    with pytest.raises(ValueError, match="plain index"):
        additive_groups(frame)
