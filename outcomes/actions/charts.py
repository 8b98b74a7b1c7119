"""What analysts add to a chart: commentary, and SPC re-bases with their reasons."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction

from ..models import Area, Commentary, Indicator, SpcRebase

log = logging.getLogger(__name__)


@transaction.atomic
def write_commentary(*, indicator: Indicator, area: Area, period_end: dt.date, text: str, author: Any) -> Commentary:
    text = text.strip()
    if not text:
        raise ValueError("Commentary cannot be blank.")
    return Commentary.objects.create(indicator=indicator, area=area, period_end=period_end, text=text, author=author)


@transaction.atomic
def add_spc_rebase(*, indicator: Indicator, area: Area, starts: dt.date, reason: str) -> SpcRebase:
    """Re-base an SPC chart from ``starts`` (a period start): new mean and limits from there, with the reason the
    chart shows. A blank reason, or a second re-base at the same start, is refused with ValueError."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Give the reason for re-basing: the change to the process that justifies new limits.")
    if "\x00" in reason:
        raise ValueError("The reason cannot contain null characters.")
    if SpcRebase.objects.filter(indicator=indicator, area=area, starts=starts).exists():
        raise ValueError(f"The chart is already re-based from {starts:%B %Y}.")
    rebase = SpcRebase.objects.create(indicator=indicator, area=area, starts=starts, reason=reason)
    log.info("SPC re-based: %s %s from %s", indicator.code, area.code, starts)
    return rebase
