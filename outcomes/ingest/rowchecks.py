"""Problems by row: how a check over a whole column turns its failing rows into Problems, and the checks every
free-text field gets. Shared by the observation rules (``validate``) and the reference files' names (pipeline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..problems import MAX_PER_CODE, Problem, ProblemList
from .cells import has_control_character, is_formula, is_markup, text_length
from .parsed import LINE

FORMULA_MESSAGE = "This cell would run as a spreadsheet formula (it starts with =, +, -, or @). Remove the formula."


def column_name(columns: dict[str, str], canonical: str) -> str:
    return columns.get(canonical, canonical)


def add_problems(
    problems: ProblemList,
    frame: pd.DataFrame,
    mask: pd.Series,
    column: str,
    code: str,
    message,
    severity: str = "error",
) -> None:
    """One Problem per row in ``mask``; ``message`` is text or a function of the row."""
    if not mask.any():
        return
    rows = mask[mask].index
    for index in rows[:MAX_PER_CODE]:
        text = message(index) if callable(message) else message
        problems.add(Problem(int(frame.at[index, LINE]), column, code, text, severity))
    problems.add_more(code, len(rows) - MAX_PER_CODE)


@dataclass
class Rows:
    """A file's rows (read-only: no copy of a million-row frame), its column names, and the problems so far."""

    frame: pd.DataFrame
    columns: dict[str, str]
    problems: ProblemList

    def add(self, mask: pd.Series, canonical: str, code: str, message, severity: str = "error") -> None:
        """One problem per row in ``mask``, named by the file's own column name for ``canonical``."""
        add_problems(self.problems, self.frame, mask, column_name(self.columns, canonical), code, message, severity)


def check_text(
    frame: pd.DataFrame,
    columns: dict[str, str],
    names: Iterable[str],
    problems: ProblemList,
    *,
    max_length: int,
    check_formulas: bool = True,
) -> None:
    """The checks every free-text field gets (notes; practice and PCN names from ODS files): no formula, no
    markup, no invisible control character, and no more than ``max_length`` characters (refused with a message,
    never cut to fit)."""
    for canonical in names:
        if canonical not in frame.columns:
            continue
        series, column = frame[canonical], column_name(columns, canonical)
        if check_formulas:
            add_problems(problems, frame, is_formula(series), column, "formula", FORMULA_MESSAGE)
        add_problems(
            problems,
            frame,
            is_markup(series),
            column,
            "markup",
            "This cell holds HTML or XML markup (a <tag>). Plain text only.",
        )
        add_problems(
            problems,
            frame,
            has_control_character(series),
            column,
            "control_character",
            "This text holds an invisible control character (pasted from another system?). Delete it and type the "
            "text again.",
        )
        length = text_length(series)
        add_problems(
            problems,
            frame,
            length > max_length,
            column,
            "too_long",
            lambda i, length=length: (
                f"This text is {int(length[i]):,} characters long; the limit is "
                f"{max_length:,}. Shorten it (nothing is cut to fit)."
            ),
        )
