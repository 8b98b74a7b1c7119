"""The reference data validation needs, read from the database once per extract.

Categories whose values live outside the measurement core (the partner organisations of a staff measure are
governance records) are supplied by the app that owns them through ``register_category_source``, so the core
never imports governance (docs/adr/0015-layering.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils import timezone

from ..models import Area, AreaAlias, Indicator
from ..vocabulary import BREAKDOWN_CATEGORIES
from .validate import IndicatorRule, Reference

CategorySource = Callable[[], Iterable[str]]
_CATEGORY_SOURCES: dict[str, CategorySource] = {}


def register_category_source(breakdown: str, source: CategorySource) -> None:
    """Let another app name the valid categories of ``breakdown`` (read afresh for every extract)."""
    _CATEGORY_SOURCES[breakdown] = source


def current() -> Reference:
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
    for breakdown, source in _CATEGORY_SOURCES.items():
        categories[breakdown] = frozenset(source())
    aliases = {
        alias: (code, name) for alias, code, name in AreaAlias.objects.values_list("alias", "area__code", "area__name")
    }
    return Reference(
        indicators=indicators, areas=areas, categories=categories, today=timezone.localdate(), aliases=aliases
    )
