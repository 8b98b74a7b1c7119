import datetime as dt

import pandas as pd

from outcomes.demo import DemoStructure, Practice, generate, month_starts

STRUCTURE = DemoStructure(
    practices=(Practice("P1", "PCN1", 8000), Practice("P2", "PCN1", 12000), Practice("P3", "PCN2", 6000)),
    pcn_borough={"PCN1": "B", "PCN2": "B"},
    pcn_rate={"PCN1": 10.3, "PCN2": 12.81},
    borough="B",
    icb="ICB",
    region="R",
    country="C",
)
END = dt.date(2026, 9, 30)
PRACTICES = {"P1", "P2", "P3"}


def test_generation_is_deterministic_for_a_seed():
    a = generate(STRUCTURE, seed=5, end=END, months=24)
    b = generate(STRUCTURE, seed=5, end=END, months=24)
    c = generate(STRUCTURE, seed=6, end=END, months=24)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)


def test_monthly_series_are_long_enough_for_spc_and_breakdowns_sum_to_the_headline():
    frame = generate(STRUCTURE, seed=1, end=END, months=24)
    acsc = frame[(frame.indicator_code == "OUT5_ACSC_ADMISSIONS") & frame.org_code.isin(PRACTICES)]
    headline = acsc[acsc.breakdown == "all"]
    assert headline.groupby("org_code").size().min() >= 24
    for dimension in ("age", "sex", "ethnicity", "imd_quintile"):
        split = acsc[acsc.breakdown == dimension].groupby(["org_code", "period_start"])["numerator"].sum()
        total = headline.set_index(["org_code", "period_start"])["numerator"]
        pd.testing.assert_series_equal(split.sort_index(), total.sort_index(), check_names=False)


def test_acsc_shows_the_plan_shape_and_a_real_shift():
    frame = generate(STRUCTURE, seed=1, end=END, months=48)
    acsc = frame[(frame.indicator_code == "OUT5_ACSC_ADMISSIONS") & (frame.breakdown == "all")]
    acsc = acsc[acsc.org_code.isin(PRACTICES)]
    monthly = acsc.groupby("period_start")[["numerator", "denominator"]].sum()
    rate = monthly.numerator / monthly.denominator * 1000
    before = rate[rate.index < dt.date(2025, 4, 1)].mean()
    after = rate[rate.index >= dt.date(2025, 4, 1)].mean()
    assert 10.5 < before < 12.5  # the plan's 10.3 to 12.81 PCN spread
    assert after < before * 0.95  # the shift the SPC chart should show
    deprived = frame[(frame.indicator_code == "OUT5_ACSC_ADMISSIONS") & (frame.breakdown == "imd_quintile")]
    by_q = deprived.groupby("category")[["numerator", "denominator"]].sum()
    q_rate = by_q.numerator / by_q.denominator
    assert q_rate["1"] > q_rate["5"] * 1.5  # the deprivation gap


def test_month_starts_end_with_the_month_of_the_end_date():
    months = month_starts(dt.date(2026, 9, 30), 3)
    assert months == [dt.date(2026, 7, 1), dt.date(2026, 8, 1), dt.date(2026, 9, 1)]
