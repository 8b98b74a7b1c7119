"""The generic reader: a blank breakdown or category is the headline ("all")."""

from __future__ import annotations

from outcomes.ingest.readers.generic import GenericReader

from .tables import make_table

HEADER = ["indicator_code", "org_code", "period_start", "period_end", "breakdown", "category"]


def test_blank_or_space_breakdowns_and_categories_read_as_all_and_others_are_kept():
    rows = [
        ["I", "A", "2024-01-01", "2024-01-31", "", ""],
        ["I", "A", "2024-01-01", "2024-01-31", "  ", " female "],
        ["I", "A", "2024-01-01", "2024-01-31", "sex", "  "],
    ]
    frame = GenericReader().read(make_table(HEADER, rows)).frame
    assert frame["breakdown"].tolist() == ["all", "all", "sex"]
    assert frame["category"].tolist() == ["all", " female ", "all"]


def test_missing_breakdown_and_category_columns_read_as_all():
    frame = GenericReader().read(make_table(HEADER[:4], [["I", "A", "2024-01-01", "2024-01-31"]])).frame
    assert frame["breakdown"].tolist() == ["all"] and frame["category"].tolist() == ["all"]
