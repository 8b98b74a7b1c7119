"""Target assessment: each kind and status with a hand-worked example (figures from the Harrow plan)."""

from __future__ import annotations

from datetime import date

import pytest

from outcomes.stats.targets import STATUSES, assess_target

# Tooth decay at age 5 (lower is better): 39.6% in 2017, 42.4% in 2019; target due March 2024.
DECAY = {
    "polarity": "low_is_good",
    "unit": "%",
    "due_date": date(2024, 3, 31),
    "series_dates": [date(2017, 12, 31), date(2019, 12, 31)],
    "series_values": [39.6, 42.4],
    "latest_value": 42.4,
    "latest_date": date(2019, 12, 31),
    "latest_label": "2019",
}


def test_absolute_off_track_least_squares_projection():
    # Slope 2.8 points over 730 days; the due date is 1552 days after the latest point:
    # 42.4 + 2.8 * 1552 / 730 = 48.353, still above 40.0.
    result = assess_target("absolute", target_value=40.0, as_of=date(2023, 6, 1), **DECAY)
    assert result.status == "off_track"
    assert result.target_value == 40.0
    assert result.projected_value == pytest.approx(42.4 + 2.8 * 1552 / 730)
    assert result.reason == (
        "Latest value 42.4% (2019) is 2.4 points above the target of 40.0% due March 2024; "
        "the trend is not on course to reach it (about 48.4% by March 2024)."
    )


def test_absolute_on_track_with_three_points():
    # 60, 64, 68 a year apart (365 days each): slope 4/365 a day; due date 731 days after the last point.
    result = assess_target(
        "absolute",
        polarity="high_is_good",
        target_value=75,
        unit="%",
        as_of=date(2023, 6, 1),
        due_date=date(2025, 3, 31),
        series_dates=[date(2021, 3, 31), date(2022, 3, 31), date(2023, 3, 31)],
        series_values=[60, 64, 68],
        latest_value=68,
        latest_date=date(2023, 3, 31),
    )
    assert result.status == "on_track"
    assert result.projected_value == pytest.approx(68 + 4 * 731 / 365)
    assert result.reason == (
        "Latest value 68.0% (March 2023) is 7.0 points below the target of 75.0% due March 2025; "
        "on the current trend it would reach about 76.0% by March 2025."
    )


def test_absolute_already_met_before_due_date():
    result = assess_target(
        "absolute",
        polarity="high_is_good",
        target_value=75,
        unit="%",
        as_of=date(2023, 6, 1),
        due_date=date(2025, 3, 31),
        latest_value=76,
        latest_date=date(2023, 3, 31),
        latest_label="2022/23",
    )
    assert result.status == "met"
    assert result.projected_value is None
    assert result.reason == (
        "Latest value 76.0% (2022/23) is 1.0 points above the target of 75.0% due March 2025; "
        "the target is already met."
    )


@pytest.mark.parametrize(
    ("latest", "status", "ending"), [(75.0, "met", "the target was met."), (74.0, "not_met", "the target was not met.")]
)
def test_absolute_after_due_date(latest, status, ending):
    result = assess_target(
        "absolute",
        polarity="high_is_good",
        target_value=75,
        unit="%",
        as_of=date(2025, 6, 1),
        due_date=date(2025, 3, 31),
        latest_value=latest,
        latest_date=date(2025, 3, 31),
        series_dates=[date(2024, 3, 31)],
        series_values=[80.0],
    )
    assert result.status == status
    assert result.reason.endswith(ending)
    assert result.projected_value is None  # no projection once the due date has passed


def test_after_due_date_with_lagging_data_says_so():
    result = assess_target("absolute", target_value=45.0, as_of=date(2024, 6, 1), **DECAY)
    assert result.status == "met"
    assert result.reason == (
        "Latest value 42.4% (2019) is 2.6 points below the target of 45.0% due March 2024; "
        "the target was met (the latest value predates the due date)."
    )


def test_due_date_itself_is_still_before_due():
    result = assess_target("absolute", target_value=40.0, as_of=date(2024, 3, 31), **DECAY)
    assert result.status == "off_track"


RELATIVE = {
    "polarity": "low_is_good",
    "unit": "%",
    "as_of": date(2023, 6, 1),
    "due_date": date(2024, 3, 31),
    "baseline_value": 42.4,
    "baseline_date": date(2019, 12, 31),
    "baseline_label": "2019",
    "change": 5,
    "latest_value": 40.6,
    "latest_date": date(2022, 12, 31),
    "latest_label": "2022",
}


def test_relative_change_percent_on_track_from_baseline_line():
    # 5% relative fall: 42.4 * 0.95 = 40.28. No series, so the line runs from the baseline (2019) to the latest
    # value: slope -1.8 over 1096 days, due date 456 days later: 40.6 - 1.8 * 456 / 1096 = 39.851 <= 40.28.
    result = assess_target("relative_change", relative_unit="percent", **RELATIVE)
    assert result.status == "on_track"
    assert result.target_value == pytest.approx(40.28)
    assert result.projected_value == pytest.approx(40.6 - 1.8 * 456 / 1096)
    assert result.reason == (
        "The target is a 5% fall from the baseline of 42.4% (2019), i.e. 40.3% by March 2024. "
        "Latest value 40.6% (2022) is 0.3 points above the target of 40.3% due March 2024; "
        "on the current trend it would reach about 39.9% by March 2024."
    )


def test_relative_change_points_reading_is_stricter():
    # 5 percentage points: 42.4 - 5 = 37.4, which the same trend (39.85 by the due date) does not reach.
    result = assess_target("relative_change", relative_unit="points", **RELATIVE)
    assert result.status == "off_track"
    assert result.target_value == pytest.approx(37.4)
    assert result.reason.startswith("The target is a 5 percentage points fall from the baseline of 42.4% (2019)")


def test_relative_change_rise_for_high_is_good():
    result = assess_target(
        "relative_change",
        polarity="high_is_good",
        relative_unit="percent",
        change=10,
        baseline_value=50,
        as_of=date(2023, 6, 1),
        due_date=date(2024, 3, 31),
        latest_value=56,
        latest_date=date(2023, 3, 31),
    )
    assert result.target_value == pytest.approx(55.0)
    assert result.status == "met"


def test_relative_change_without_baseline_is_pending():
    result = assess_target(
        "relative_change",
        polarity="high_is_good",
        relative_unit="percent",
        change=5,
        as_of=date(2023, 6, 1),
        due_date=date(2024, 3, 31),
        latest_value=None,
        latest_date=None,
    )
    assert result.status == "no_data"
    assert result.target_value is None
    assert result.reason == "The target is a 5% rise from a baseline that has not been recorded yet."


def test_comparator_off_track():
    # GP access "good" (higher is better) 66% then 68% a year apart; NWL average 71% by March 2023.
    # Slope 2/365 a day, due date 273 days after the latest point: 68 + 2 * 273 / 365 = 69.50 < 71.
    result = assess_target(
        "comparator",
        polarity="high_is_good",
        comparator_value=71,
        comparator_name="NWL average",
        unit="%",
        as_of=date(2022, 9, 1),
        due_date=date(2023, 3, 31),
        series_dates=[date(2021, 7, 1), date(2022, 7, 1)],
        series_values=[66, 68],
        latest_value=68,
        latest_date=date(2022, 7, 1),
        latest_label="2022",
    )
    assert result.status == "off_track"
    assert result.target_value == 71
    assert result.reason == (
        "Latest value 68.0% (2022) is 3.0 points below the target (NWL average) of 71.0% due March 2023; "
        "the trend is not on course to reach it (about 69.5% by March 2023)."
    )


def test_comparator_low_is_good_met_after_due_date():
    # GP access "poor" (lower is better): Harrow 11.5% against the NWL average of 12%.
    result = assess_target(
        "comparator",
        polarity="low_is_good",
        comparator_value=12,
        unit="%",
        as_of=date(2023, 9, 1),
        due_date=date(2023, 3, 31),
        latest_value=11.5,
        latest_date=date(2023, 7, 1),
    )
    assert result.status == "met"


BAND = {
    "polarity": "low_is_good",
    "lower": 10.0,
    "upper": 18.4,
    "unit": "%",
    "due_date": date(2024, 3, 31),
}


def test_band_on_track():
    # Turnover 21.0% then 19.2% a year apart: slope -1.8/365 a day; due 366 days on: 19.2 - 1.8 * 366 / 365 = 17.40.
    result = assess_target(
        "band",
        as_of=date(2023, 6, 1),
        latest_value=19.2,
        latest_date=date(2023, 3, 31),
        series_dates=[date(2022, 3, 31), date(2023, 3, 31)],
        series_values=[21.0, 19.2],
        latest_label="2022/23",
        **BAND,
    )
    assert result.status == "on_track"
    assert (result.target_lower, result.target_upper, result.target_value) == (10.0, 18.4, None)
    assert result.projected_value == pytest.approx(19.2 - 1.8 * 366 / 365)
    assert result.reason == (
        "Latest value 19.2% (2022/23) is 0.8 points above the target range of 10.0% to 18.4% due March 2024; "
        "on the current trend it would reach about 17.4% by March 2024."
    )


@pytest.mark.parametrize(
    ("latest", "as_of", "status", "position"),
    [
        (15.0, date(2023, 6, 1), "met", "is within the target range"),
        (10.0, date(2024, 6, 1), "met", "is within the target range"),
        (9.0, date(2024, 6, 1), "not_met", "is 1.0 points below the target range"),
        (19.0, date(2024, 6, 1), "not_met", "is 0.6 points above the target range"),
        (19.0, date(2023, 6, 1), "off_track", "is 0.6 points above the target range"),
    ],
)
def test_band_statuses(latest, as_of, status, position):
    result = assess_target("band", as_of=as_of, latest_value=latest, latest_date=date(2023, 3, 31), **BAND)
    assert result.status == status
    assert position in result.reason
    if status == "off_track":
        assert "too few data points" in result.reason


def test_band_without_due_date_is_judged_on_latest_value():
    band = {**BAND, "due_date": None}
    inside = assess_target("band", as_of=date(2023, 6, 1), latest_value=12, latest_date=date(2023, 3, 31), **band)
    outside = assess_target("band", as_of=date(2023, 6, 1), latest_value=20, latest_date=date(2023, 3, 31), **band)
    assert (inside.status, outside.status) == ("met", "not_met")


BASELINE = {"polarity": "high_is_good", "unit": "%", "due_date": date(2023, 3, 31)}


def test_baseline_pending_then_not_met():
    pending = assess_target("baseline", as_of=date(2022, 10, 1), latest_value=None, latest_date=None, **BASELINE)
    assert pending.status == "no_data"
    assert pending.reason == "No baseline has been recorded yet; it is due by March 2023."
    missed = assess_target("baseline", as_of=date(2023, 6, 1), latest_value=None, latest_date=None, **BASELINE)
    assert missed.status == "not_met"
    assert missed.reason == "No baseline was recorded by the due date of March 2023."


def test_baseline_met_and_late():
    met = assess_target(
        "baseline",
        as_of=date(2023, 6, 1),
        latest_value=71,
        latest_date=date(2023, 3, 1),
        latest_label="2022/23",
        **BASELINE,
    )
    assert met.status == "baseline_set"  # never "met": a baseline target sets no level to reach
    assert met.reason == (
        "A baseline has been recorded by the due date of March 2023: the latest value is 71.0% (2022/23). "
        "The target asks only for a baseline; it sets no level to reach yet."
    )
    late = assess_target("baseline", as_of=date(2023, 9, 1), latest_value=71, latest_date=date(2023, 7, 1), **BASELINE)
    assert late.status == "not_met"
    assert late.reason.endswith("One was first recorded in July 2023.")


def test_no_value_yet():
    before = assess_target(
        "absolute",
        polarity="high_is_good",
        target_value=5,
        as_of=date(2023, 1, 1),
        due_date=date(2024, 1, 1),
        latest_value=None,
        latest_date=None,
    )
    after = assess_target(
        "absolute",
        polarity="high_is_good",
        target_value=5,
        as_of=date(2024, 2, 1),
        due_date=date(2024, 1, 1),
        latest_value=None,
        latest_date=None,
    )
    assert (before.status, after.status) == ("no_data", "not_met")
    assert after.target_value == 5


def test_no_judgement_target_is_reached_from_where_it_started():
    common = {"polarity": "no_judgement", "target_value": 50, "as_of": date(2023, 1, 1), "due_date": date(2024, 1, 1)}
    from_below = assess_target("absolute", baseline_value=40, latest_value=51, latest_date=date(2022, 12, 1), **common)
    from_above = assess_target("absolute", baseline_value=60, latest_value=51, latest_date=date(2022, 12, 1), **common)
    assert (from_below.status, from_above.status) == ("met", "off_track")


def test_non_percent_units_and_tiny_gaps():
    result = assess_target(
        "comparator",
        polarity="low_is_good",
        comparator_value=9.89,
        comparator_name="NWL average",
        unit="per 1,000",
        decimals=2,
        as_of=date(2023, 6, 1),
        due_date=date(2024, 3, 31),
        latest_value=11.47,
        latest_date=date(2023, 3, 31),
        latest_label="2022/23",
    )
    assert result.reason.startswith(
        "Latest value 11.47 per 1,000 (2022/23) is 1.58 above the target (NWL average) of 9.89 per 1,000 due March 2024"
    )
    tiny = assess_target("absolute", target_value=40.0, as_of=date(2023, 6, 1), **{**DECAY, "latest_value": 40.04})
    assert "is just above the target of 40.0%" in tiny.reason


def test_statuses_use_the_exact_vocabulary():
    assert STATUSES == ("met", "on_track", "off_track", "not_met", "baseline_set", "no_data")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "stretch"}, "kind"),
        ({"polarity": "up"}, "polarity"),
        ({"target_value": None}, "target_value is required"),
        ({"kind": "relative_change", "baseline_value": 42.4, "change": 5}, "relative_unit"),
        ({"kind": "relative_change", "baseline_value": 42.4, "change": -5, "relative_unit": "points"}, "positive"),
        ({"kind": "band", "lower": 20, "upper": 10}, "must not exceed"),
        ({"latest_date": date(2030, 1, 1)}, "after the assessment date"),
        ({"latest_date": None}, "together"),
        ({"series_values": [1.0]}, "same length"),
        ({"target_value": float("nan")}, "finite"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    args = {
        "kind": "absolute",
        "polarity": "high_is_good",
        "target_value": 5.0,
        "as_of": date(2023, 1, 1),
        "due_date": date(2024, 1, 1),
        "latest_value": 4.0,
        "latest_date": date(2022, 12, 1),
        "series_dates": [],
        "series_values": [],
    }
    args.update(kwargs)
    kind = args.pop("kind")
    with pytest.raises(ValueError, match=message):
        assess_target(kind, **args)
