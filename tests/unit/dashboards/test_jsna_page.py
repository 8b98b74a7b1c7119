"""The JSNA page's rows (issue 13.5): value with unit and interval, London and England for the same period, the
comparison with England by polarity, and when the recent trend is tested. No database: unsaved indicators."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboards.jsna_page import (
    AWAITING,
    AwaitingRow,
    JsnaPage,
    compare_with_england,
    indicator_row,
    trend_applies,
)
from outcomes.models import Indicator
from outcomes.models.observations import KEY_COLUMNS, NUMBER_COLUMNS

COLUMNS = [*KEY_COLUMNS, *NUMBER_COLUMNS, "suppressed"]


def indicator(**kwargs) -> Indicator:
    defaults = dict(
        pk=1,
        code="JSNA_X",
        name="An indicator",
        short_name="Obesity",
        unit="percent",
        multiplier=100,
        decimal_places=1,
        polarity="low_is_good",
        frequency="annual",
        interval_method="wilson",
        life_stage="start_well",
        source="NCMP",
    )
    return Indicator(**(defaults | kwargs))


def yearly(values, *, first=2020, counts=None, size=1000, lower=None, upper=None, months=12) -> list[dict]:
    rows = []
    for i, value in enumerate(values):
        start = dt.date(first + i, 1, 1)
        end = (pd.Timestamp(start) + pd.DateOffset(months=months) - pd.Timedelta(days=1)).date()
        n = None if counts is None else counts[i]
        rows.append(
            (
                1,
                1,
                start,
                end,
                "all",
                "all",
                n,
                None if n is None else size,
                value,
                None if lower is None else lower[i],
                None if upper is None else upper[i],
                False,
            )
        )
    return pd.DataFrame.from_records(rows, columns=COLUMNS).to_dict("records")


def latest(value, lower, upper) -> dict:
    return {"value": value, "lower_ci": lower, "upper_ci": upper}


@pytest.mark.parametrize(
    ("polarity", "england", "expected"),
    [
        ("low_is_good", 8.0, "worse"),  # England below Harrow's whole interval: Harrow is higher, low is good
        ("high_is_good", 8.0, "better"),
        ("low_is_good", 12.0, "better"),
        ("low_is_good", 10.5, "similar"),
        ("low_is_good", 11.0, "similar"),  # a bound touching England is similar (inclusive)
        ("no_judgement", 8.0, "higher"),  # blue, as Fingertips, without polarity
        ("no_judgement", 12.0, "lower"),
    ],
)
def test_comparison_with_england_follows_polarity(polarity, england, expected):
    assert compare_with_england(indicator(polarity=polarity), latest(10.0, 9.0, 11.0), england) == expected


def test_no_interval_or_no_england_value_is_not_compared():
    assert compare_with_england(indicator(), latest(10.0, None, None), 8.0) == "not compared"
    assert compare_with_england(indicator(), latest(10.0, 9.0, 11.0), None) == "not compared"


def test_the_trend_is_tested_only_on_a_proportion_over_five_consecutive_years():
    counts = [100, 120, 140, 160, 180]
    assert trend_applies(indicator(), yearly([10, 12, 14, 16, 18], counts=counts))
    assert not trend_applies(indicator(unit="rate", multiplier=1000, interval_method="byar"), yearly([1] * 5))
    assert not trend_applies(indicator(unit="years", multiplier=1, interval_method="supplied"), yearly([80] * 5))
    gap = yearly([10, 12, 14, 16, 18], counts=counts)
    gap[4] |= {"period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 12, 31)}  # 2024 missing
    assert not trend_applies(indicator(), gap)
    pooled = yearly([10, 12, 14, 16, 18], counts=counts, months=36)  # rolling three-year periods overlap
    assert not trend_applies(indicator(), pooled)


def test_a_row_shows_the_latest_value_with_unit_interval_count_and_comparators_for_the_same_period():
    own = yearly(
        [10.0, 12.0, 14.0, 16.0, 18.0],
        counts=[100, 120, 140, 160, 180],
        lower=[8.3, 10.1, 12.0, 13.9, 15.7],
        upper=[12.0, 14.2, 16.2, 18.4, 20.6],
    )
    london = yearly([9.0, 9.5, 10.0, 10.5, 11.0])
    england = yearly([9.8, 9.9, 10.0, 10.1])  # no England value for the latest year
    row = indicator_row(indicator(), own, london, england)
    assert row.value == "18.0%" and row.interval == "15.7 to 20.6" and row.count == "180"
    assert row.period == "2024" and row.london == "11.0%" and row.england == ""
    assert row.comparison == "not compared"  # England has no value for Harrow's latest period
    # 10% to 18% of 1,000 each year: chi-squared far past 9.55, rising; low is good.
    assert row.trend_marker == "increasing" and row.trend == "Increasing and getting worse"
    assert row.trend_judgement == "worse"
    england = yearly([9.8, 9.9, 10.0, 10.1, 10.2])
    row = indicator_row(indicator(), own, london, england)
    assert row.england == "10.2%" and row.comparison == "worse" and row.comparison_words == "Worse than England"


def test_fewer_than_five_points_or_a_rate_could_not_be_calculated():
    own = yearly([10.0, 12.0, 14.0, 16.0], counts=[100, 120, 140, 160], lower=[9] * 4, upper=[11] * 4)
    row = indicator_row(indicator(), own, [], [])
    assert row.trend == "Could not be calculated" and row.london == ""
    rate = indicator(unit="rate", multiplier=100000, interval_method="byar")
    row = indicator_row(rate, yearly([500.0] * 6, counts=[5] * 6), [], [])
    assert row.trend == "Could not be calculated" and row.value == "500.0 per 100,000" and row.count == "5"


def test_the_download_keeps_each_indicator_at_its_own_decimals_and_lists_those_awaiting_data():
    own = yearly([4.2149], counts=[1914], lower=[4.031], upper=[4.392])
    dementia = indicator(pk=2, short_name="Dementia", decimal_places=2, polarity="no_judgement")
    counted = indicator(
        pk=3,
        short_name="Diagnosed",
        unit="count",
        multiplier=1,
        decimal_places=0,
        interval_method="none",
        polarity="no_judgement",
    )
    rows = [
        indicator_row(dementia, own, own, own),
        indicator_row(counted, yearly([38600.0]), [], []),
    ]
    waiting = indicator(pk=4, short_name="Carers", source="Survey of Adult Carers in England")
    page = JsnaPage([("Age Well", rows)], [AwaitingRow(waiting, "Age Well", waiting.source, "Annual")], {})
    lines = page.table().csv().splitlines()
    assert lines[1].startswith("Age Well,Dementia,2020,%,4.21,4.03,4.39,1914,4.21,4.21,Similar to England,")
    assert lines[2].startswith("Age Well,Diagnosed,2020,count,38600,,,,,,Not compared,")
    assert lines[3] == f"Age Well,Carers,,%,,,,,,,{AWAITING.capitalize()},"


def test_series_are_grouped_oldest_first_without_rows_lacking_a_value():
    from dashboards.jsna_page import series_by_indicator_and_area

    rows = yearly([10.0, None, 12.0, 13.0])
    frame = pd.DataFrame(list(reversed(rows)))
    frame.loc[0, "area_id"] = 2  # the newest row belongs to another area
    grouped = series_by_indicator_and_area(frame)
    assert [r["value"] for r in grouped[(1, 1)]] == [10.0, 12.0]
    assert [r["value"] for r in grouped[(1, 2)]] == [13.0]
