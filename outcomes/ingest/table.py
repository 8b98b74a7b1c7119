"""Parse a sniffed file into a table of strings, keeping each row's line number in the file.

The fast path is pandas' C parser (a million rows in about a second); files it cannot map to line numbers
exactly (quoted fields spanning lines) or cannot parse (ragged rows) go through the csv module, which is
slower but names every bad line.

Rows are counted as they are read: with a row limit (``limits.Limits``), reading stops at the first row over it
and the table says so in ``over_limit``, holding only the rows before it (enough for the patient-data scan,
which still runs, so an oversized patient-level file is refused as such and deleted). A workbook is read by
``workbook_table``; both end in ``table_finish``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import numpy as np
import pandas as pd

from ..problems import FileRefused, Problem
from .limits import NO_LIMITS, Limits, too_many_rows
from .parsed import LINE, MAX_BEYOND, Table
from .sniff import Sniffed
from .table_finish import MAX_COLUMNS, finish_table, header_problems, named_columns, too_many_columns
from .titles import MOST_TITLE_LINES, skipped, title_lines
from .workbook_table import read_xlsx


def read_table(content: bytes, sniffed: Sniffed, limits: Limits = NO_LIMITS) -> Table:
    if sniffed.kind == "xlsx":
        try:
            return read_xlsx(content, limits)
        except FileRefused:
            raise
        except Exception as exc:  # a damaged part (bad XML, a broken zip member) only fails when it is read
            raise FileRefused(
                Problem(None, None, "bad_xlsx", "Part of the Excel workbook cannot be read; it may be damaged.")
            ) from exc
    text, delimiter = sniffed.text or "", sniffed.delimiter or ","
    text, skip, preamble = _without_title_lines(text, delimiter)
    _check_header_width(text, delimiter, skip + 1)
    if limits.rows is not None and _most_rows(text) > limits.rows:
        table = _read_text_limited(text, delimiter, limits)
    else:
        table = _read_text(text, delimiter)
    if not skip:
        return table
    table.preamble, table.header_line = preamble, skip + 1
    return _shifted(table, skip)


def _check_header_width(text: str, delimiter: str, line: int) -> None:
    """Refuse a header of more than MAX_COLUMNS fields before it is parsed into columns."""
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    if first.count(delimiter) < MAX_COLUMNS:
        return
    try:
        fields = len(next(csv.reader([first], delimiter=delimiter, strict=False), []))
    except csv.Error:
        fields = first.count(delimiter) + 1
    if fields > MAX_COLUMNS:
        raise FileRefused(too_many_columns(fields, line))


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


#: Below this many blank lines a text is parsed as it is; above, they are cut out first (see ``_cut_blank_lines``).
_FEW_BLANK_LINES = 1_000


def _cut_blank_lines(text: str, delimiter: str) -> tuple[str, np.ndarray | None]:
    """The text without its blank lines (empty, or only spaces, tabs and delimiters) and each kept line's number,
    or (text, None) when it has few. pandas makes a row of every blank line (about 450 bytes each) before
    ``finish_table`` drops it: 49 MB of line breaks took 13.5 GB. Each search jumps to the next character that is
    not blank, so the cost is in the lines kept, not in the blank ones."""
    if any(b in text for b in _OTHER_BREAKS):
        return text, None
    # A blank line starts with a line break, a space, a tab or the delimiter: counted first, without a copy
    if sum(text.count(f"\n{start}") for start in ("\n", "\r", " ", "\t", delimiter)) < _FEW_BLANK_LINES:
        return text, None
    first = text.find("\n")
    if first < 0:
        return text, None
    written = re.compile(rf"[^ \t\r\n{re.escape(delimiter)}]")
    kept, numbers = [text[: first + 1]], [1]  # the header line, even blank (refused as no_header)
    pos, line = first + 1, 2
    while (found := written.search(text, pos)) is not None:
        start = text.rfind("\n", pos, found.start())
        start = pos if start < 0 else start + 1
        line += text.count("\n", pos, start)
        end = text.find("\n", found.start())
        end = len(text) if end < 0 else end + 1
        kept.append(text[start:end])
        numbers.append(line)
        pos, line = end, line + 1
    if text.count("\n") + 1 - len(numbers) < _FEW_BLANK_LINES:
        return text, None
    return "".join(kept), np.asarray(numbers)


def _read_text(text: str, delimiter: str) -> Table:
    """``text`` as ``_without_title_lines`` leaves it: no BOM, lone CRs made line breaks."""
    if '"' in text:
        return _read_text_slow(text, delimiter)
    compact, line_numbers = _cut_blank_lines(text, delimiter)
    if _widths_agree(compact, delimiter):
        try:
            raw = pd.read_csv(
                io.StringIO(compact),
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
        # raw row i is file line i + 1, or the line kept i-th when blank lines were cut
        frame[LINE] = body.index.to_numpy() + 1 if line_numbers is None else line_numbers[body.index.to_numpy()]
        return finish_table(header, named_columns(frame, header), header_problems(header))
    return _read_text_slow(text, delimiter)  # skips blank lines itself, naming every line as it is


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


def _read_text_slow(text: str, delimiter: str, limits: Limits = NO_LIMITS) -> Table:
    """The csv module, row by row: names every bad line, and stops at the first row over ``limits.rows``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=False)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise FileRefused(Problem(None, None, "empty_file", "The file is empty.")) from exc
    except csv.Error as exc:
        raise FileRefused(Problem(1, None, "bad_quoting", f"The header line cannot be read: {exc}.")) from exc
    problems = header_problems(header)
    rows, lines = [], []
    beyond: list[tuple[int, list[str]]] = []
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
        if len(row) > width and len(beyond) < MAX_BEYOND and any(cell.strip() for cell in row[width:]):
            beyond.append((start_line, row[width:]))
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
    table = finish_table(header, named_columns(frame, header), problems, over_limit=over_limit)
    table.beyond = beyond
    return table


def _swallowed_rows(row: list[str], delimiter: str, width: int) -> bool:
    """Whether a cell spanning lines holds lines with a row's worth of delimiters: a quote left open swallows the
    rows after it, where a real multi-line note holds sentences."""
    if width < 3:
        return False
    return any(line.count(delimiter) >= width - 1 for cell in row if "\n" in cell for line in cell.splitlines()[1:])
