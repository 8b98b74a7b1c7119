"""Reads of the dashboards' own records (board packs, stored controlled frames), as plain objects."""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .models import BoardPack, ControlledFrame, StoredSummary


def board_packs(limit: int) -> list[BoardPack]:
    """The latest ``limit`` packs, newest month first, with who asked for each."""
    packs = BoardPack.objects.select_related("requested_by__person").order_by("-month", "-requested_at", "-pk")
    return list(packs[:limit])


def board_pack_detail(pk: int) -> BoardPack | None:
    return BoardPack.objects.select_related("requested_by__person").filter(pk=pk).first()


def stored_controlled_frames(fingerprints: Mapping[int, str]) -> dict[int, pd.DataFrame]:
    """The controlled frames kept for exactly these inputs ({indicator id: fingerprint}), by indicator id; an
    indicator whose frame was computed from other inputs, or never, is left out (one query)."""
    if not fingerprints:
        return {}
    rows = ControlledFrame.objects.filter(indicator_id__in=list(fingerprints)).values_list(
        "indicator_id", "fingerprint", "frame"
    )
    frames = {}
    for indicator_id, fingerprint, payload in rows:
        if fingerprint == fingerprints[indicator_id]:
            frame = pickle.loads(bytes(payload))  # written only by this application (dashboards.actions)
            categories = {c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
            frames[indicator_id] = frame.astype(categories)
    return frames


def stored_controlled_frame(indicator_id: int, fingerprint: str) -> pd.DataFrame | None:
    """The indicator's controlled frame if one is kept for exactly these inputs, else None (one query)."""
    return stored_controlled_frames({indicator_id: fingerprint}).get(indicator_id)


def stored_summary(name: str, fingerprint: str) -> tuple[bool, Any]:
    """(True, the summary) when ``name`` is kept for exactly these inputs, else (False, None) (one query)."""
    payload = StoredSummary.objects.filter(name=name, fingerprint=fingerprint).values_list("payload", flat=True)
    found = payload.first()
    if found is None:
        return False, None
    return True, pickle.loads(bytes(found))  # written only by this application (dashboards.actions)
