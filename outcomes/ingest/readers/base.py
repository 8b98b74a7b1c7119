"""The reader contract and registry.

A reader receives the parsed ``Table`` (strings, with ``__line__``) and returns a frame whose columns are
the canonical names below, still as text (ISO dates where the reader computed them), plus the mapping from
each canonical column to the file's own column name, so validation can name the column an analyst sees.
Observation readers produce CANONICAL columns; reference readers (ODS) produce their own documented frames;
the geography lookup reader produces a frame that is checked, never applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Literal

import pandas as pd

from ...problems import Problem
from ..parsed import LINE, Table

#: The numbers of a row (counts, value and its interval), named as the observation's columns are.
NUMBER_COLUMNS = ("numerator", "denominator", "value", "lower_ci", "upper_ci")
CANONICAL = [
    "indicator_code",
    "org_code",
    "period_start",
    "period_end",
    "breakdown",
    "category",
    *NUMBER_COLUMNS,
    "note",
]


@dataclass
class ReaderOutput:
    frame: pd.DataFrame
    columns: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    kind: Literal["observations", "areas", "memberships", "geography"] = "observations"


class Reader:
    name: ClassVar[str]
    label: ClassVar[str]
    kind: ClassVar[Literal["observations", "areas", "memberships", "geography"]] = "observations"
    #: True for files with no header row (ODS epraccur): the parsed "header" is really line 1 of data.
    headerless: ClassVar[bool] = False
    #: The columns a file of this format carries: role -> the names it goes by (normalised, the first shown). Only
    #: for telling an analyst which format a file they brought is nearest to (``nearest.nearest_format``).
    expected: ClassVar[dict[str, tuple[str, ...]]] = {}

    def pii_exempt_columns(self, table: Table) -> frozenset[str]:
        """Columns that hold an organisation's own address (ODS files), exempt from the postcode scan only."""
        return frozenset()

    def pii_exempt_headers(self, table: Table) -> frozenset[str]:
        """Column names (as in the file) that name an organisation, not a person, exempt from the column-name
        check only (e.g. the ePCN file's "Partner Name", the practice's name)."""
        return frozenset()

    def table_problems(self, table: Table) -> list[Problem]:
        """The parser's problems that apply to this format (a format may be known to write rows the parser
        calls ragged, e.g. older Fingertips exports); by default all of them, but for a column with neither a name
        nor a value (``empty_unnamed_columns``)."""
        return empty_unnamed_columns(table)


def empty_unnamed_columns(table: Table) -> list[Problem]:
    """The table's problems, where a column with no name and no value in any row (a spreadsheet's empty margin
    column, a delimiter at the end of every line) is one warning rather than a ``blank_header`` error; a column
    with values but no name is still an error."""
    data = [c for c in table.frame.columns if c != LINE]
    empty = {
        f"column {index + 1}"
        for index, name in enumerate(table.header)
        if not name.strip() and index < len(data) and table.frame[data[index]].astype(str).str.strip().eq("").all()
    }
    if not empty:
        return table.problems
    kept = [p for p in table.problems if not (p.code == "blank_header" and p.column in empty)]
    line = next((p.line for p in table.problems if p.code == "blank_header"), 1)
    numbers = sorted(int(column.split()[1]) for column in empty)
    which = f"Column {numbers[0]} has" if len(numbers) == 1 else f"Columns {', '.join(map(str, numbers))} have"
    return [*kept, Problem(line, None, "empty_column", f"{which} no name and no values: ignored.", "warning")]

    def matches(self, table: Table) -> bool:
        raise NotImplementedError

    def read(self, table: Table) -> ReaderOutput:
        raise NotImplementedError


READERS: dict[str, Reader] = {}


def register(cls: type[Reader]) -> type[Reader]:
    READERS[cls.name] = cls()
    return cls
