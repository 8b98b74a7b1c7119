"""`latest_headline`: the latest current headline row per (indicator, area), picked by the database (a window over
each pair's rows) rather than by reading every period."""

from __future__ import annotations

import datetime as dt

import pytest

from outcomes.models import Observation
from outcomes.selectors import SERIES_COLUMNS, latest_headline
from tests.factories import ExtractFactory, IndicatorFactory, ObservationFactory, PcnFactory, PracticeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.world("empty")]

D = dt.date


def test_the_latest_period_of_each_indicator_and_area_and_only_those_asked_for():
    pcn = PcnFactory()
    first, second, elsewhere = PracticeFactory(pcn=pcn), PracticeFactory(pcn=pcn), PracticeFactory(pcn=pcn)
    monthly, other = IndicatorFactory(), IndicatorFactory()
    for month in (1, 2, 3):
        ObservationFactory(indicator=monthly, area=first, period_start=D(2026, month, 1), numerator=10 * month)
    ObservationFactory(indicator=monthly, area=second, period_start=D(2026, 2, 1), numerator=7)
    ObservationFactory(indicator=other, area=first, period_start=D(2025, 12, 1), numerator=5)
    ObservationFactory(indicator=monthly, area=elsewhere, period_start=D(2026, 5, 1))  # an area not asked for
    frame = latest_headline([monthly.pk, other.pk], [first.pk, second.pk])
    assert list(frame.columns) == list(SERIES_COLUMNS)
    got = [(r.indicator_id, r.area_id, r.period_end, r.numerator) for r in frame.itertuples()]
    assert got == sorted(
        [
            (monthly.pk, first.pk, D(2026, 3, 31), 30.0),
            (monthly.pk, second.pk, D(2026, 2, 28), 7.0),
            (other.pk, first.pk, D(2025, 12, 31), 5.0),
        ]
    )


def test_at_the_same_end_the_shortest_period_wins_and_superseded_and_breakdown_rows_never_count():
    practice = PracticeFactory()
    indicator = IndicatorFactory()
    ObservationFactory(indicator=indicator, area=practice, period_start=D(2025, 4, 1), period_end=D(2026, 3, 31))
    ObservationFactory(indicator=indicator, area=practice, period_start=D(2026, 3, 1), numerator=33)  # March
    newer = ObservationFactory(indicator=indicator, area=practice, period_start=D(2026, 4, 1), numerator=44)
    Observation.objects.filter(pk=newer.pk).update(is_current=False, superseded_by=ExtractFactory())
    ObservationFactory(
        indicator=indicator, area=practice, period_start=D(2026, 5, 1), breakdown="sex", category="female"
    )
    frame = latest_headline([indicator.pk], [practice.pk])
    assert [(r.period_start, r.period_end, r.numerator) for r in frame.itertuples()] == [
        (D(2026, 3, 1), D(2026, 3, 31), 33.0)
    ]


def test_nothing_asked_for_or_found_is_an_empty_frame():
    assert latest_headline([], []).empty
    assert latest_headline([IndicatorFactory().pk], [PracticeFactory().pk]).empty
