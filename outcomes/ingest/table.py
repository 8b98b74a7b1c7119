"""Parse a sniffed file into a table of strings, keeping each row's line number in the file.

The fast path is pandas' C parser (a million rows in about a second); files it cannot map to line numbers
exactly (quoted fields spanning lines) or cannot parse (ragged rows) go through the csv module, which is
slower but names every bad line.

Rows are counted as they are read: with a row limit (``limits.Limits``), reading stops at the first row over it
and the table says so in ``over_limit``, holding only the rows before it (enough for the patient-data scan,
which still runs, so an oversized patient-level file is refused as such and deleted). A workbook is checked
from its archive before any row is parsed (``limits.check_archive``, its ``<dimension>``, a count of its rows).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from dataclasses import replace

import numpy as np
import pandas as pd

from ..problems import FileRefused, Problem
from .cells import cell_text
from .headers import normalise
from .limits import NO_LIMITS, Limits, check_archive, declared_dimension, rows_with_values, too_many_rows
from .parsed import LINE, Table
from .sheets import choose_sheet
from .sniff import Sniffed
from .titles import MOST_TITLE_LINES, skipped, title_lines

#: Rows read from a workbook already known to be over the row limit: enough for the patient-data scan.
SAMPLE_ROWS = 1000


def read_table(content: bytes, sniffed: Sniffed, limits: Limits = NO_LIMITS) -> Table:
    if sniffed.kind == "xlsx":
        try:
            return _read_xlsx(content, limits)
        except FileRefused:
            raise
        except Exception as exc:  # a damaged part (bad XML, a broken zip member) only fails when it is read
            raise FileRefused(
                Problem(None, None, "bad_xlsx", "Part of the Excel workbook cannot be read; it may be damaged.")
            ) from exc
    text, delimiter = sniffed.text or "", sniffed.delimiter or ","
    text, skip, preamble = _without_title_lines(text, delimiter)
    if limits.rows is not None and _most_rows(text) > limits.rows:
        table = _read_text_limited(text, delimiter, limits)
    else:
        table = _read_text(text, delimiter)
    if not skip:
        return table
    table.preamble, table.header_line = preamble, skip + 1
    return _shifted(table, skip)


def _without_title_lines(text: str, delimiter: str) -> tuple[str, int, list[tuple[int, list[str]]]]:
    """The text from its header line on, how many lines (titles above the table, ``titles``) were cut, and the
    title rows cut, each with its line."""
    text = text.lstrip("\ufeff")
    if text.count("\r") != text.count("\r\n"):  # lone CRs (old Mac line ends) are line breaks, as Excel reads them
        text = re.sub(r"\r(?!\n)", "\n", text)
    head = _first_lines(text, MOST_TITLE_LINES + 2)
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    rows, ends = [], []
    try:
        for row in reader:
            rows.append(row)
            ends.append(reader.line_num)
    except csv.Error:  # broken quoting in the head: the parser reports it where it is
        return text, 0, []
    skip = title_lines(rows)
    if not skip:
        return text, 0, []
    lines = ends[skip - 1]
    preamble = [(1 if index == 0 else ends[index - 1] + 1, row) for index, row in enumerate(rows[:skip])]
    return text[len(_first_lines(text, lines)) :], lines, preamble


def _shifted(table: Table, lines: int) -> Table:
    """Line numbers back to the file's own after ``lines`` title lines were cut; the warning that says so."""
    table.frame[LINE] = table.frame[LINE] + lines
    table.problems = [
        skipped(lines),
        *(p if p.line is None else replace(p, line=p.line + lines) for p in table.problems),
    ]
    if table.over_limit is not None and table.over_limit.line is not None:
        table.over_limit = replace(table.over_limit, line=table.over_limit.line + lines)
    return table


def _read_text_limited(text: str, delimiter: str, limits: Limits) -> Table:
    """A text that may hold more rows than the limit: only its first ``limit + 1`` lines after the header are
    parsed (pandas' fast path when it applies); blank lines among them, or quoting, mean counting row by row."""
    if '"' in text:
        return _read_text_slow(text, delimiter, limits)
    try:
        parsed = _read_text(_first_lines(text, limits.rows + 2), delimiter)
    except FileRefused:  # e.g. only blank lines in the head: the whole text decides
        return _read_text_slow(text, delimiter, limits)
    if len(parsed.frame) <= limits.rows:
        return _read_text_slow(text, delimiter, limits)  # blank lines in the head: count exactly
    parsed.over_limit = too_many_rows(limits, int(parsed.frame[LINE].iloc[limits.rows]))
    parsed.frame = parsed.frame.iloc[: limits.rows]
    return parsed


def _first_lines(text: str, count: int) -> str:
    """The text up to the end of its ``count``-th line (by \\n; a text without one is returned whole)."""
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text
    return text[: end + 1]


def _most_rows(text: str) -> int:
    """An upper bound on the data rows of a text (its line breaks), found without parsing it."""
    return text.count("\n") + text.count("\r") - text.count("\r\n") + sum(text.count(b) for b in _OTHER_BREAKS)


def _header_problems(header: list[str], line: int = 1) -> list[Problem]:
    problems = []
    if not any(h.strip() for h in header):
        raise FileRefused(Problem(line, None, "no_header", "The first line is blank; it must hold the column names."))
    for index, name in enumerate(header):
        if not name.strip():
            problems.append(Problem(line, f"column {index + 1}", "blank_header", "A column has no name."))
    return problems


def _finish(
    header: list[str],
    frame: pd.DataFrame,
    problems: list[Problem],
    sheet: str | None = None,
    over_limit: Problem | None = None,
) -> Table:
    data = [c for c in frame.columns if c != LINE]
    if data:
        frame = frame.loc[~_all_empty(frame, data)]
        frame, repeated = _repeated_headers(frame, header)
        problems = [*problems, *repeated]
    if frame.empty and over_limit is None:
        raise FileRefused(Problem(None, None, "no_rows", "The file has column names but no data rows."))
    return Table(
        header=header, frame=frame.reset_index(drop=True), problems=problems, sheet=sheet, over_limit=over_limit
    )


def _read_text(text: str, delimiter: str) -> Table:
    """``text`` as ``_without_title_lines`` leaves it: no BOM, lone CRs made line breaks."""
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
        and v.strip()[:1].lower() == start
        and abs(len(v.strip()) - size) <= 3
        and normalise(v) == names[0]
    ]
    candidates = np.flatnonzero(first.isin(alike).to_numpy()) if alike else []
    repeated = [index for index in candidates if [normalise(str(v)) for v in frame.iloc[index, : len(names)]] == names]
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


def _read_text_slow(text: str, delimiter: str, limits: Limits = NO_LIMITS) -> Table:
    """The csv module, row by row: names every bad line, and stops at the first row over ``limits.rows``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise FileRefused(Problem(None, None, "empty_file", "The file is empty.")) from exc
    except csv.Error as exc:
        raise FileRefused(Problem(1, None, "bad_quoting", f"The header line cannot be read: {exc}.")) from exc
    problems = _header_problems(header)
    rows, lines = [], []
    width = len(header)
    over_limit = None
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
        if limits.rows is not None and len(rows) >= limits.rows:
            over_limit = too_many_rows(limits, start_line)
            break
        if reader.line_num > start_line and _swallowed_rows(row, delimiter, width):
            problems.append(
                Problem(
                    start_line,
                    None,
                    "unclosed_quote",
                    f"A quote opened on this line is not closed where its cell ends: lines {start_line + 1} to "
                    f"{reader.line_num} were read into one cell, and they look like rows. Close the quote, or "
                    "remove it.",
                )
            )
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
    return _finish(header, _named(frame, header), problems, over_limit=over_limit)


def _swallowed_rows(row: list[str], delimiter: str, width: int) -> bool:
    """Whether a cell spanning lines holds lines with a row's worth of delimiters: a quote left open swallows the
    rows after it, where a real multi-line note holds sentences."""
    if width < 3:
        return False
    return any(line.count(delimiter) >= width - 1 for cell in row if "\n" in cell for line in cell.splitlines()[1:])


def _get_size_from_head(self) -> None:
    """Replaces openpyxl's ``ReadOnlyWorksheet._get_size``, which parses the whole sheet XML when the sheet has
    no ``<dimension>`` (see ``limits.declared_dimension``); the result is the same, read from the sheet's head.
    """
    from openpyxl.utils.cell import range_boundaries

    with self._get_source() as source:
        ref = declared_dimension(source)
    if ref is not None:
        self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(ref)


def _open_workbook(content: bytes):
    import openpyxl
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    if ReadOnlyWorksheet._get_size is not _get_size_from_head:
        ReadOnlyWorksheet._get_size = _get_size_from_head  # once per process; this module is its only user
    return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)


def _read_xlsx(content: bytes, limits: Limits = NO_LIMITS) -> Table:
    """The sheet a reader recognises (``sheets.choose_sheet``), values only, streamed: rows are counted as they
    are parsed, never all held first."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise _bad_xlsx() from exc
    check_archive(archive, limits)
    try:
        book = _open_workbook(content)
        index, chosen = choose_sheet(book)
        sheet = book.worksheets[index]
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise _bad_xlsx() from exc
    try:
        return _read_sheet(archive, sheet, limits, content=content, index=index, chosen=chosen)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as exc:
        raise _bad_xlsx() from exc
    finally:
        book.close()


def _bad_xlsx() -> FileRefused:
    return FileRefused(Problem(None, None, "bad_xlsx", "The Excel workbook cannot be opened; it may be damaged."))


def _sheet_over_limit(archive: zipfile.ZipFile, sheet, limits: Limits) -> Problem | None:
    """Before any row is parsed: the sheet's ``<dimension>``, then a count of its rows holding values."""
    if limits.rows is None:
        return None
    if sheet.max_row is not None and sheet.min_row is not None and sheet.max_row - sheet.min_row > limits.rows:
        return Problem(
            None,
            None,
            "too_many_rows",
            f"The sheet '{sheet.title}' runs to row {sheet.max_row:,}, more than the limit of {limits.rows:,} "
            "rows (refused before reading it). Split the file, or delete any empty but formatted rows below "
            "the table.",
        )
    if rows_with_values(archive, sheet._worksheet_path, limits.rows + 1) > limits.rows + 1:
        return too_many_rows(limits, None)
    return None


def _read_sheet(
    archive: zipfile.ZipFile, sheet, limits: Limits, *, content: bytes, index: int, chosen: Problem | None
) -> Table:
    over_limit = _sheet_over_limit(archive, sheet, limits)
    # Read every row present, whatever <dimension> claims: openpyxl would stop at its last row, or pad to it.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    head = list(itertools.islice(rows, MOST_TITLE_LINES + 2))
    if not head:
        raise FileRefused(Problem(None, None, "empty_file", f"The sheet '{sheet.title}' is empty."))
    skip = title_lines([[cell_text(v) for v in row] for row in head])
    rows = itertools.chain(head[skip + 1 :], rows)
    header = [cell_text(v).strip() for v in head[skip]]
    while header and not header[-1]:
        header.pop()
    problems = ([skipped(skip)] if skip else []) + _header_problems(header, skip + 1) + ([chosen] if chosen else [])
    width = len(header)
    keep = SAMPLE_ROWS if over_limit is not None else limits.rows
    records, lines = [], []
    formulas: list[tuple[int, int, int]] = []  # (record, column, row number) of each formula cell
    for row_number, cells in enumerate(rows, start=skip + 2):
        if all(v is None or v == "" for v in cells):
            continue  # a blank row: neither kept nor counted
        if keep is not None and len(records) >= keep:
            if over_limit is None:
                over_limit = too_many_rows(limits, row_number)
            break
        values = []
        for column, value in enumerate(cells[:width]):
            if _is_formula_cell(value):
                formulas.append((len(records), column, row_number))  # its saved value is read below
            values.append(cell_text(value))
        if any(v not in (None, "") for v in cells[width:]):
            problems.append(
                Problem(row_number, None, "ragged_row", "This row has values beyond the last named column.")
            )
        values += [""] * (width - len(values))
        records.append(values)
        lines.append(row_number)
    if formulas:
        problems += _calculated_values(content, index, formulas, records, header)
    frame = (
        pd.DataFrame(records, columns=list(range(width)), dtype=object)
        if records
        else pd.DataFrame(columns=range(width))
    )
    frame[LINE] = lines
    table = _finish(header, _named(frame, header), problems, sheet=sheet.title, over_limit=over_limit)
    table.preamble = [(line, [cell_text(v) for v in row]) for line, row in enumerate(head[:skip], start=1)]
    table.header_line = skip + 1
    return table


def _is_formula_cell(value: object) -> bool:
    """With values only and data_only=False, openpyxl gives a formula as its text ("=SUM(A1:A3)"), or as an
    ArrayFormula / DataTableFormula object."""
    if isinstance(value, str):
        return value.startswith("=")
    return type(value).__name__ in ("ArrayFormula", "DataTableFormula")


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
                records[record][column] = cell_text(value)
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
