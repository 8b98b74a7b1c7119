"""How much each member practice weighs in a derived value's covered share: the one place a list size plugs in.

Best first: the practice's registered patients from the list-size indicator named by
``ROLLUP_LIST_SIZE_INDICATOR`` (its headline value); else the practice's headline denominator of the indicator
being rolled up. A practice with no row for the period (the ones whose absence the share measures) takes its
value from the nearest period it has one. ``coverage.coverage`` weighs a group one per practice when any member
has no weight at all.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from django.conf import settings

from . import coverage
from .models import Indicator, Observation


def practice_weights(
    indicator: Indicator, period_ends: Iterable, practice_ids: Iterable[int]
) -> tuple[dict[tuple[int, object], float], str]:
    """((practice id, period end) -> weight, the basis named in captions) for the practices and periods."""
    period_ends = sorted(set(period_ends))
    practice_ids = sorted({int(p) for p in practice_ids})
    code = getattr(settings, "ROLLUP_LIST_SIZE_INDICATOR", "")
    list_size = Indicator.objects.filter(code=code).first() if code else None
    if list_size is not None:
        weights = _nearest(list_size, "value", period_ends, practice_ids)
        if weights:
            return weights, coverage.LIST_SIZE
    return _nearest(indicator, "denominator", period_ends, practice_ids), coverage.DENOMINATOR


def _nearest(indicator: Indicator, column: str, period_ends: list, practice_ids: list[int]) -> dict:
    """Each practice's headline ``column`` in each period, else in its nearest period (the earlier on a tie)."""
    if not period_ends or not practice_ids:
        return {}
    headline = Observation.objects.filter(
        indicator=indicator,
        is_current=True,
        breakdown="all",
        category="all",
        area_id__in=practice_ids,
        **{f"{column}__isnull": False},
    )
    found = {
        (area_id, period_end): float(weight)
        for area_id, period_end, weight in headline.filter(period_end__in=period_ends).values_list(
            "area_id", "period_end", column
        )
    }
    lacking = sorted({p for p in practice_ids for e in period_ends if (p, e) not in found})
    if not lacking:
        return found
    other = pd.DataFrame.from_records(
        list(headline.filter(area_id__in=lacking).values_list("area_id", "period_end", column)),
        columns=["area_id", "period_end", "weight"],
    )
    for area_id, rows in other.groupby("area_id"):
        days = pd.to_datetime(rows["period_end"])
        for period_end in period_ends:
            if (area_id, period_end) in found:
                continue
            distance = (days - pd.Timestamp(period_end)).abs()
            # the smallest distance, the earlier period on a tie (days are in no particular order)
            best = min(zip(distance, days, rows["weight"], strict=True), key=lambda r: (r[0], r[1]))
            found[(int(area_id), period_end)] = float(best[2])
    return found
