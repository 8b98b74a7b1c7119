"""Which rows of a national practice-level file are our practices: shared by the national-file readers.

Codes are taken exactly as in the file: a code of ours in lower case or with spaces is refused (never silently
re-cased or skipped), and the rows of every other practice in England are skipped with ONE summary warning.
"""

from __future__ import annotations

import pandas as pd

from ..parsed import LINE
from ..problems import Problem


def our_practices() -> set[str]:
    from ...models import Area

    return set(Area.objects.filter(level="practice").values_list("code", flat=True))


def select(
    codes: pd.Series, lines: pd.Series, practices: set[str], column: str, what: str = "rows"
) -> tuple[pd.Series, list[Problem]]:
    """(mask of rows that are ours, problems): miscased codes of ours as errors, the rest as one warning."""
    codes = codes.astype(str)
    ours = codes.isin(practices)
    miscased = ~ours & codes.str.strip().str.upper().isin(practices)
    problems = [
        Problem(
            int(lines[i]),
            column,
            "code_not_canonical",
            f"ODS practice codes are upper case with no spaces (did you mean '{codes[i].strip().upper()}'?). "
            "Codes are never re-cased or trimmed; correct it in the file.",
        )
        for i in codes.index[miscased][:50]
    ]
    skipped = ~ours & ~miscased
    if skipped.any():
        problems.append(
            Problem(
                None,
                column,
                "untracked_area",
                f"{int(skipped.sum()):,} {what} for {codes[skipped].nunique():,} practices that are not ours "
                f"(e.g. {', '.join(sorted(codes[skipped].unique())[:3])}) were skipped.",
                "warning",
            )
        )
    return ours, problems


def line_of(frame: pd.DataFrame, index) -> int:
    return int(frame.at[index, LINE])
