"""The indicator page's download: its columns, their decimals, and rows as the page shows them under disclosure
control ("*" where a count is suppressed, or a value comes from one)."""

from __future__ import annotations

import pandas as pd

from outcomes.coverage import frame_caveats
from outcomes.disclosure import SUPPRESSED_TEXT
from outcomes.models import COVERAGE_COLUMNS, KEY_COLUMNS, NUMBER_COLUMNS

# The CSV's columns, in order (a column no section has is left out). Counts under disclosure control are the
# rounded counts, "*" where suppressed; values from suppressed counts are "*".
EXPORT_COLUMNS = [
    "section",
    "area",
    *KEY_COLUMNS[2:],
    *NUMBER_COLUMNS,
    "suppressed",
    "coverage",
    "mean",
    "lower_process_limit",
    "upper_process_limit",
    "sii",
    "sii_lower_ci",
    "sii_upper_ci",
    "comparison",
]

#: Columns written at the indicator's decimal places in downloads; counts are whole numbers.
DECIMAL_COLUMNS = (
    "value",
    "lower_ci",
    "upper_ci",
    "mean",
    "lower_process_limit",
    "upper_process_limit",
    "sii",
    "sii_lower_ci",
    "sii_upper_ci",
)

COUNT_COLUMNS = ("numerator", "denominator")


def export_decimals(decimal_places: int) -> dict[str, int]:
    """Decimals per export column, as the page shows them (see harrow_bbp.tabular)."""
    return {**dict.fromkeys(DECIMAL_COLUMNS, decimal_places), **dict.fromkeys(COUNT_COLUMNS, 0)}


def hidden_rows(frame: pd.DataFrame) -> pd.Series:
    """Rows whose values disclosure control blanked (False everywhere for a frame it was not applied to)."""
    if "disclosure_suppressed" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["disclosure_suppressed"].fillna(False).astype(bool)


def for_export(frame: pd.DataFrame, **columns) -> pd.DataFrame:
    """Rows as the CSV writes them: controlled counts as shown (rounded, "*" where suppressed), values from
    suppressed counts as "*"."""
    out = frame.copy()
    for column in ("numerator", "denominator"):
        if column in out.columns and f"{column}_display" in out.columns:
            out[column] = out[column].astype(object).mask(out[f"{column}_display"] == SUPPRESSED_TEXT, SUPPRESSED_TEXT)
    hidden = hidden_rows(out)
    for column in ("value", "lower_ci", "upper_ci"):
        if column in out.columns and hidden.any():
            out[column] = out[column].astype(object).mask(hidden, SUPPRESSED_TEXT)
    if "member_practices" in out.columns:  # a derived row's coverage of its member practices, in words
        out["coverage"] = frame_caveats(out)
        out = out.drop(columns=[c for c in COVERAGE_COLUMNS if c in out.columns])
    return out.assign(**columns)
