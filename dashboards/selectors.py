"""Reads of the dashboards' own records (board packs, stored controlled frames), as plain objects."""

from __future__ import annotations

import pickle

import pandas as pd

from .models import BoardPack, ControlledFrame


def board_packs(limit: int) -> list[BoardPack]:
    """The latest ``limit`` packs, newest month first, with who asked for each."""
    packs = BoardPack.objects.select_related("requested_by__person").order_by("-month", "-requested_at", "-pk")
    return list(packs[:limit])


def board_pack_detail(pk: int) -> BoardPack | None:
    return BoardPack.objects.select_related("requested_by__person").filter(pk=pk).first()


def stored_controlled_frame(indicator_id: int, fingerprint: str) -> pd.DataFrame | None:
    """The indicator's controlled frame if one is kept for exactly these inputs, else None (one query)."""
    payload = (
        ControlledFrame.objects.filter(indicator_id=indicator_id, fingerprint=fingerprint)
        .values_list("frame", flat=True)
        .first()
    )
    if payload is None:
        return None
    frame = pickle.loads(bytes(payload))  # written only by this application (dashboards.actions)
    return frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
