import datetime as dt

import numpy as np
import pandas as pd
import pytest

from outcomes.rollup import count_rows, group_sums, interval_function, ratio_of_sums, rollup_ratio_of_sums

D = dt.date
MEMBERSHIPS = pd.DataFrame(
    [
        {"practice_id": 1, "pcn_id": 10, "start": D(2019, 7, 1), "end": None},
        {"practice_id": 2, "pcn_id": 10, "start": D(2019, 7, 1), "end": None},
        {"practice_id": 3, "pcn_id": 11, "start": D(2019, 7, 1), "end": D(2024, 1, 1)},
        {"practice_id": 3, "pcn_id": 10, "start": D(2024, 1, 1), "end": None},
    ]
)
PARENT = {10: 100, 11: 100}


def rows(period_end, values):
    return pd.DataFrame(
        [
            {
                "area_id": a,
                "period_start": period_end.replace(day=1),
                "period_end": period_end,
                "breakdown": "all",
                "category": "all",
                "numerator": n,
                "denominator": d,
                "suppressed": s,
            }
            for a, n, d, s in values
        ]
    )


def test_pcn_and_borough_values_are_a_ratio_of_sums_not_a_mean_of_ratios():
    practice = rows(D(2023, 6, 30), [(1, 10, 100, False), (2, 300, 1000, False), (3, 5, 50, False)])
    out = rollup_ratio_of_sums(practice, MEMBERSHIPS, PARENT, multiplier=100).set_index("area_id")
    assert out.loc[10, "numerator"] == 310 and out.loc[10, "denominator"] == 1100
    assert out.loc[10, "value"] == pytest.approx(310 / 1100 * 100)
    assert out.loc[10, "value"] != pytest.approx((10 + 30) / 2)  # the mean of practice percentages
    assert out.loc[100, "value"] == pytest.approx(315 / 1150 * 100)
    assert out.loc[11, "value"] == pytest.approx(10.0)


def test_membership_in_force_at_period_end_decides_the_pcn():
    practice = rows(D(2024, 6, 30), [(1, 10, 100, False), (2, 300, 1000, False), (3, 5, 50, False)])
    out = rollup_ratio_of_sums(practice, MEMBERSHIPS, PARENT, multiplier=100).set_index("area_id")
    assert 11 not in out.index  # practice 3 moved to PCN 10 in January 2024
    assert out.loc[10, "denominator"] == 1150


def test_a_suppressed_member_suppresses_the_group_with_the_reason():
    practice = rows(D(2023, 6, 30), [(1, None, None, True), (2, 300, 1000, False), (3, 5, 50, False)])
    out = rollup_ratio_of_sums(practice, MEMBERSHIPS, PARENT, multiplier=100).set_index("area_id")
    assert bool(out.loc[10, "suppressed"]) and np.isnan(out.loc[10, "value"])
    assert out.loc[10, "note"].startswith("1 of 2 practices")
    assert not bool(out.loc[11, "suppressed"])


def test_intervals_come_from_the_indicator_method():
    practice = rows(D(2023, 6, 30), [(1, 10, 100, False), (2, 300, 1000, False)])
    out = rollup_ratio_of_sums(
        practice, MEMBERSHIPS, PARENT, multiplier=100, interval=interval_function("wilson", 100)
    ).set_index("area_id")
    # Wilson 95% interval for 310/1100 by the textbook score formula, as percentages.
    assert out.loc[10, "lower_ci"] == pytest.approx(25.60, abs=0.01)
    assert out.loc[10, "upper_ci"] == pytest.approx(30.91, abs=0.01)
    assert interval_function("supplied", 100) is None


def test_a_count_indicator_sums_its_values_each_breakdown_apart_never_totals_into_breakdowns():
    """List sizes: a file with each practice's total and its breakdowns gives the PCN's total as the sum of the
    totals, and each sex or age band as the sum of that band; the total is never added to its own parts."""
    end = D(2020, 12, 31)
    lists = {  # practice -> (total, female, male, 0-4, 75+): female + male = total
        1: (15808, 8000, 7808, 900, 1100),
        2: (8558, 4300, 4258, 500, 700),
    }
    keys = [("all", "all"), ("sex", "female"), ("sex", "male"), ("age", "0-4"), ("age", "75+")]
    practice = pd.DataFrame(
        [
            {
                "area_id": area,
                "period_start": D(2020, 12, 1),
                "period_end": end,
                "breakdown": breakdown,
                "category": category,
                "numerator": np.nan,
                "denominator": np.nan,
                "suppressed": False,
            }
            for area in lists
            for breakdown, category in keys
        ]
    )
    values = pd.Series([value for area in lists for value in lists[area]])
    sums = group_sums(count_rows(practice, values), MEMBERSHIPS, PARENT)
    out = ratio_of_sums(sums, multiplier=1, count=True)
    pcn = out[out["area_id"] == 10].set_index(["breakdown", "category"])
    assert pcn.loc[("all", "all"), "value"] == 15808 + 8558
    assert pcn.loc[("sex", "female"), "value"] == 8000 + 4300
    assert pcn.loc[("age", "75+"), "value"] == 1100 + 700
    assert pcn["value"].sum() != pcn.loc[("all", "all"), "value"]  # the keys are apart, not one pile
    assert pcn[["numerator", "denominator", "lower_ci", "upper_ci"]].isna().all().all()
    assert set(pcn["note"]) == {"Sum over 2 practices"}
    # A practice whose value is missing makes the sum incomplete: held as suppressed, never a smaller sum.
    values[0] = np.nan
    out = ratio_of_sums(group_sums(count_rows(practice, values), MEMBERSHIPS, PARENT), multiplier=1, count=True)
    total = out[(out["area_id"] == 10) & (out["category"] == "all")].iloc[0]
    assert (
        total["suppressed"] and np.isnan(total["value"]) and total["note"] == "1 of 2 practices missing or suppressed"
    )
