import datetime as dt

import pytest

from outcomes.periods import period_label

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (D(2026, 9, 1), D(2026, 9, 30), "Sep 2026"),
        (D(2026, 7, 1), D(2026, 9, 30), "Jul to Sep 2026"),
        (D(2022, 4, 1), D(2023, 3, 31), "2022/23"),
        (D(2018, 9, 1), D(2019, 8, 31), "2018/19 academic year"),
        (D(2021, 1, 1), D(2021, 12, 31), "2021"),
        (D(2018, 1, 1), D(2020, 12, 31), "2018 to 2020"),
        (D(2021, 1, 1), D(2022, 3, 31), "Jan 2021 to Mar 2022"),
    ],
)
def test_period_labels_read_as_a_board_paper_would(start, end, label):
    assert period_label(start, end) == label
