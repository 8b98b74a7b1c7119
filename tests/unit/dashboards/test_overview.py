"""The board overview's rules: attention-first order, what changed since last month, the MDC matrix."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from dashboards.overview import (
    ASSURANCE_COLUMNS,
    VARIATION_ROWS,
    MeasureState,
    board_state,
    changes_since,
    comparison_text,
    mdc_matrix,
    priority,
    scorecard,
    worst_status,
)
from outcomes.stats.targets import STATUS_LABELS, STATUSES

JAN, FEB, MAR = dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)


def tile(code, statuses, *, variation=None, outcome=1, sort_order=0, end=None, period="", special=()):
    return SimpleNamespace(
        indicator=SimpleNamespace(code=code, partnership_outcome=outcome, sort_order=sort_order),
        targets=[SimpleNamespace(assessment=SimpleNamespace(status=s)) for s in statuses],
        variation_code=variation,
        assurance_code=None,
        latest_period_end=end,
        latest_period=period,
        special_cause_ends=frozenset(special),
        comparators=[],
    )


def test_the_worst_status_places_a_measure_with_several_targets():
    assert worst_status(["met", "off_track", "on_track"]) == "off_track"
    assert worst_status(["met", "baseline_set"]) == "baseline_set"
    assert worst_status([]) is None


def test_attention_comes_first_then_unjudged_then_on_track_then_met():
    tiles = [
        tile("MET", ["met"], outcome=1),
        tile("ON", ["on_track"], outcome=2),
        tile("BASE", ["baseline_set"], outcome=3),
        tile("OFF", ["off_track"], outcome=4),
        tile("NONE", [], outcome=1, sort_order=1),
        tile("NOT", ["not_met"], outcome=5),
        tile("OFF_CONCERN", ["off_track"], variation="concern_high", outcome=5),
        tile("NODATA", ["no_data"], outcome=2),
    ]
    order = [row.tile.indicator.code for row in scorecard(tiles, {})]
    # off track with concerning variation first; then not met before off track; met last
    assert order == ["OFF_CONCERN", "NOT", "OFF", "NODATA", "BASE", "NONE", "ON", "MET"]


def test_within_a_group_the_plan_order_holds():
    assert priority(["met"], None, 1, 0) < priority(["met"], None, 2, 0) < priority(["met"], None, 2, 5)
    # concerning variation lifts a measure only inside its group: a met measure never passes an off-track one
    assert priority(["off_track"], None, 5, 0) < priority(["met"], "concern_low", 1, 0)


def test_every_status_has_a_place_in_the_order_and_one_label():
    for status in STATUSES:
        assert priority([status], None, 1, 0)
        assert STATUS_LABELS[status]
    rows = scorecard([tile("A", ["baseline_set"]), tile("B", [])], {})
    assert [r.status_label for r in rows] == ["Baseline set", "No target"]


def state(statuses=("on_track",), end=FEB, period="Feb 2026", special=()):
    return MeasureState(tuple(statuses), end, period, frozenset(special))


def test_nothing_changed_gives_an_empty_list():
    assert changes_since({"A": state()}, {"A": state()}) == {"A": []}


def test_new_data_new_special_cause_and_status_changes_are_named():
    before = {"A": state(("on_track", "met"), end=JAN, period="Jan 2026", special={JAN})}
    now = {"A": state(("off_track", "met"), end=FEB, period="Feb 2026", special={JAN, FEB})}
    expected = ["New data: Feb 2026", "New special-cause point", "On track → Off track"]
    assert changes_since(before, now) == {"A": expected}


def test_several_new_special_cause_points_are_counted_and_a_new_measure_is_said_to_be_new():
    before = {"A": state(special=set())}
    now = {"A": state(special={JAN, FEB}), "B": state()}
    changes = changes_since(before, now)
    assert changes["A"] == ["2 new special-cause points"]
    assert changes["B"] == ["First month on the board"]


def test_a_measure_with_no_data_yet_has_no_new_data():
    assert changes_since({"A": state(end=None)}, {"A": state(end=None)}) == {"A": []}


def test_board_state_reads_the_tiles():
    states = board_state([tile("A", ["met", "no_data"], end=MAR, period="Mar 2026", special={MAR})])
    assert states == {"A": MeasureState(("met", "no_data"), MAR, "Mar 2026", frozenset({MAR}))}


def test_the_scorecard_carries_each_measure_s_changes():
    rows = scorecard([tile("A", ["met"])], {"A": ["New data: Feb 2026"]})
    assert rows[0].changes == ("New data: Feb 2026",)


@pytest.mark.parametrize(
    "variation, assurance, row, column",
    [
        ("concern_high", "fail", 0, 0),
        ("concern_low", "inconsistent", 0, 1),
        ("neutral_high", None, 1, 3),
        ("common_cause", "pass", 2, 2),
        ("improvement_low", "pass", 3, 2),
    ],
)
def test_the_matrix_places_each_measure_in_one_cell(variation, assurance, row, column):
    rows, without = mdc_matrix([(variation, assurance, "m")])
    assert len(rows) == len(VARIATION_ROWS) and all(len(r.cells) == len(ASSURANCE_COLUMNS) for r in rows)
    placed = [(i, j) for i, r in enumerate(rows) for j, cell in enumerate(r.cells) if "m" in cell]
    assert placed == [(row, column)] and without == []


def test_measures_without_icons_are_kept_apart_not_dropped():
    rows, without = mdc_matrix([(None, None, "few"), ("common_cause", None, "many")])
    assert without == ["few"]
    assert sum(len(cell) for r in rows for cell in r.cells) == 1


def test_comparison_in_words_takes_the_first_comparison_made():
    comparators = [
        SimpleNamespace(name="NWL", comparison="not compared"),
        SimpleNamespace(name="England", comparison="worst"),
    ]
    assert comparison_text(comparators) == "Worse than England"
    assert comparison_text([SimpleNamespace(name="London", comparison="similar")]) == "Similar to London"
    assert comparison_text([]) == ""
