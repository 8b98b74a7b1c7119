"""The binary COPY encoder, read back by a decoder written here from the format's documentation."""

from __future__ import annotations

import datetime as dt
import struct

import numpy as np
import pandas as pd
import pytest

from outcomes.actions import pgcopy

COLUMNS = [("n", "int8"), ("x", "float8"), ("day", "date"), ("label", "text"), ("flag", "bool")]


def _decode(data: bytes) -> list[tuple]:
    """Rows of a binary COPY stream (header, rows of int16 count + int32 length/-1 + bytes, trailer -1)."""
    assert data.startswith(b"PGCOPY\n\xff\r\n\x00")
    at, rows = 19, []
    while True:
        (count,) = struct.unpack_from(">h", data, at)
        at += 2
        if count == -1:
            assert at == len(data)
            return rows
        row = []
        for kind in [k for _, k in COLUMNS][:count]:
            (size,) = struct.unpack_from(">i", data, at)
            at += 4
            if size == -1:
                row.append(None)
                continue
            raw = data[at : at + size]
            at += size
            row.append(
                {
                    "int8": lambda b: struct.unpack(">q", b)[0],
                    "float8": lambda b: struct.unpack(">d", b)[0],
                    "date": lambda b: dt.date(2000, 1, 1) + dt.timedelta(days=struct.unpack(">i", b)[0]),
                    "text": lambda b: b.decode(),
                    "bool": lambda b: b == b"\x01",
                }[kind](raw)
            )
        rows.append(tuple(row))


def _frame(rows: int, labels: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    x = rng.normal(size=rows)
    x[::5] = np.nan
    return pd.DataFrame(
        {
            "n": np.arange(rows, dtype=np.int64),
            "x": x,
            "day": [dt.date(2020, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 900, rows)],
            "label": [labels[i % len(labels)] for i in range(rows)],
            "flag": rng.integers(0, 2, rows).astype(bool),
        }
    )


def _expected(frame: pd.DataFrame) -> list[tuple]:
    return [
        (int(r.n), None if np.isnan(r.x) else float(r.x), r.day, r.label, bool(r.flag))
        for r in frame.itertuples(index=False)
    ]


def test_every_value_round_trips():
    frame = _frame(1_000, ["a", "bé", ""])
    got = _decode(b"".join(pgcopy.encode(frame, COLUMNS)))
    assert sorted(got) == sorted(_expected(frame))


def test_rows_go_out_in_the_given_order_to_within_a_window(monkeypatch):
    monkeypatch.setattr(pgcopy, "WINDOW_ROWS", 50)
    frame = _frame(2_000, ["one", "two", "three"])  # 3 texts x NULL or not: 6 layouts, mixed on every row
    order = np.random.default_rng(3).permutation(len(frame))
    got = _decode(b"".join(pgcopy.encode(frame, COLUMNS, order=order)))
    window = max(pgcopy.WINDOW_ROWS, 6 * pgcopy.ROWS_PER_GROUP)
    expected = _expected(frame)
    for start in range(0, len(order), window):
        assert sorted(got[start : start + window]) == sorted(expected[i] for i in order[start : start + window])


def test_rows_of_one_layout_go_out_exactly_in_the_given_order():
    frame = _frame(500, ["same"]).assign(x=1.5)
    order = np.random.default_rng(5).permutation(len(frame))
    got = _decode(b"".join(pgcopy.encode(frame, COLUMNS, order=order)))
    assert [row[0] for row in got] == order.tolist()


def test_an_order_that_misses_rows_is_refused():
    with pytest.raises(ValueError, match="every row"):
        pgcopy.encode(_frame(10, ["a"]), COLUMNS, order=np.arange(9))


def test_too_many_layouts_fall_back_to_text():
    many = pgcopy.MAX_GROUPS + 1
    assert pgcopy.encode(_frame(many, [f"t{i}" for i in range(many)]), COLUMNS) is None
