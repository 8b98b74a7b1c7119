"""Reads of the dashboards' own records (board packs), as plain objects."""

from __future__ import annotations

from .models import BoardPack


def board_packs(limit: int) -> list[BoardPack]:
    """The latest ``limit`` packs, newest month first, with who asked for each."""
    packs = BoardPack.objects.select_related("requested_by__person").order_by("-month", "-requested_at", "-pk")
    return list(packs[:limit])


def board_pack_detail(pk: int) -> BoardPack | None:
    return BoardPack.objects.select_related("requested_by__person").filter(pk=pk).first()
