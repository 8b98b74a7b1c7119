"""The reference data validation needs, read from the database once per extract."""

from __future__ import annotations

from django.utils import timezone

from ..models import Area, Indicator
from ..models.choices import BREAKDOWN_CATEGORIES
from .validate import IndicatorRule, Reference


def current() -> Reference:
    from workstreams.models import Partner

    indicators = {
        i.code: IndicatorRule(
            id=i.pk,
            code=i.code,
            unit=i.unit,
            multiplier=float(i.multiplier),
            levels=frozenset(i.levels),
            breakdowns=frozenset(i.breakdowns),
            period_months=i.period_months,
        )
        for i in Indicator.objects.all()
    }
    areas = {code: (pk, level) for pk, code, level in Area.objects.values_list("pk", "code", "level")}
    categories = {k: frozenset(v) for k, v in BREAKDOWN_CATEGORIES.items()}
    categories["partner"] = frozenset(Partner.objects.values_list("code", flat=True))
    return Reference(indicators=indicators, areas=areas, categories=categories, today=timezone.localdate())
