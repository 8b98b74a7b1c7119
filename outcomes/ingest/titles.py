"""Title lines above a table: "Table 1: ...", a source note, a blank line, then the column names.

Spreadsheets saved for people (and CSVs saved from them) often carry a title or two above the header. Reading the
title as the header gave a ``ragged_row`` error on every line. A file is taken to start with title lines when its
first line holds at most two values and a later line among the first few holds at least three, and more fields than
any line above it, with the line below it (if any) holding three or more too: that line is the header. A title
written with commas ("Smoking prevalence, Harrow, 2023/24") splits into several values: such a first line is a title
only when a later line holds names alone (no plain numbers, as a data row has) and is at least twice as wide as every
line above it, and three fields wider, with a line below it wider than the titles. One warning says which lines were
skipped, and every line number stays the file's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..problems import Problem

#: How far down the header may be looked for.
MOST_TITLE_LINES = 10
#: A title line holds at most this many values (a title, and perhaps a date beside it).
TITLE_VALUES = 2


def title_lines(rows: Sequence[Sequence[str]]) -> int:
    """How many of the leading ``rows`` (the first lines' fields, as text) are titles above the header: 0 when the
    first row is the header (or no later row looks like one)."""
    counts = [sum(1 for value in row if str(value).strip()) for row in rows[: MOST_TITLE_LINES + 2]]
    if not counts or len(counts) == 1:
        return 0
    if counts[0] > TITLE_VALUES:
        return _wide_title_lines(rows)
    for index in range(1, min(len(rows), MOST_TITLE_LINES + 1)):
        if counts[index] <= TITLE_VALUES:
            continue  # another title, a note or a blank line
        width = _width(rows[index])
        below = rows[index + 1] if index + 1 < len(rows) else None
        if width > max(_width(row) for row in rows[:index]) and (below is None or _width(below) > TITLE_VALUES):
            return index
        return 0
    return 0


def _wide_title_lines(rows: Sequence[Sequence[str]]) -> int:
    """Title lines of several values: only below them a line of names alone, twice as wide (and three fields
    wider) as every line above it, with a line below it wider than the titles; 0 otherwise."""
    above = 0
    for index in range(min(len(rows) - 1, MOST_TITLE_LINES + 1)):
        width = _width(rows[index])
        if index and width >= max(2 * above, above + 3) and names_only(rows[index]) and _width(rows[index + 1]) > above:
            return index
        above = max(above, width)
    return 0


_PLAIN_NUMBER = re.compile(r"[-+]?(\d[\d,]*)?\.?\d+%?")


def names_only(row: Sequence[str]) -> bool:
    """Whether no value of the row is a plain number (a data row has counts; column names do not)."""
    return not any(_PLAIN_NUMBER.fullmatch(str(value).strip()) for value in row)


def _width(row: Sequence[str]) -> int:
    """Fields up to the last one holding a value."""
    values = [str(value).strip() for value in row]
    while values and not values[-1]:
        values.pop()
    return len(values)


def skipped(count: int, first_line: int = 1) -> Problem:
    """The warning naming the title lines skipped (``first_line``: the file's number of the first of them)."""
    last = first_line + count - 1
    lines = f"Line {first_line} is" if count == 1 else f"Lines {first_line} to {last} are"
    return Problem(
        first_line,
        None,
        "title_lines",
        f"{lines} above the table (a title, notes or blank lines): skipped, and the column names read from line "
        f"{last + 1}.",
        "warning",
    )
