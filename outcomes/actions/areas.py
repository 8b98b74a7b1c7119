"""Areas and practice membership of PCNs (dated, so history rolls up by the membership then in force)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from ..models import Area, AreaAlias, PracticeMembership

log = logging.getLogger(__name__)


@transaction.atomic
def upsert_area(
    *,
    code: str,
    name: str,
    level: str,
    parent: Area | None,
    short_name: str = "",
    is_comparator: bool = False,
    sort_order: int = 0,
) -> Area:
    alias = AreaAlias.objects.filter(alias=code).select_related("area").first()
    if alias is not None:  # a former code must not come back as a second area (ADR 0017)
        raise ValueError(f"{code} is a former code of {alias.area.name}, now {alias.area.code}: use that code.")
    area, _ = Area.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short_name,
            "level": level,
            "parent": parent,
            "is_comparator": is_comparator,
            "sort_order": sort_order,
        },
    )
    return area


def set_area_status(*, area: Area, status: str) -> Area:
    """Record the status NHS ODS gives an area (a practice's epraccur status: active, closed, dormant, proposed)."""
    area.ods_status = status
    area.full_clean(validate_unique=False)
    area.save(update_fields=["ods_status"])
    return area


@transaction.atomic
def set_area_code(*, area: Area, code: str, note: str = "former code") -> Area:
    """Give an area its real ODS code (a local PCN code becomes the ePCN code), keeping its history and links.

    ``upsert_area`` keys on the code, so a change of code is its own action. The old code becomes an alias of
    the area (old links redirect, old files load with a warning); an alias equal to the new code is dropped."""
    old = area.code
    if old == code:
        return area
    AreaAlias.objects.filter(alias=code).delete()
    area.code = code
    area.full_clean(validate_unique=True)
    area.save(update_fields=["code"])
    set_area_alias(alias=old, area=area, note=note)
    log.info("Area %s now has ODS code %s", old, code)
    return area


@transaction.atomic
def set_area_alias(*, alias: str, area: Area, note: str = "") -> AreaAlias:
    """Record that ``alias`` is a former code of ``area`` (idempotent; moves an alias to another area)."""
    record = AreaAlias.objects.filter(alias=alias).first() or AreaAlias(alias=alias)
    if record.pk is not None and record.area_id == area.pk and record.note == (note or record.note):
        return record
    record.area, record.note = area, note or record.note
    record.full_clean(validate_unique=False)
    record.save()
    return record


@transaction.atomic
def set_practice_membership(
    *, practice: Area, pcn: Area, start: dt.date, end: dt.date | None = None
) -> PracticeMembership:
    """Record that ``practice`` belongs to ``pcn`` from ``start``; validated against overlaps."""
    membership = PracticeMembership.objects.filter(practice=practice, start=start).first() or PracticeMembership(
        practice=practice, start=start
    )
    membership.pcn = pcn
    membership.end = end
    membership.full_clean(validate_unique=False, validate_constraints=False)
    membership.save()
    return membership
