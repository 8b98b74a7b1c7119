"""Complementary suppression and the attacker's bounds (outcomes.disclosure_secondary)."""

from __future__ import annotations

import numpy as np
import pytest

from outcomes.disclosure import suppress_counts
from outcomes.disclosure_secondary import attacker_bounds, complementary_suppression, naive_exposures

NAN = np.nan


def _control(exact, groups, *, controllable=None, min_width=2.0):
    exact = np.asarray(exact, dtype=float)
    controllable = np.ones(len(exact), bool) if controllable is None else np.asarray(controllable, bool)
    rule = suppress_counts(exact)
    shown = np.where(controllable, np.where(rule.suppressed, NAN, rule.values), exact)
    primary = rule.suppressed & controllable
    return complementary_suppression(
        exact, shown, primary, controllable, controllable, [np.asarray(g) for g in groups], min_width=min_width
    )


def test_bounds_from_a_rounded_total_and_rounded_parts():
    # total shown 10 (8..12), parts *, 0, *: each hidden part is 1 to 11.
    lo, hi = attacker_bounds(
        np.array([10, NAN, 0, NAN]), np.array([0, 1, 0, 1], bool), np.ones(4, bool), [[0, 1, 2, 3]]
    )
    assert list(lo) == [8, 1, 0, 1] and list(hi) == [12, 11, 0, 11]


def test_bounds_pin_a_lone_suppressed_part_against_an_exact_total():
    """The auditor's case: 90 minus the parts shown exactly gives the hidden 7."""
    shown = np.array([90, 0, 11, 23, 16, 33, NAN])
    lo, hi = attacker_bounds(shown, np.isnan(shown), np.zeros(7, bool), [np.arange(7)])
    assert lo[6] == hi[6] == 7


def test_bounds_narrow_through_linked_groups():
    # a = b + c (exact a = 10, b shown exact 4), c = d + e (e exact 1): d is pinned through both groups.
    shown = np.array([10, 4, NAN, NAN, 1])
    suppressed = np.isnan(shown)
    lo, hi = attacker_bounds(shown, suppressed, np.zeros(5, bool), [[0, 1, 2], [2, 3, 4]])
    assert (lo[2], hi[2]) == (6, 6) and (lo[3], hi[3]) == (5, 5)


def test_a_lone_suppressed_part_takes_the_smallest_non_zero_part_with_it():
    # total 90 (exact, e.g. the borough), parts 0, 11, 23, 16, 33, 7: the 7 alone would be 90 - the rest.
    exact = [90, 0, 11, 23, 16, 33, 7]
    hidden = _control(exact, [range(7)], controllable=[False, *[True] * 6])
    assert list(np.flatnonzero(hidden)) == [2, 6]  # the 11: the least information, not the zero


def test_no_group_is_left_with_exactly_one_suppressed_member():
    rng = np.random.default_rng(3)
    for _ in range(50):
        parts = rng.integers(0, 15, size=6)
        exact = np.array([parts.sum(), *parts], dtype=float)
        hidden = _control(exact, [range(7)])
        assert hidden[np.flatnonzero((exact >= 1) & (exact <= 7))].all()
        assert hidden.sum() != 1


def test_a_total_is_given_up_only_when_no_part_can_be():
    # PCN 12 = practices 5 and 7: both suppressed, and the total alone would give their sum, not either one.
    hidden = _control([12, 5, 7], [[0, 1, 2]])
    assert list(hidden) == [False, True, True]
    # PCN 5 = practices 5 and 0: the total is small itself.
    assert list(_control([5, 5, 0], [[0, 1, 2]])) == [True, True, False]


def test_no_suppressed_cell_is_left_with_fewer_than_three_possible_values():
    rng = np.random.default_rng(11)
    for _ in range(40):
        # a 2 x 3 table of small counts with row totals, column totals and the grand total, all under control
        # (an exact total over parts that are all small can pin them whatever else is hidden: ADR 0008)
        cells = rng.integers(0, 12, size=(2, 3)).astype(float)
        rows, cols = cells.sum(axis=1), cells.sum(axis=0)
        exact = np.concatenate([cells.ravel(), rows, cols, [cells.sum()]])
        groups = [[6, 0, 1, 2], [7, 3, 4, 5], [8, 0, 3], [9, 1, 4], [10, 2, 5], [11, 6, 7], [11, 8, 9, 10]]
        controllable = np.ones(len(exact), bool)
        hidden = _control(exact, groups, controllable=controllable)
        rule = suppress_counts(exact)
        shown = np.where(hidden, NAN, np.where(controllable, rule.values, exact))
        small = rule.suppressed & controllable
        lo, hi = attacker_bounds(shown, hidden, controllable, [np.asarray(g) for g in groups], small=small)
        assert np.all(hi[hidden] - lo[hidden] >= 2), (exact, hidden)


def test_cells_above_the_controlled_levels_are_never_suppressed():
    hidden = _control([9, 3, 6], [[0, 1, 2]], controllable=[False, True, True])
    assert not hidden[0] and hidden[1] and hidden[2]


def test_nothing_to_do_without_primary_suppression():
    assert not _control([40, 20, 20], [[0, 1, 2]]).any()


@pytest.mark.parametrize("width", [1.0, 2.0, 4.0])
def test_a_wider_protection_suppresses_at_least_as_much(width):
    exact = [30, 9, 3, 18]
    narrow = _control(exact, [[0, 1, 2, 3]], min_width=1.0)
    wider = _control(exact, [[0, 1, 2, 3]], min_width=width)
    assert (wider | narrow).sum() == wider.sum()


def test_the_plain_attacker_landing_on_a_small_count_is_caught():
    # total 14 shown 15 (12.5..17.5 to this attacker) over two hidden 7s (1..7 each): each is 5.5..7, holding 7,
    # and the rounded total is 12.5..14, holding 14.
    exact = np.array([14.0, 7.0, 7.0])
    shown = np.array([15.0, NAN, NAN])
    hits = naive_exposures(exact, shown, np.isnan(shown), np.ones(3, bool), [np.arange(3)], half=2.5)
    assert sorted(cell for _, cell in hits) == [0, 1, 2]
    # A wrong guess (the * is really 30, hidden to protect another cell) refutes itself: nothing flagged.
    wrong = naive_exposures(
        np.array([45.0, 15.0, 30.0]),
        np.array([45.0, 15.0, NAN]),
        np.array([False, False, True]),
        np.ones(3, bool),
        [np.arange(3)],
        half=2.5,
    )
    assert wrong == []


def test_a_rounded_count_that_differencing_pins_is_suppressed_itself():
    # Practice total 13 (shown 15), female 6 and male 7 both hidden: knowing both are at most 7, the total is 13
    # or 14 (15 - 2 .. 14): too narrow, so the total is hidden as well.
    hidden = _control([13, 6, 7], [[0, 1, 2]])
    assert list(hidden) == [True, True, True]


def _hierarchy(seed: int, months: int = 6) -> tuple[np.ndarray, list[list[int]], np.ndarray]:
    """Practices in PCNs in a borough, each with a headline and four categories, over several months: counts,
    groups (an area's categories; a PCN's practices; the borough's PCNs) and what is under control (all but the
    borough's headline), as the pages' controlled frame has them."""
    rng = np.random.default_rng(seed)
    exact, groups, controllable = [], [], []

    def cell(value: float, control: bool = True) -> int:
        exact.append(value)
        controllable.append(control)
        return len(exact) - 1

    for _ in range(months):
        pcns = []
        for _ in range(3):
            practices = []
            for _ in range(4):
                parts = rng.integers(0, 14, size=4).astype(float)
                practices.append([cell(parts.sum()), *(cell(v) for v in parts)])
            pcns.append(practices)
        pcn_cells = []
        for practices in pcns:
            sums = np.sum([[exact[c] for c in p] for p in practices], axis=0)
            pcn_cells.append([cell(v) for v in sums])
            for column in range(5):
                groups.append([pcn_cells[-1][column], *(p[column] for p in practices)])
        sums = np.sum([[exact[c] for c in p] for p in pcn_cells], axis=0)
        borough = [cell(sums[0], control=False), *(cell(v) for v in sums[1:])]
        for column in range(5):
            groups.append([borough[column], *(p[column] for p in pcn_cells)])
        for area in [p for practices in pcns for p in practices] + pcn_cells + [borough]:
            groups.append(list(area))
    return np.asarray(exact), groups, np.asarray(controllable)


@pytest.mark.parametrize("seed", range(4))
def test_propagating_only_the_changed_components_suppresses_the_same_cells(seed, monkeypatch):
    import outcomes.disclosure_secondary as secondary

    exact, groups, controllable = _hierarchy(seed)
    calls = []
    bounds = secondary.attacker_bounds
    monkeypatch.setattr(secondary, "attacker_bounds", lambda *a, **k: calls.append(len(a[3])) or bounds(*a, **k))
    by_component = _control(exact, groups, controllable=controllable)
    # Several rounds, the later ones over fewer groups than all (the months are separate components).
    assert len(calls) > 1 and min(calls[1:]) < len(groups)
    # One component for every cell: the bounds of every cell are propagated again in every round.
    monkeypatch.setattr(secondary, "_components", lambda matrix, cells: np.zeros(cells, dtype=int))
    everywhere = _control(exact, groups, controllable=controllable)
    assert by_component.any() and np.array_equal(by_component, everywhere)
    rule = suppress_counts(exact)
    shown = np.where(by_component, NAN, np.where(controllable, rule.values, exact))
    lo, hi = attacker_bounds(
        shown, by_component, controllable, [np.asarray(g) for g in groups], small=rule.suppressed & controllable
    )
    assert np.all(hi[by_component] - lo[by_component] >= 2)


def test_components_and_the_padded_matrix():
    from outcomes.disclosure_secondary import _components, _padded

    groups = [np.array([0, 1, 2]), np.array([3, 4]), np.array([2, 5, 6, 7])]
    matrix = _padded(groups, 9)
    assert matrix.tolist() == [[0, 1, 2, 9], [3, 4, 9, 9], [2, 5, 6, 7]]
    labels = _components(matrix, 9)
    assert len(set(labels[[0, 1, 2, 5, 6, 7]])) == 1 and labels[3] == labels[4] != labels[0]
    assert labels[8] not in labels[:8]  # a cell in no group is a component of its own
