"""Cache built pages by the version of the data they show, so a page is built once per data change.

Figures take most of a page's server time (plotly builds and validates every property). The data version is
the newest loaded extract, the newest commentary and the page version that every edit of the reference data the
pages show bumps (``dashboards.invalidation``, ADR 0013); any of them gives new keys at once. The timeout only
bounds how long unused pages occupy the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Max

from outcomes.models import Commentary, Extract

from .models import PageVersion

T = TypeVar("T")
TIMEOUT_SECONDS = 300


def data_version() -> str:
    """Changes whenever observations, commentary or reference data change (three cheap queries)."""
    extracts = Extract.objects.filter(status=Extract.Status.LOADED).aggregate(pk=Max("pk"), at=Max("completed_at"))
    notes = Commentary.objects.aggregate(pk=Max("pk"), at=Max("updated_at"))
    edits = PageVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return f"{extracts['pk']}.{extracts['at']}.{notes['pk']}.{notes['at']}.{edits}"


def cached(parts: tuple, build: Callable[[], T], version: str | None = None) -> T:
    """``build()``'s result for ``parts`` at the current data version, from the cache when it is there."""
    raw = ":".join(str(p) for p in (version or data_version(), *parts))
    key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT_SECONDS)
    return value
