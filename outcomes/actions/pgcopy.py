"""Rows of a frame as PostgreSQL binary COPY data, built with numpy rather than formatted as text.

Formatting a million floats as text (pandas ``to_csv``) costs seconds; binary COPY sends each float's eight
bytes as they are, so values arrive bit for bit. A row's layout is fixed once its NULLs and its text fields
are known, so rows are grouped by (which numbers are NULL, the text values) and each group is encoded as one
2-D byte array. When the text columns hold too many distinct combinations (free-text notes on every row)
there would be too many groups to be fast, and ``encode`` returns None: the caller then uses text COPY.

Format: https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4 (header, then per row an
int16 field count and per field an int32 length, -1 for NULL, and the value in network byte order).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

import numpy as np
import pandas as pd

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
PG_EPOCH = np.datetime64("2000-01-01", "D")
MAX_GROUPS = 2_000
GROUP_ROWS = 50_000  # the largest window: a few MB of bytes at a time, never the whole load
WINDOW_ROWS = 4_096  # rows of the caller's order whose layouts are grouped together (see _chunks)
ROWS_PER_GROUP = 32  # ... at least this many rows per group in a window on average, so that encoding stays
#                      vectorised even when many layouts are mixed
NULL = np.frombuffer((-1).to_bytes(4, "big", signed=True), np.uint8)


def _length(size: int) -> np.ndarray:
    return np.frombuffer(size.to_bytes(4, "big"), np.uint8)


class _Field:
    """One column: its values as a (rows, size) byte array, or as codes into distinct encoded texts."""

    def __init__(self, kind: str, series: pd.Series, constant: bool = False) -> None:
        self.kind = kind
        self.constant = constant  # one value for every row (``series`` has just that value)
        self.null: np.ndarray | None = None
        self.codes: np.ndarray | None = None
        if kind == "text":
            codes, uniques = pd.factorize(series.astype(str), use_na_sentinel=False)
            self.codes = codes.astype(np.int64)
            self.texts = [str(u).encode() for u in uniques]
            return
        if kind == "int8":
            values = series.to_numpy(np.int64).astype(">i8")
        elif kind == "int4":
            values = series.to_numpy(np.int64).astype(">i4")
        elif kind == "float8":
            floats = series.to_numpy(np.float64, na_value=np.nan)
            self.null = np.isnan(floats)
            values = floats.astype(">f8")
        elif kind == "bool":
            values = series.to_numpy(bool).astype(np.uint8)
        elif kind == "date":
            codes, uniques = pd.factorize(series)  # few distinct dates: convert those, not every row's
            if (codes < 0).any():
                raise ValueError(f"{series.name} has a missing date")
            # Straight to days: a date outside pandas' nanosecond range (1677 to 2262) is still a date.
            days = np.asarray(uniques if isinstance(uniques, pd.Index) else list(uniques), dtype="datetime64[D]")
            days = days - PG_EPOCH
            values = days.astype(np.int64).astype(">i4")[codes]
        else:
            raise ValueError(kind)
        self.bytes = values.view(np.uint8).reshape(len(series), -1)


def encode(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str]],
    constants: Sequence[tuple[str, object]] = (),
    order: np.ndarray | None = None,
) -> Iterator[bytes] | None:
    """Binary COPY chunks for ``columns`` ((name, kind): int8, int4, float8, bool, date or text) of ``frame``,
    followed by ``constants`` ((kind, value): the same non-null value on every row, not stored per row).

    None when the rows fall into more than MAX_GROUPS layouts. Rows go out in ``order`` (positions; default
    the frame's), to within a window of a few thousand rows: inside a window a group's rows go together. That
    is close enough for what the order is for, index locality: rows sorted by an index's key, then sent, touch
    each index page once while it is in memory instead of at random.
    """
    fields = [_Field(kind, frame[name]) for name, kind in columns]
    fields += [_Field(kind, pd.Series([value]), constant=True) for kind, value in constants]
    key = np.zeros(len(frame), np.int64)
    scale = 1
    for field in fields:
        part, size = (field.codes, len(field.texts)) if field.codes is not None else (field.null, 2)
        if part is None or field.constant:
            continue
        if scale * size > 2**62 or size > MAX_GROUPS:
            return None
        key += part.astype(np.int64) * scale
        scale *= size
    codes, uniques = pd.factorize(key)
    if len(uniques) > MAX_GROUPS:
        return None
    if order is None:
        order = np.arange(len(frame))
    elif len(order) != len(frame):
        raise ValueError("order must give every row of the frame once")
    return _chunks(fields, codes, len(uniques), order)


def _chunks(fields: list[_Field], codes: np.ndarray, groups: int, order: np.ndarray) -> Iterator[bytes]:
    """One chunk per window of ``order``: the window's rows grouped by layout, each group encoded at once."""
    yield HEADER
    count = len(fields).to_bytes(2, "big")
    window = max(WINDOW_ROWS, min(groups * ROWS_PER_GROUP, GROUP_ROWS))
    for start in range(0, len(order), window):
        rows = order[start : start + window]
        rows = rows[np.argsort(codes[rows], kind="stable")]
        cuts = np.flatnonzero(np.diff(codes[rows])) + 1
        yield b"".join(_encode_rows(fields, part, count) for part in np.split(rows, cuts))
    yield TRAILER


def _encode_rows(fields: list[_Field], rows: np.ndarray, count: bytes) -> bytes:
    """Rows that share one layout (the same NULLs and texts), as one block of bytes."""
    first = rows[0]
    parts: list[np.ndarray] = [np.frombuffer(count, np.uint8)]
    for field in fields:
        if field.constant and field.codes is None:
            parts += [_length(field.bytes.shape[1]), field.bytes[0]]
        elif field.constant:
            text = field.texts[0]
            parts += [_length(len(text)), np.frombuffer(text, np.uint8)]
        elif field.codes is not None:
            text = field.texts[field.codes[first]]
            parts += [_length(len(text)), np.frombuffer(text, np.uint8)]
        elif field.null is not None and field.null[first]:
            parts.append(NULL)
        else:
            parts += [_length(field.bytes.shape[1]), field.bytes[rows]]
    width = sum(p.shape[-1] for p in parts)
    block = np.empty((len(rows), width), np.uint8)
    at = 0
    for part in parts:
        block[:, at : at + part.shape[-1]] = part
        at += part.shape[-1]
    return block.tobytes()


class ChunkReader(io.RawIOBase):
    """A file-like view of byte chunks, for psycopg2's ``copy_expert`` (which reads a few KB at a time)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._chunk = memoryview(b"")
        self._at = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while self._at >= len(self._chunk):
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._chunk, self._at = memoryview(chunk), 0
        end = len(self._chunk) if size < 0 else self._at + size
        out = self._chunk[self._at : end].tobytes()
        self._at += len(out)
        return out
