"""What every way of reading a table does last: columns named, blank lines and repeated header rows dropped.

Text files (``table``) and workbook sheets (``workbook_table``) reach the same ``Table`` through these, so a blank
line, a line of spaces or a header repeated where two exports were joined is treated alike in both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..problems import FileRefused, Problem
from .epraccur_shape import is_epraccur_line
from .headers import normalise
from .parsed import LINE, Table

#: The most columns a header may name: four times the widest file read (the GP Patient Survey's practice file, about
#: 1,100). A line of a million bare commas would otherwise become a million columns (minutes and gigabytes), and
#: every column costs each check a pass; a stray cell far to the right of a sheet widens it to that column.
MAX_COLUMNS = 4_096


def too_many_columns(count: int, line: int | None) -> Problem:
    return Problem(
        line,
        None,
        "too_many_columns",
        f"The header has {count:,} columns, more than the {MAX_COLUMNS:,} any file read here has. Check the "
        "delimiter, and delete the empty columns (or stray cells) to the right of the table.",
    )


#: The longest column name read: the longest published ones (Fingertips' "Compared to PCNs (v. 27/10/23) value or
#: percentiles", a workbook's headings over two lines) are under 100 characters. A longer "name" is a row of data,
#: a paragraph or an attack (a 40 MB name took 33 s and 1.9 GB, and was repeated in every message naming it).
MAX_HEADER_LENGTH = 1_000


def header_problems(header: list[str], line: int = 1) -> list[Problem]:
    problems = []
    if not any(h.strip() for h in header):
        raise FileRefused(Problem(line, None, "no_header", "The first line is blank; it must hold the column names."))
    long = [index for index, name in enumerate(header) if len(name) > MAX_HEADER_LENGTH]
    if long:
        raise FileRefused(
            Problem(
                line,
                f"column {long[0] + 1}",
                "header_too_long",
                f"This column name is {len(header[long[0]]):,} characters long, more than the {MAX_HEADER_LENGTH:,} "
                "any column name may have: the line read as the column names is not a header.",
            )
        )
    for index, name in enumerate(header):
        if not name.strip():
            problems.append(Problem(line, f"column {index + 1}", "blank_header", "A column has no name."))
    return problems


def finish_table(
    header: list[str],
    frame: pd.DataFrame,
    problems: list[Problem],
    sheet: str | None = None,
    over_limit: Problem | None = None,
) -> Table:
    data = [c for c in frame.columns if c != LINE]
    if data:
        frame = frame.loc[~all_empty(frame, data)]
        frame, repeated = _repeated_headers(frame, header)
        problems = [*problems, *repeated]
    # A one-practice epraccur is a single line of data, no header: its reader reads that line.
    if frame.empty and over_limit is None and not is_epraccur_line(header):
        raise FileRefused(Problem(None, None, "no_rows", "The file has column names but no data rows."))
    return Table(
        header=header, frame=frame.reset_index(drop=True), problems=problems, sheet=sheet, over_limit=over_limit
    )


def all_empty(frame: pd.DataFrame, columns: list) -> np.ndarray:
    """Rows whose every cell is blank: "" or only spaces (a line of spaces, tabs or bare delimiters is a blank
    line). Each column is compared only on the rows still empty, so a file without blank lines costs one column's
    comparison, not one per column."""
    empty = np.ones(len(frame), dtype=bool)
    for column in columns:
        rows = np.flatnonzero(empty)
        if not len(rows):
            break
        values = frame[column].to_numpy()[rows]
        blank = values == ""
        rest = np.flatnonzero(~blank)
        if len(rest):  # judged on the distinct values (a column of codes holds a few), spread back by code
            codes, distinct = pd.factorize(values[rest])
            blank[rest] = _is_space(np.asarray(distinct, dtype=object)).astype(bool)[codes]
        empty[rows] = blank
    return empty


def _space_only(value: object) -> bool:
    return isinstance(value, str) and value.isspace()


_is_space = np.frompyfunc(_space_only, 1, 1)


def _repeated_headers(frame: pd.DataFrame, header: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Rows that repeat the column names (two exports joined into one file; in any case or spacing) are skipped,
    each with one warning, rather than failing every column's check. Only rows whose first cell is the first name
    are compared, found among the first column's distinct values."""
    data = [c for c in frame.columns if c != LINE]
    if not data or not header or not header[0]:
        return frame, []
    names = [normalise(h) for h in header]
    first = frame[data[0]]
    start, size = header[0].strip()[:1].lower(), len(header[0].strip())
    alike = [
        v
        for v in pd.unique(first.to_numpy())
        if isinstance(v, str)
        and _unmarked(v)[:1].lower() == start
        and abs(len(_unmarked(v)) - size) <= 3
        and normalise(_unmarked(v)) == names[0]
    ]
    candidates = np.flatnonzero(first.isin(alike).to_numpy()) if alike else []
    repeated = [
        index
        for index in candidates
        if [normalise(_unmarked(str(v))) for v in frame.iloc[index, : len(names)]] == names
    ]
    if not repeated:
        return frame, []
    lines = frame[LINE].to_numpy()[repeated]
    problems = [
        Problem(
            int(line),
            None,
            "repeated_header",
            "This line repeats the column names (two exports joined into one file?); it was skipped.",
            "warning",
        )
        for line in lines
    ]
    return frame.drop(frame.index[repeated]), problems


def _unmarked(cell: str) -> str:
    """A cell without spaces around it or a byte-order mark: a second export pasted on keeps its own BOM."""
    return cell.replace("\ufeff", "").strip()


def named_columns(frame: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Columns by position -> the file's names, made unique only for duplicate names (reported elsewhere)."""
    names, seen = [], {}
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}\u0000{seen[name]}")
    frame.columns = [*names, LINE]
    return frame
