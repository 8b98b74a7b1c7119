"""Parse a sniffed file into a table of strings, keeping each row's line number in the file.

The fast path is pandas' C parser (a million rows in about a second); files it cannot map to line numbers
exactly (quoted fields spanning lines) or cannot parse (ragged rows) go through the csv module, which is
slower but names every bad line.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .problems import FileRefused, Problem
from .sniff import Sniffed

LINE = "__line__"


@dataclass
class Table:
    """``frame`` holds the data rows as strings (column names as in the file) plus ``__line__``."""

    header: list[str]
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None
    file_name: str = ""  # the uploaded name: some formats (GPPS) carry the survey year in it


def read_table(content: bytes, sniffed: Sniffed) -> Table:
    if sniffed.kind == "xlsx":
        try:
            return _read_xlsx(content)
        except FileRefused:
            raise
        except Exception as exc:  # a damaged part (bad XML, a broken zip member) only fails when it is read
            raise FileRefused(
                Problem(None, None, "bad_xlsx", "Part of the Excel workbook cannot be read; it may be damaged.")
            ) from exc
    return _read_text(sniffed.text or "", sniffed.delimiter or ",")


def _header_problems(header: list[str]) -> list[Problem]:
    problems = []
    if not any(h.strip() for h in header):
        raise FileRefused(Problem(1, None, "no_header", "The first line is blank; it must hold the column names."))
    for index, name in enumerate(header):
        if not name.strip():
            problems.append(Problem(1, f"column {index + 1}", "blank_header", "A column has no name."))
    return problems


def _finish(header: list[str], frame: pd.DataFrame, problems: list[Problem], sheet: str | None = None) -> Table:
    data = [c for c in frame.columns if c != LINE]
    if data:
        frame = frame.loc[~_all_empty(frame, data)]
    if frame.empty:
        raise FileRefused(Problem(None, None, "no_rows", "The file has column names but no data rows."))
    return Table(header=header, frame=frame.reset_index(drop=True), problems=problems, sheet=sheet)


def _read_text(text: str, delimiter: str) -> Table:
    text = text.lstrip("\ufeff")
    if text.count("\r") != text.count("\r\n"):  # lone CRs (old Mac line ends) are line breaks, as Excel reads them
        text = re.sub(r"\r(?!\n)", "\n", text)
    if '"' not in text and _widths_agree(text, delimiter):
        try:
            raw = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
                quotechar='"',
            )
        except pd.errors.ParserError:
            return _read_text_slow(text, delimiter)
        except pd.errors.EmptyDataError as exc:
            raise FileRefused(Problem(None, None, "empty_file", "The file is empty.")) from exc
        header = [str(h).strip() for h in raw.iloc[0].fillna("")]
        body = raw.iloc[1:]
        frame = body.fillna("").reset_index(drop=True)
        frame.columns = list(range(len(header)))
        frame[LINE] = body.index.to_numpy() + 1  # raw row i is file line i + 1
        return _finish(header, _named(frame, header), _header_problems(header))
    return _read_text_slow(text, delimiter)


def _all_empty(frame: pd.DataFrame, columns: list) -> np.ndarray:
    """Rows whose every cell is "" (blank lines). Each column is compared only on the rows still empty, so a
    file without blank lines costs one column's comparison, not one per column."""
    empty = np.ones(len(frame), dtype=bool)
    for column in columns:
        rows = np.flatnonzero(empty)
        if not len(rows):
            break
        empty[rows] = frame[column].to_numpy()[rows] == ""
    return empty


#: Line breaks of str.splitlines other than \n and \r\n: a text holding any is checked line by line.
_OTHER_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"


def _widths_agree(text: str, delimiter: str) -> bool:
    """Without quotes, every non-blank line must hold as many delimiters as the header.

    Counted with numpy over the UTF-8 bytes (a newline or an ASCII delimiter byte never occurs inside a
    multi-byte character); only lines whose count differs are decoded, to see whether they are blank."""
    plain = len(delimiter) == 1 and delimiter.isascii() and delimiter not in "\r\n"
    if not plain or not text or text.count("\r") != text.count("\r\n") or any(b in text for b in _OTHER_BREAKS):
        return _widths_agree_by_line(text, delimiter)
    try:
        data = np.frombuffer(text.encode("utf-8"), np.uint8)
    except UnicodeEncodeError:  # lone surrogates
        return _widths_agree_by_line(text, delimiter)
    breaks = np.flatnonzero(data == ord("\n"))
    counts = np.bincount(np.searchsorted(breaks, np.flatnonzero(data == ord(delimiter))), minlength=len(breaks) + 1)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(data)]))
    for line in np.flatnonzero(counts != counts[0]):
        if data[starts[line] : ends[line]].tobytes().decode("utf-8").strip():
            return False
    return True


def _widths_agree_by_line(text: str, delimiter: str) -> bool:
    lines = text.splitlines()
    width = lines[0].count(delimiter)
    return all(line.count(delimiter) == width for line in lines[1:] if line.strip())


def _named(frame: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Columns by position -> the file's names, made unique only for duplicate names (reported elsewhere)."""
    names, seen = [], {}
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}\u0000{seen[name]}")
    frame.columns = [*names, LINE]
    return frame


def _read_text_slow(text: str, delimiter: str) -> Table:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise FileRefused(Problem(None, None, "empty_file", "The file is empty.")) from exc
    except csv.Error as exc:
        raise FileRefused(Problem(1, None, "bad_quoting", f"The header line cannot be read: {exc}.")) from exc
    problems = _header_problems(header)
    rows, lines = [], []
    width = len(header)
    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise FileRefused(Problem(start_line, None, "bad_quoting", f"Quoting is broken here ({exc}).")) from exc
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != width:
            problems.append(
                Problem(
                    start_line,
                    None,
                    "ragged_row",
                    f"This row has {len(row)} fields but the header has {width}. Check for a stray delimiter or quote.",
                )
            )
            row = (row + [""] * width)[:width]
        rows.append(row)
        lines.append(start_line)
    frame = pd.DataFrame(rows, columns=list(range(width)), dtype=object) if rows else pd.DataFrame(columns=range(width))
    frame[LINE] = lines
    return _finish(header, _named(frame, header), problems)


def _read_xlsx(content: bytes) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise FileRefused(
            Problem(None, None, "bad_xlsx", "The Excel workbook cannot be opened; it may be damaged.")
        ) from exc
    from .sheets import choose_sheet

    index, chosen = choose_sheet(book)
    sheet = book.worksheets[index]
    rows = sheet.iter_rows(values_only=False)
    try:
        header_cells = next(rows)
    except StopIteration as exc:
        raise FileRefused(Problem(None, None, "empty_file", f"The sheet '{sheet.title}' is empty.")) from exc
    header = [_cell_text(c.value).strip() for c in header_cells]
    while header and not header[-1]:
        header.pop()
    problems = _header_problems(header) + ([chosen] if chosen else [])
    width = len(header)
    records, lines = [], []
    formulas: list[tuple[int, int, int]] = []  # (record, column, row number) of each formula cell
    for row_number, cells in enumerate(rows, start=2):
        values = []
        for column, cell in enumerate(cells[:width]):
            if getattr(cell, "data_type", None) == "f":
                formulas.append((len(records), column, row_number))
            values.append(_cell_text(cell.value))
        extra = [c for c in cells[width:] if c.value not in (None, "")]
        if extra:
            problems.append(
                Problem(row_number, None, "ragged_row", "This row has values beyond the last named column.")
            )
        values += [""] * (width - len(values))
        records.append(values)
        lines.append(row_number)
    book.close()
    if formulas:
        problems += _calculated_values(content, index, formulas, records, header)
    frame = (
        pd.DataFrame(records, columns=list(range(width)), dtype=object)
        if records
        else pd.DataFrame(columns=range(width))
    )
    frame[LINE] = lines
    return _finish(header, _named(frame, header), problems, sheet=sheet.title)


def _calculated_values(
    content: bytes, index: int, formulas: list[tuple[int, int, int]], records: list[list[str]], header: list[str]
) -> list[Problem]:
    """Formula cells take the value Excel last calculated and saved (published workbooks, e.g. the 2019 ePCN
    file, look names up with VLOOKUP); the formula itself is never kept. A formula with no saved value is an
    error, as the value cannot be known without recalculating the workbook."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    wanted: dict[int, list[tuple[int, int]]] = {}
    for record, column, row_number in formulas:
        wanted.setdefault(row_number, []).append((record, column))
    problems, read = [], {}
    for row_number, row in enumerate(book.worksheets[index].iter_rows(min_row=2, values_only=True), start=2):
        for record, column in wanted.get(row_number, ()):
            value = row[column] if column < len(row) else None
            if value is None:
                problems.append(
                    Problem(
                        row_number,
                        header[column],
                        "formula",
                        "This cell holds a spreadsheet formula with no saved value. Paste values only.",
                    )
                )
                records[record][column] = ""
            else:
                records[record][column] = _cell_text(value)
                read[header[column]] = read.get(header[column], 0) + 1
        if row_number >= formulas[-1][2]:
            break
    book.close()
    return problems + [
        Problem(
            None,
            column,
            "formula_values",
            f"{count:,} cells hold formulas; the values Excel last calculated and saved were read.",
            "warning",
        )
        for column, count in read.items()
    ]


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold (dates as ISO, whole floats without .0)."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
