"""Writes of the dashboards' own stored results (keyword-only, transactional)."""

from __future__ import annotations

import datetime as dt
import pickle

import pandas as pd
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ControlledFrame, StoredSummary


def store_controlled_frame(*, indicator_id: int, fingerprint: str, frame: pd.DataFrame, seconds: float) -> None:
    """Keep ``frame`` as the indicator's controlled frame for the inputs ``fingerprint`` names, replacing any
    frame kept for other inputs.

    Two processes that computed the same frame at once both store it; the loser of the race is a no-op (same
    inputs, same frame), not an error on the page being built. Text and date columns with no missing value are
    pickled as categories (``dashboards.selectors.stored_controlled_frame`` turns them back): a pickle of 80,000
    rows of Python objects took 330 ms to write and 73 ms to read, as categories 37 and 7 ms.
    """
    compact = {c: "category" for c in frame.columns if frame[c].dtype == object and frame[c].notna().all()}
    values = {
        "fingerprint": fingerprint,
        "frame": pickle.dumps(frame.astype(compact), protocol=pickle.HIGHEST_PROTOCOL),
        "rows": len(frame),
        "seconds": seconds,
        "computed_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            ControlledFrame.objects.update_or_create(indicator_id=indicator_id, defaults=values)
    except IntegrityError:
        pass


def store_summary(*, name: str, fingerprint: str, value: object, seconds: float) -> None:
    """Keep ``value`` as the summary ``name`` for the inputs ``fingerprint`` names, replacing any kept for other
    inputs. One upsert (INSERT ... ON CONFLICT DO UPDATE): two processes storing the same summary at once both
    succeed, the later write winning with the same value."""
    row = StoredSummary(
        name=name,
        fingerprint=fingerprint,
        payload=pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
        seconds=seconds,
        computed_at=timezone.now(),
    )
    StoredSummary.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["fingerprint", "payload", "seconds", "computed_at"],
    )


def forget_summaries_computed_before(*, when: dt.datetime) -> int:
    """Delete the summaries computed before ``when``; returns how many. The worker's warm-up calls it after a load
    (a new data version, so none of them can be read again): the per-page rows (one per indicator and area
    viewed) would otherwise stay until that page is next built."""
    deleted, _ = StoredSummary.objects.filter(computed_at__lt=when).delete()
    return deleted
