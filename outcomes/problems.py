"""Problems found in a file: what, where, and how bad. Messages never repeat a suspected identifier."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

#: Cap on problems reported per code, so a million bad rows make a readable report, not a gigabyte.
MAX_PER_CODE = 1000
#: How the places of the parts of an upload not read as data begin (``unread_parts``, ``names``): "the workbook's
#: part ...", "Sheet 'Lookup', column B", "'readme.txt' in the ZIP archive". They are not a column's name.
PLACES = ("the ", "Sheet '", "'")
#: A column of a file without column names, named by its position ("column 12 (close date)").
POSITION = re.compile(r"^column \d+\b")


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    code: str
    message: str
    severity: Severity = "error"

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:  # a place not in the data ("'readme.txt' in the ZIP archive") is written as it is
            place = self.column.startswith(PLACES) or POSITION.match(self.column)  # a headerless file's "column 2"
            where.append(self.column if place else f"column '{self.column}'")
        text = ", ".join(where)
        prefix = (text[:1].upper() + text[1:] + ": ") if where else ""  # the column name keeps its case
        return f"{prefix}{self.message} [{self.code}]"


class FileRefused(Exception):
    """The file as a whole cannot be read (wrong type, encoding, empty, patient data...)."""

    def __init__(self, *problems: Problem, delete_bytes: bool = False) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)
        self.delete_bytes = delete_bytes


class ProblemList:
    """Collects problems, capping each code at MAX_PER_CODE with a closing summary line."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self._counts: dict[str, int] = {}

    def add(self, problem: Problem) -> None:
        count = self._counts.get(problem.code, 0) + 1
        self._counts[problem.code] = count
        if count <= MAX_PER_CODE:
            self.items.append(problem)

    def add_more(self, code: str, count: int) -> None:
        """Count ``count`` further occurrences of ``code`` beyond those listed."""
        if count > 0:
            self._counts[code] = self._counts.get(code, 0) + count

    def extend(self, problems) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def summary(self) -> list[Problem]:
        """Problems plus, for any code over the cap, a line saying how many more there were."""
        extra = [
            Problem(
                None,
                None,
                code,
                f"{count - MAX_PER_CODE:,} more rows have this problem (not listed).",
                next(p.severity for p in self.items if p.code == code),
            )
            for code, count in self._counts.items()
            if count > MAX_PER_CODE
        ]
        return self.items + extra

    def count(self, severity: Severity) -> int:
        return sum(
            c for code, c in self._counts.items() if any(p.code == code and p.severity == severity for p in self.items)
        )
