"""Derived PCN and borough rows equal a ratio of sums of their practices' rows, in the database."""

import pytest
from django.db.models import Sum

from outcomes.models import Observation, PracticeMembership

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["PERF_DIABETES_9CP", "OUT5_ACSC_ADMISSIONS"])
def test_pcn_rows_are_the_ratio_of_sums_of_their_practices(code):
    derived = Observation.objects.filter(indicator__code=code, area__level="pcn", is_current=True, breakdown="all")
    assert derived.exists()
    for row in derived.select_related("indicator")[:40]:
        practices = PracticeMembership.objects.filter(pcn=row.area_id).values("practice_id")
        sums = Observation.objects.filter(
            indicator=row.indicator,
            area__in=practices,
            period_start=row.period_start,
            period_end=row.period_end,
            breakdown=row.breakdown,
            category=row.category,
            is_current=True,
        ).aggregate(n=Sum("numerator"), d=Sum("denominator"))
        assert row.is_derived
        assert row.numerator == pytest.approx(sums["n"]) and row.denominator == pytest.approx(sums["d"])
        assert row.value == pytest.approx(sums["n"] / sums["d"] * row.indicator.multiplier)
        assert row.lower_ci < row.value < row.upper_ci


def test_borough_breakdowns_are_rolled_up_too():
    rows = Observation.objects.filter(
        indicator__code="OUT5_ACSC_ADMISSIONS", area__code="E09000015", breakdown="imd_quintile", is_current=True
    )
    assert set(rows.values_list("category", flat=True)) == {"1", "2", "3", "4", "5"}
