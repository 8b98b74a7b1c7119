"""Loading observations in dashboard tests as a real load does: the extract is finished as loaded, so the data
version (and with it every page's cache key) changes."""

from __future__ import annotations

from outcomes import actions
from outcomes.models import Extract, Observation


def load(rows: list[dict], name: str = "test.csv") -> Extract:
    extract = actions.create_extract(file_name=name, content=repr(rows).encode(), format="generic", source="command")
    result = actions.load_observations(extract=extract, rows=rows)
    return actions.finish_extract(extract=extract, status=Extract.Status.LOADED, result=result, rows_read=len(rows))


def replace_latest(indicator_code: str, area_code: str, numerator: float, *, back: int = 0) -> Observation:
    """Supersede the area's headline value ``back`` periods before its latest with a new numerator (the value
    follows from the denominator); returns the old row."""
    old = list(
        Observation.objects.filter(
            indicator__code=indicator_code, area__code=area_code, is_current=True, breakdown="all"
        ).order_by("-period_end", "period_start")
    )[back]
    multiplier = old.indicator.multiplier
    load(
        [
            {
                "indicator_id": old.indicator_id,
                "area_id": old.area_id,
                "period_start": old.period_start,
                "period_end": old.period_end,
                "numerator": float(numerator),
                "denominator": float(old.denominator),
                "value": float(numerator) / float(old.denominator) * multiplier,
            }
        ],
        name=f"{indicator_code}-{area_code}-{back}.csv",
    )
    return old
