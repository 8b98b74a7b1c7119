"""Values with their units, one way everywhere: '43.0%', '82.2 years', '774.0 per 100,000', '2,380'.

Pure (no Django): `Indicator.format_value`, the figure builders' hover and labels, and the pages' tables all use
`format_value`, so a number never appears without its unit or with a different number of decimals.
"""

from __future__ import annotations

import math

import pandas as pd

MISSING = "—"


def unit_suffix(unit: str, multiplier: int | None = 1) -> str:
    """The words after a number for an indicator's unit: "%", "years", "per 100,000" (a rate per its
    multiplier), or "" for counts, ratios and scores (their axis title names them)."""
    if unit == "percent":
        return "%"
    if unit == "years":
        return "years"
    if unit == "rate" and multiplier and multiplier > 1:
        return f"per {multiplier:,}"
    return ""


def with_unit(text: str, suffix: str) -> str:
    """``text`` followed by ``suffix``: "%" joined on, words after a space."""
    if not suffix:
        return text
    return f"{text}{suffix}" if suffix == "%" else f"{text} {suffix}"


def unit_note(suffix: str, label: str) -> str:
    """The words of a unit's label that a value formatted with ``suffix`` does not already say: a value shown as
    "9.01 per 1,000" with the label "per 1,000 weighted population per year" needs only "weighted population per
    year" after it, not the rate twice."""
    label = label.strip()
    if suffix and label.lower().startswith(suffix.lower()):
        return label[len(suffix) :].strip()
    return label


def hover_suffix(suffix: str) -> str:
    """What follows a number inside a plotly hover template ("%" or " years")."""
    return with_unit("", suffix)


def format_value(value: float | None, *, decimals: int = 1, suffix: str = "", missing: str = MISSING) -> str:
    """A number for people: thousands separators, the indicator's decimal places, its unit; ``missing`` for
    None or NaN."""
    if value is None:
        return missing
    number = float(value)
    if math.isnan(number):
        return missing
    return with_unit(f"{number:,.{decimals}f}", suffix)


def count_text(value) -> str:
    """A count in a table: a whole number with thousands separators; blank when missing (None, NaN, NA)."""
    return "" if value is None or pd.isna(value) else format_value(value, decimals=0)
