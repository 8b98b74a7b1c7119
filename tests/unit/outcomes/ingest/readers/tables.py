"""Build a parsed Table in a test, as table.py would (strings, ``__line__`` from 2)."""

from __future__ import annotations

import pandas as pd

from outcomes.ingest.table import LINE, Table


def make_table(header: list[str], rows: list[list[str]], first_line: int = 2) -> Table:
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[LINE] = range(first_line, first_line + len(rows))
    return Table(header=header, frame=frame)
