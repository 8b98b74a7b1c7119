"""The parsed table every reader receives: the file's header and its data rows as text, each with its line.

Its own module so that readers, the sheet chooser and the patient-data scan can name it without importing the
parser (which asks the readers which sheet of a workbook to read).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..problems import Problem

#: The column holding each row's line number in the file.
LINE = "__line__"


@dataclass
class Table:
    """``frame`` holds the data rows as strings (column names as in the file) plus ``__line__``."""

    header: list[str]
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    sheet: str | None = None
    file_name: str = ""  # the uploaded name: some formats (GPPS) carry the survey year in it
    over_limit: Problem | None = None  # reading stopped at a limit: the refusal (``frame`` holds the rows before)
    #: Title lines above the header, skipped (``titles``): (line, cells), still screened for patient data.
    preamble: list[tuple[int, list[str]]] = field(default_factory=list)
    header_line: int = 1  # the file's line holding the column names (below any title lines)
    #: Cells beyond the last named column of ragged rows, (line, cells): refused as ragged, never read as data,
    #: but kept with the upload, so screened for patient data too (at most ``MAX_BEYOND`` lines).
    beyond: list[tuple[int, list[str]]] = field(default_factory=list)


#: Ragged rows whose extra cells are kept in ``Table.beyond`` for the patient-data screen.
MAX_BEYOND = 1000
