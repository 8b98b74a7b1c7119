"""Read the sheet of a workbook a reader recognises into a table of strings, streamed, with its row numbers.

The sheet is chosen by its column names (``sheets.choose_sheet``); title lines above the header are skipped
(``titles``); formula cells take the value Excel last saved. The archive is checked before any row is parsed
(``limits.check_archive``, the sheet's ``<dimension>``, a count of its rows), and rows are counted as they are
read, so a sheet over the row limit is never held whole.
"""

from __future__ import annotations

import io
import itertools
import warnings
import zipfile

import pandas as pd

from ..problems import FileRefused, Problem
from .cells import cell_text
from .limits import NO_LIMITS, Limits, check_archive, declared_dimension, rows_with_values, too_many_rows
from .parsed import LINE, MAX_BEYOND, Table
from .sheets import choose_sheet
from .table_finish import MAX_COLUMNS, finish_table, header_problems, named_columns, too_many_columns
from .titles import MOST_TITLE_LINES, skipped, title_lines

# Workbooks written by tools other than Excel often have no default cell style: openpyxl says so on stderr for
# every one it opens, which reads as an error in the command's output. The cells read the same.
warnings.filterwarnings("ignore", message="Workbook contains no default style", category=UserWarning)

#: Rows read from a workbook already known to be over the row limit: enough for the patient-data scan.
SAMPLE_ROWS = 1000


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


def read_xlsx(content: bytes, limits: Limits = NO_LIMITS) -> Table:
    """The sheet a reader recognises (``sheets.choose_sheet``), values only, streamed: rows are counted as they
    are parsed, never all held first."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise _bad_xlsx() from exc
    check_archive(archive, limits)
    if _is_strict(archive):
        raise FileRefused(
            Problem(
                None,
                None,
                "strict_xlsx",
                "This workbook was saved as Strict Open XML, which is not read. In Excel, save it as 'Excel Workbook "
                "(.xlsx)' (or as CSV) and upload that.",
            )
        )
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


def _is_strict(archive: zipfile.ZipFile) -> bool:
    """Whether the workbook or a sheet uses Strict Open XML's namespaces (openpyxl reads them as empty)."""
    for name in archive.namelist():
        if name == "xl/workbook.xml" or (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            try:
                with archive.open(name) as part:
                    if b"purl.oclc.org/ooxml/spreadsheetml" in part.read(2048):
                        return True
            except Exception:  # a damaged part: reported when it is read
                continue
    return False


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
    if len(header) > MAX_COLUMNS:
        raise FileRefused(too_many_columns(len(header), skip + 1))
    problems = ([skipped(skip)] if skip else []) + header_problems(header, skip + 1) + ([chosen] if chosen else [])
    width = len(header)
    keep = SAMPLE_ROWS if over_limit is not None else limits.rows
    records, lines = [], []
    beyond: list[tuple[int, list[str]]] = []
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
            if len(beyond) < MAX_BEYOND:
                beyond.append((row_number, [cell_text(v) for v in cells[width:] if v not in (None, "")]))
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
    table = finish_table(header, named_columns(frame, header), problems, sheet=sheet.title, over_limit=over_limit)
    table.preamble = [(line, [cell_text(v) for v in row]) for line, row in enumerate(head[:skip], start=1)]
    table.header_line = skip + 1
    table.beyond = beyond
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
