"""One controlled frame: values from controlled counts, complementary suppression, and carrying it onto a page's
rows (outcomes.disclosure.control_observations, overlay_controlled)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from outcomes.disclosure import control_observations, overlay_controlled, rows_by_area
from outcomes.rollup import interval_function

KEYS = ["area_id", "breakdown", "category"]


def _frame() -> pd.DataFrame:
    """The auditor's PCN: 90 admissions in 10,300 person-years, by age."""
    counts = {"0-4": (0, 600), "5-17": (7, 1500), "18-44": (11, 4000), "45-64": (23, 2500), "65-74": (16, 800)}
    counts["75+"] = (33, 900)
    rows = [(1, "all", "all", 90, 10300)] + [(1, "age", c, n, d) for c, (n, d) in counts.items()]
    frame = pd.DataFrame(rows, columns=[*KEYS, "numerator", "denominator"])
    frame["value"] = frame["numerator"] / frame["denominator"] * 1000
    frame["lower_ci"], frame["upper_ci"] = frame["value"] * 0.8, frame["value"] * 1.2
    return frame


def _control(frame: pd.DataFrame, controllable=None) -> pd.DataFrame:
    groups = [np.arange(len(frame))]
    return control_observations(
        frame,
        groups,
        controllable=np.ones(len(frame), bool) if controllable is None else controllable,
        multiplier=1000,
        interval=interval_function("byar", 1000),
        decimals=2,
    )


def test_the_auditors_attacks_fail_on_the_controlled_frame():
    out = _control(_frame())
    shown = out[~out["disclosure_suppressed"]]
    # value x denominator gives back the rounded numerator shown, never the exact one.
    recomputed = shown["value"] * shown["denominator"] / 1000
    tolerance = 0.005 * shown["denominator"].to_numpy() / 1000  # the value's display precision
    assert np.all(np.abs(recomputed.to_numpy() - shown["numerator"].to_numpy()) <= tolerance + 1e-9)
    assert set(shown["numerator"] % 5) == {0}
    # The hidden 5-17 no longer stands alone: a second category is hidden with it.
    hidden = out.loc[out["disclosure_suppressed"], "category"].tolist()
    assert "5-17" in hidden and len(hidden) >= 2
    assert out.loc[out["disclosure_suppressed"], ["value", "lower_ci", "upper_ci"]].isna().all().all()


def test_intervals_come_from_the_controlled_counts():
    out = _control(_frame())
    row = out[out["category"] == "all"].iloc[0]
    lower, upper = interval_function("byar", 1000)(np.array([90.0]), np.array([10300.0]))
    assert row["lower_ci"] == round(float(lower[0]), 2) and row["upper_ci"] == round(float(upper[0]), 2)
    assert row["value"] == round(90 / 10300 * 1000, 2)


def test_rows_above_the_controlled_levels_keep_their_exact_counts_and_published_values():
    frame = _frame()
    controllable = np.array([False] + [True] * 6)
    out = _control(frame, controllable)
    assert out.loc[0, "numerator"] == 90 and out.loc[0, "value"] == frame.loc[0, "value"]
    assert out.loc[0, "numerator_display"] == "90" and not out.loc[0, "disclosure_suppressed"]


def test_overlay_carries_the_controlled_cells_onto_a_pages_rows_and_controls_the_rest():
    controlled = _control(_frame())
    page = pd.DataFrame(
        {
            "area_id": [1, 1, 2],
            "breakdown": ["age", "all", "all"],
            "category": ["5-17", "all", "all"],
            "numerator": [7.0, 90.0, 3.0],
            "denominator": [1500.0, 10300.0, 400.0],
            "value": [4.67, 8.74, 7.5],
        },
        index=[10, 11, 12],
    )
    out = overlay_controlled(page, controlled, keys=KEYS)
    assert list(out.index) == [10, 11, 12]
    assert list(out["disclosure_suppressed"]) == [True, False, True]  # area 2 is not in the frame: the rule
    assert out.loc[11, "numerator_display"] == "90" and out.loc[11, "value"] == round(90 / 10300 * 1000, 2)
    assert np.isnan(out.loc[10, "value"]) and np.isnan(out.loc[12, "value"])


def test_overlay_on_a_frames_rows_by_area_gives_what_the_whole_frame_gives():
    """`rows_by_area` only narrows the frame to the page's areas: found rows, rows left to the rule (area 2, not in
    the frame) and the dtypes all come out as from the whole frame."""
    two_areas = pd.concat([_frame(), _frame().assign(area_id=3, numerator=lambda f: f["numerator"] + 4)])
    controlled = _control(two_areas.reset_index(drop=True))
    by_area = rows_by_area(controlled)
    assert sorted(by_area) == [1, 3] and len(by_area[1]) == len(by_area[3]) == 7
    pages = [
        controlled[controlled["area_id"] == 3][[*KEYS, "numerator", "denominator", "value"]],  # every row found
        pd.DataFrame(
            {
                "area_id": [3, 2, 1],
                "breakdown": ["age", "all", "all"],
                "category": ["5-17", "all", "all"],
                "numerator": [11.0, 3.0, 90.0],
                "denominator": [1500.0, 400.0, 10300.0],
                "value": [7.33, 7.5, 8.74],
            }
        ),
        pd.DataFrame({"area_id": [2], "breakdown": ["all"], "category": ["all"], "numerator": [9.0], "value": [1.0]}),
    ]
    for page in pages:
        whole = overlay_controlled(page, controlled, keys=KEYS)
        narrowed = overlay_controlled(page, controlled, keys=KEYS, by_area=by_area)
        pd.testing.assert_frame_equal(narrowed, whole, check_exact=True)
    assert rows_by_area(controlled.iloc[:0]) == {}
