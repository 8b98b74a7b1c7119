"""The generic long template: one row per indicator, area, period, breakdown and category (CSV or XLSX)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..headers import GENERIC_ALIASES, map_columns, normalise
from ..problems import Problem
from ..table import LINE, Table
from .base import CANONICAL, Reader, ReaderOutput, register

REQUIRED = {"indicator_code", "org_code", "period_start", "period_end"}
#: Every normalised name the template understands (canonical names and their aliases).
KNOWN = set(GENERIC_ALIASES) | {alias for aliases in GENERIC_ALIASES.values() for alias in aliases}


@register
class GenericReader(Reader):
    name = "generic"
    label = "Generic long template (CSV or XLSX)"

    def matches(self, table: Table) -> bool:
        names = {normalise(h) for h in table.header}
        return bool(names & {"indicator_code", "indicator", "indicator_id", "measure_code"})

    def read(self, table: Table) -> ReaderOutput:
        mapping, problems = map_columns(table.header, GENERIC_ALIASES, REQUIRED)
        # Columns the template does not use are not loaded: say so, naming each (the patient-data scan has
        # already seen them, on the raw table).
        unknown = dict.fromkeys(h for h in table.header if normalise(h) and normalise(h) not in KNOWN)
        problems += [
            Problem(
                1,
                name,
                "unknown_column",
                f"The column '{name}' is not part of the generic template; it was ignored and nothing in it "
                "was loaded.",
                "warning",
            )
            for name in unknown
        ]
        frame = pd.DataFrame({LINE: table.frame[LINE]})
        for canonical in CANONICAL:
            if canonical in mapping:
                frame[canonical] = table.frame[mapping[canonical]]
            else:
                frame[canonical] = ""
        for column in ("breakdown", "category"):
            frame.loc[_blank(frame[column]), column] = "all"
        return ReaderOutput(frame=frame, columns=mapping, problems=problems)


def _blank(series: pd.Series) -> np.ndarray:
    """Cells that are empty or spaces, judged once per distinct value (a column holds a few dozen)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return (pd.Series(uniques, dtype=object).astype(str).str.strip() == "").to_numpy()[codes]
