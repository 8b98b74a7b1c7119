"""Reads for the extracts' pages: one extract, the history and its filters, tracking drafts, and the values an
extract's roll-up held back for coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from ..coverage import HELD_BACK
from ..models import Area, Extract, Indicator, IndicatorDraft, Observation


def extract_detail(pk: int) -> Extract | None:
    """One extract with who uploaded it, or None."""
    return Extract.objects.select_related("uploaded_by").filter(pk=pk).first()


def loaded_extract(pk: int) -> Extract | None:
    """One extract whose rows were loaded (only those can have values held back for coverage), or None."""
    return Extract.objects.filter(pk=pk, status=Extract.Status.LOADED).first()


def draft_with_people(pk: int) -> IndicatorDraft | None:
    """One tracking draft with its people and extract, or None."""
    return IndicatorDraft.objects.select_related("created_by", "approved_by", "extract").filter(pk=pk).first()


def extract_history(*, status: str | None = None, format: str | None = None, uploader_id: int | None = None):
    """Every extract, newest first, with who sent it, narrowed by status, format and uploader (a lazy queryset, so
    the page pages it and a download writes all of it)."""
    extracts = Extract.objects.select_related("uploaded_by").order_by("-received_at", "-pk")
    if status:
        extracts = extracts.filter(status=status)
    if format:
        extracts = extracts.filter(format=format)
    if uploader_id is not None:
        extracts = extracts.filter(uploaded_by_id=uploader_id)
    return extracts


def extract_filter_choices() -> dict[str, list]:
    """The values the history can be filtered by: statuses, the formats and uploaders that occur."""
    formats = sorted(set(Extract.objects.values_list("format", flat=True)))
    uploader_ids = set(Extract.objects.exclude(uploaded_by=None).values_list("uploaded_by_id", flat=True))
    uploaders = list(get_user_model().objects.filter(pk__in=uploader_ids).order_by("pk"))
    return {"statuses": list(Extract.Status.choices), "formats": formats, "uploaders": uploaders}


@dataclass(frozen=True)
class HeldBack:
    """A PCN or borough value an extract's roll-up held back for coverage, which an analyst may accept."""

    indicator: Indicator
    area: Area
    period_end: dt.date
    caveat: str  # "Covers 5 of 29 practices (17% of the denominator), below 95%"

    @property
    def key(self) -> str:
        return f"{self.indicator.pk}:{self.area.pk}:{self.period_end.isoformat()}"


def held_back_for_coverage(extract_id: int) -> list[HeldBack]:
    """The (indicator, area, period) values still held back for coverage by the extract's roll-up (two queries)."""
    rows = (
        Observation.objects.filter(extract_id=extract_id, is_current=True, is_derived=True, note__startswith=HELD_BACK)
        .order_by("indicator_id", "area_id", "period_end", "breakdown", "category")
        .values_list("indicator_id", "area_id", "period_end", "note")
    )
    first: dict[tuple, str] = {}
    for indicator_id, area_id, period_end, note in rows:
        first.setdefault((indicator_id, area_id, period_end), note.removeprefix(HELD_BACK))
    indicators = Indicator.objects.in_bulk({k[0] for k in first})
    areas = Area.objects.in_bulk({k[1] for k in first})
    return [HeldBack(indicators[i], areas[a], e, note) for (i, a, e), note in first.items()]
