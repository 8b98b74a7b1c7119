"""Areas and practice membership of PCNs (dated, so history rolls up by the membership then in force)."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from ..models import Area, PracticeMembership

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
def set_area_code(*, area: Area, code: str) -> Area:
    """Give an area its real ODS code (a local PCN code becomes the ePCN code), keeping its history and links.

    ``upsert_area`` keys on the code, so a change of code is its own action."""
    old = area.code
    area.code = code
    area.full_clean(validate_unique=True)
    area.save(update_fields=["code"])
    log.info("Area %s now has ODS code %s", old, code)
    return area


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
