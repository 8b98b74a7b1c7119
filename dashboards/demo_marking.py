"""Whether what a page shows includes generated demo figures, so tiles and charts can carry a "Demo data" tag.

A template context processor: ``demo_data.indicator_ids`` (the indicators whose current values include demo
extracts) and ``demo_data.any``; evaluated only when a template asks, and cached at the data version.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from outcomes.selectors import indicators_with_demo_data

from .cache import cached


class DemoData:
    def __init__(self, indicator_ids: frozenset[int]) -> None:
        self.indicator_ids = indicator_ids
        self.any = bool(indicator_ids)

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self.indicator_ids


def demo_data() -> DemoData:
    return DemoData(cached(("demo-indicators",), indicators_with_demo_data))


def demo_data_context(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:  # the sign-in page shows no figures (and reads no data)
        return {"demo_data": DemoData(frozenset())}
    return {"demo_data": SimpleLazyObject(demo_data)}
