"""One formatter for a value and its unit (issue 13.4): '43.0%', '82.2 years', '774.0 per 100,000'."""

from __future__ import annotations

import math

import pytest

from outcomes.units import format_value, hover_suffix, unit_note, unit_suffix


@pytest.mark.parametrize(
    ("unit", "multiplier", "value", "decimals", "expected"),
    [
        ("percent", 100, 43.0, 1, "43.0%"),
        ("years", 1, 82.24, 1, "82.2 years"),
        ("rate", 100_000, 774.0, 1, "774.0 per 100,000"),
        ("rate", 1_000, 2380.04, 1, "2,380.0 per 1,000"),
        ("count", 1, 2380.0, 0, "2,380"),
        ("score", 1, 7.456, 2, "7.46"),
        ("ratio", 1, 1.0, 2, "1.00"),
    ],
)
def test_every_value_has_its_unit_and_decimals(unit, multiplier, value, decimals, expected):
    assert format_value(value, decimals=decimals, suffix=unit_suffix(unit, multiplier)) == expected


def test_missing_values_say_so():
    assert format_value(None) == "—"
    assert format_value(math.nan, missing="no value") == "no value"


def test_hover_suffix_spaces_words_but_not_percent():
    assert hover_suffix("%") == "%"
    assert hover_suffix("years") == " years"
    assert hover_suffix("") == ""


@pytest.mark.parametrize(
    ("suffix", "label", "note"),
    [
        ("per 1,000", "per 1,000 weighted population per year", "weighted population per year"),
        ("per 100,000", "Per 100,000 population", "population"),
        ("years", "Years", ""),
        ("", "Score", "Score"),
        ("per 1,000", "directly standardised, per 1,000", "directly standardised, per 1,000"),
    ],
)
def test_a_unit_note_leaves_out_what_the_value_already_says(suffix, label, note):
    """The board's tile showed "9.01 per 1,000 per 1,000 weighted population per year"."""
    assert unit_note(suffix, label) == note
