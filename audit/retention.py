"""How long the access log is kept (``ACCESS_LOG_RETENTION_DAYS``, ADR 0012)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import AccessLogEntry


@transaction.atomic
def prune_access_log(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete access log entries older than the retention period; returns how many were deleted."""
    days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
    if days < 1:
        raise ValueError("The access log retention must be at least one day.")
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    deleted, _ = AccessLogEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
