"""The generic long template: one row per indicator, area, period, breakdown and category (CSV or XLSX)."""

from __future__ import annotations

import pandas as pd

from ..headers import GENERIC_ALIASES, map_columns, normalise
from ..table import LINE, Table
from .base import CANONICAL, Reader, ReaderOutput, register

REQUIRED = {"indicator_code", "org_code", "period_start", "period_end"}


@register
class GenericReader(Reader):
    name = "generic"
    label = "Generic long template (CSV or XLSX)"

    def matches(self, table: Table) -> bool:
        names = {normalise(h) for h in table.header}
        return bool(names & {"indicator_code", "indicator", "indicator_id", "measure_code"})

    def read(self, table: Table) -> ReaderOutput:
        mapping, problems = map_columns(table.header, GENERIC_ALIASES, REQUIRED)
        frame = pd.DataFrame({LINE: table.frame[LINE]})
        for canonical in CANONICAL:
            if canonical in mapping:
                frame[canonical] = table.frame[mapping[canonical]]
            else:
                frame[canonical] = ""
        frame.loc[frame["breakdown"].str.strip() == "", "breakdown"] = "all"
        frame.loc[frame["category"].str.strip() == "", "category"] = "all"
        return ReaderOutput(frame=frame, columns=mapping, problems=problems)
