"""Months and reporting periods: month helpers and the human label of a period (pure; no Django).

The one home for both: pages, the board pack, governance reports and the demo data use these.
"""

from __future__ import annotations

import datetime as dt


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def month_starts(end: dt.date, months: int) -> list[dt.date]:
    """The first days of the ``months`` months ending with the month containing ``end``, oldest first."""
    year, month = end.year, end.month
    starts = []
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


#: Months between a measure's readings, by its frequency (a period longer than this is a rolling window).
_READING_MONTHS = {"monthly": 1, "quarterly": 3}


def period_label(start: dt.date, end: dt.date, frequency: str | None = None) -> str:
    """How a board paper names a period: "Sep 2026", "Jul to Sep 2026", "2022/23", "2021", "2018 to 2020".

    With the measure's ``frequency``, a period longer than the time between its readings is a rolling window (the
    12 months to each month's end) and is named by its months, "Oct 2025 to Sep 2026": a rolling year that happens
    to start in September is not an academic year, nor one starting in April a financial year. Every page, chart,
    download and the board pack name periods through this one function."""
    months = _months(start, end)
    if months == 1:
        return f"{start:%b %Y}"
    reading = _READING_MONTHS.get(frequency or "")
    if reading is not None and months > reading:
        return f"{start:%b} to {end:%b %Y}" if start.year == end.year else f"{start:%b %Y} to {end:%b %Y}"
    if months == 12 and start.month == 4:
        return f"{start.year}/{str(end.year)[2:]}"
    if months == 12 and start.month == 9:
        return f"{start.year}/{str(end.year)[2:]} academic year"
    if months == 12 and start.month == 1:
        return str(start.year)
    if months % 12 == 0 and start.month == 1:
        return f"{start.year} to {end.year}"
    if start.year == end.year:
        return f"{start:%b} to {end:%b %Y}"
    return f"{start:%b %Y} to {end:%b %Y}"


def rebase_positions(period_starts: list[dt.date], rebases: list[dt.date]) -> list[int]:
    """0-based positions in a series (sorted by period) where each rebase's new group starts.

    A rebase starts at the first period beginning on or after its date; one before the second point or after the
    last is dropped (a group needs points on both sides), and two landing on the same point count once.
    """
    out: set[int] = set()
    for start in rebases:
        position = next((i for i, p in enumerate(period_starts) if p >= start), None)
        if position is not None and 0 < position < len(period_starts):
            out.add(position)
    return sorted(out)
