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


@pytest.mark.parametrize(
    ("start", "end", "frequency", "label"),
    [
        # The 12 months to each month's end of a monthly measure: a rolling year, named by its months.
        (D(2025, 9, 1), D(2026, 8, 31), "monthly", "Sep 2025 to Aug 2026"),
        (D(2025, 4, 1), D(2026, 3, 31), "monthly", "Apr 2025 to Mar 2026"),
        (D(2025, 1, 1), D(2025, 12, 31), "monthly", "Jan to Dec 2025"),
        (D(2025, 10, 1), D(2026, 9, 30), "quarterly", "Oct 2025 to Sep 2026"),
        (D(2026, 7, 1), D(2026, 9, 30), "quarterly", "Jul to Sep 2026"),  # one reading's own period
        (D(2026, 9, 1), D(2026, 9, 30), "monthly", "Sep 2026"),
        # A measure read once a year (or every two) over a school year: an academic year, as published.
        (D(2023, 9, 1), D(2024, 8, 31), "biennial", "2023/24 academic year"),
        (D(2018, 9, 1), D(2019, 8, 31), "annual", "2018/19 academic year"),
        (D(2022, 4, 1), D(2023, 3, 31), "annual", "2022/23"),
    ],
)
def test_a_rolling_window_is_never_named_as_a_year(start, end, frequency, label):
    assert period_label(start, end, frequency) == label


def test_an_indicator_names_its_periods_by_its_frequency():
    from outcomes.models import Indicator

    rolling = Indicator(frequency="monthly")
    assert rolling.period_label(D(2024, 9, 1), D(2025, 8, 31)) == "Sep 2024 to Aug 2025"
    assert "academic year" not in rolling.period_label(D(2024, 9, 1), D(2025, 8, 31))
    assert Indicator(frequency="biennial").period_label(D(2023, 9, 1), D(2024, 8, 31)) == "2023/24 academic year"


def test_rebase_positions_start_at_the_first_period_on_or_after_each_rebase():
    import datetime as dt

    from outcomes.periods import rebase_positions

    starts = [dt.date(2025, m, 1) for m in range(1, 13)]
    assert rebase_positions(starts, [dt.date(2025, 4, 1)]) == [3]
    assert rebase_positions(starts, [dt.date(2025, 4, 15)]) == [4]  # mid-month: the next whole period
    assert rebase_positions(starts, [dt.date(2025, 9, 1), dt.date(2025, 4, 1), dt.date(2025, 4, 10)]) == [3, 4, 8]
    # before the second point or after the last: no group on one side, so no rebase
    assert rebase_positions(starts, [dt.date(2024, 1, 1), dt.date(2025, 1, 1), dt.date(2026, 1, 1)]) == []
