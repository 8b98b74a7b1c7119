"""What every table reader does last: the blank-row filter agrees with the plain definition."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from outcomes.ingest.table_finish import all_empty


def test_blank_rows_are_exactly_those_whose_every_cell_is_empty_or_spaces():
    cells = ["", " ", "\t ", "x", " x "]
    frame = pd.DataFrame(list(itertools.product(cells, repeat=3)), columns=["a", "b", "c"])
    expected = frame.apply(lambda column: column.str.strip() == "").all(axis=1).to_numpy()
    assert np.array_equal(all_empty(frame, ["a", "b", "c"]), expected)
    assert all_empty(frame, ["a", "b", "c"]).sum() == 3**3
