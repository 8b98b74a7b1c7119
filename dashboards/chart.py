"""A chart as pages show it: the figure, its summary in words and its numbers as a table with headers in words."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# Column headers of the charts' tables, in words (a screen reader reads them out).
COLUMN_LABELS = {
    "period_end": "Period ending",
    "period": "Period",
    "value": "Value",
    "mean": "Mean",
    "lower_process_limit": "Lower process limit",
    "upper_process_limit": "Upper process limit",
    "group": "Period group (after each rebase)",
    "point_type": "Point type",
    "meaning": "What the point shows",
    "category": "Group",
    "interval": "95% confidence interval",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "numerator_display": "Numerator",
    "denominator_display": "Denominator",
    "name": "Practice",
    "practice": "Practice",
    "indicator": "Indicator",
    "significance_words": "Against the funnel limits",
    "benchmark": "Harrow",
    "minimum": "Lowest PCN",
    "maximum": "Highest PCN",
    "comparison": "Compared with Harrow",
    "coverage": "Coverage",
}


@dataclass
class Chart:
    key: str
    title: str
    figure_json: str
    summary: str
    table: list[dict] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # one URL per table row (its first cell links there), or none
    labels: dict[str, str] = field(default_factory=dict)  # headers for this chart's columns, over COLUMN_LABELS

    @property
    def headers(self) -> list[str]:
        """The table's column headers in words."""
        return [self.labels.get(c) or COLUMN_LABELS.get(c) or c.replace("_", " ").capitalize() for c in self.columns]

    @property
    def linked_rows(self) -> list[tuple[dict, str]]:
        """(row, url or "") pairs for the template."""
        return [(row, self.links[i] if i < len(self.links) else "") for i, row in enumerate(self.table)]


def y_title(indicator) -> str:
    if indicator.unit == "percent":
        return "Per cent"
    if indicator.unit_label:
        return indicator.unit_label[:1].upper() + indicator.unit_label[1:]
    return indicator.get_unit_display()


def count_text(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value:,.0f}"
