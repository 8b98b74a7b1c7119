"""The generic long template: one row per indicator, area, period, breakdown and category (CSV or XLSX)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...problems import Problem
from ...vocabulary import BREAKDOWN_CATEGORIES
from ..headers import GENERIC_ALIASES, map_columns, normalise, suggest
from ..labels import breakdown_code, category_code, imd_bare_number, imd_numbered_from_least
from ..parsed import LINE, Table
from .base import CANONICAL, Reader, ReaderOutput, register

REQUIRED = {"indicator_code", "org_code", "period_start", "period_end"}
#: Every normalised name the template understands (canonical names and their aliases).
KNOWN = set(GENERIC_ALIASES) | {alias for aliases in GENERIC_ALIASES.values() for alias in aliases}
#: Header problems that make reading the rows pointless (each row would repeat the same complaint).
HEADER_ERRORS = {"missing_column", "misspelt_column", "duplicate_column"}


@register
class GenericReader(Reader):
    name = "generic"
    label = "Generic long template (CSV or XLSX)"
    expected = {
        role: (role, *GENERIC_ALIASES[role])
        for role in ("indicator_code", "org_code", "period_start", "period_end", "numerator", "denominator", "value")
    }

    def matches(self, table: Table) -> bool:
        names = {normalise(h) for h in table.header}
        return bool(names & {"indicator_code", "indicator", "indicator_id", "measure_code"})

    def read(self, table: Table) -> ReaderOutput:
        mapping, problems = map_columns(table.header, GENERIC_ALIASES, REQUIRED)
        problems = _header_problems(table.header, mapping, problems)
        if any(p.severity == "error" and p.code in HEADER_ERRORS for p in problems):
            problems += _fingertips_like(table.header)
            # One clear error per column, not the same complaint on every row.
            frame = pd.DataFrame({c: pd.Series(dtype=object) for c in CANONICAL})
            frame[LINE] = pd.Series(dtype=int)
            return ReaderOutput(frame=frame, columns=mapping, problems=problems)
        frame = pd.DataFrame({LINE: table.frame[LINE]})
        for canonical in CANONICAL:
            if canonical in mapping:
                frame[canonical] = table.frame[mapping[canonical]]
            else:
                frame[canonical] = ""
        for column in ("breakdown", "category"):
            frame.loc[_blank(frame[column]), column] = "all"
        problems += _read_labels(frame, mapping)
        return ReaderOutput(frame=frame, columns=mapping, problems=problems)


def _fingertips_like(header: list[str]) -> list[Problem]:
    """A file named like Fingertips data ('IndicatorID', 'AreaCode') but without its columns is read as the
    template (its indicator column matches), so the template's missing columns are reported: say so, and where
    the whole Fingertips export comes from, rather than only send the analyst to add template columns."""
    names = {normalise(h): h for h in header}
    if not {"indicator_id", "area_code"} <= set(names):
        return []
    return [
        Problem(
            1,
            names["indicator_id"],
            "read_as_template",
            f"This file was read as the generic template because of its column '{names['indicator_id']}'. If it "
            "comes from Fingertips, load the export as Fingertips publishes it (its columns include 'Indicator ID', "
            "'Area Code', 'Sex', 'Age', 'Time period' and 'Value'; docs/formats/fingertips.md): a table cut down "
            "from it lacks the columns that say which period and group each value is for.",
            "warning",
        )
    ]


def _header_problems(header: list[str], mapping: dict[str, str], problems: list[Problem]) -> list[Problem]:
    """Unknown columns: a misspelt template name is an error with "did you mean" (ignoring it would drop data
    silently, or report a required column as missing); any other column is ignored with a warning."""
    suggested: dict[str, str] = {}  # canonical -> the file's column that looks like it
    out: list[Problem] = []
    for name in dict.fromkeys(h for h in header if normalise(h) and normalise(h) not in KNOWN):
        guess = suggest(name, GENERIC_ALIASES, taken=set(mapping))
        if guess is not None and guess[0] not in suggested:
            canonical, closest = guess
            suggested[canonical] = name
            required = " (a required column)" if canonical in REQUIRED else ""
            out.append(
                Problem(
                    1,
                    name,
                    "misspelt_column",
                    f"The column '{name}' is not part of the generic template. Did you mean '{closest}'"
                    f"{required}? Rename the column; nothing was loaded.",
                )
            )
            continue
        out.append(
            Problem(
                1,
                name,
                "unknown_column",
                f"The column '{name}' is not part of the generic template; it was ignored and nothing in it "
                "was loaded.",
                "warning",
            )
        )
    # A required column reported as misspelt is not reported again as missing.
    kept = [p for p in problems if not (p.code == "missing_column" and p.column in suggested)]
    return kept + out


def _read_labels(frame: pd.DataFrame, columns: dict[str, str]) -> list[Problem]:
    """Breakdown and category labels in analysts' wording (any case, 'Total', 'Female', ONS 2021 census ethnic
    groups) rewritten in place to our codes, with one warning per distinct label that was rewritten.

    Judged once per distinct value (a million-row file holds a few dozen), never per row. Labels we do not
    recognise are left for validation to refuse with the list of allowed ones.
    """
    problems: list[Problem] = []
    breakdowns = tuple(BREAKDOWN_CATEGORIES)
    codes, uniques = pd.factorize(frame["breakdown"].astype(str), use_na_sentinel=False)
    mapped = []
    for label in uniques:
        ours = breakdown_code(label, breakdowns) or label
        if ours != label and ours != label.strip():
            first = int(frame[LINE].to_numpy()[np.argmax(codes == len(mapped))])
            problems.append(_mapped(first, columns.get("breakdown", "breakdown"), label, ours, ""))
        mapped.append(ours)
    if any(m != u for m, u in zip(mapped, uniques, strict=True)):
        frame["breakdown"] = np.asarray(mapped, dtype=object)[codes]

    b_codes, b_uniques = pd.factorize(frame["breakdown"], use_na_sentinel=False)
    c_codes, c_uniques = pd.factorize(frame["category"].astype(str), use_na_sentinel=False)
    pairs, first_rows = np.unique(b_codes.astype(np.int64) * len(c_uniques) + c_codes, return_index=True)
    replace: dict[int, str] = {}
    lines = frame[LINE].to_numpy()
    for pair, row in zip(pairs, first_rows, strict=True):
        breakdown, label = b_uniques[pair // len(c_uniques)], c_uniques[pair % len(c_uniques)]
        known = BREAKDOWN_CATEGORIES.get(breakdown)
        if known is None or label in known:  # partner codes and unknown breakdowns are left to validation
            continue
        found = category_code(breakdown, label, known)
        if found is None:
            continue
        ours, why = found
        replace[int(pair)] = ours
        if ours != label.strip():
            problems.append(_mapped(int(lines[row]), columns.get("category", "category"), label, ours, why))
    problems += _imd_direction_mixed(b_uniques, c_uniques, pairs, first_rows, lines, columns)
    if replace:
        keys = b_codes.astype(np.int64) * len(c_uniques) + c_codes
        hit = np.isin(keys, list(replace))
        frame.loc[hit, "category"] = pd.Series(keys[hit]).map(replace).to_numpy()
    return problems


def _imd_direction_mixed(
    b_uniques: pd.Index,
    c_uniques: pd.Index,
    pairs: np.ndarray,
    first_rows: np.ndarray,
    lines: np.ndarray,
    columns: dict[str, str],
) -> list[Problem]:
    """A file that numbers a quintile from the least deprived end ('Quintile 1 (least deprived)') and gives others
    by number alone ('Quintile 2') is ambiguous: its 2 is our 4. Each bare number is refused, never guessed."""
    imd = [
        (c_uniques[pair % len(c_uniques)], int(lines[row]))
        for pair, row in zip(pairs, first_rows, strict=True)
        if b_uniques[pair // len(c_uniques)] == "imd_quintile"
    ]
    reversed_at = next((line for label, line in imd if imd_numbered_from_least(label)), None)
    if reversed_at is None:
        return []
    return [
        Problem(
            line,
            columns.get("category", "category"),
            "imd_direction_mixed",
            f"Line {reversed_at} numbers the quintiles from the least deprived, so '{str(label).strip()[:40]}' "
            "could be that quintile or ours (1 = most deprived). Write each quintile with its direction ('2nd "
            "least deprived quintile') or in our numbering throughout.",
        )
        for label, line in imd
        if imd_bare_number(label)
    ]


def _mapped(line: int, column: str, label: str, ours: str, why: str) -> Problem:
    because = f", {why}" if why else ""
    return Problem(
        line,
        column,
        "label_mapped",
        f"'{label.strip()[:80]}' was read as '{ours}'{because}.",
        "warning",
    )


def _blank(series: pd.Series) -> np.ndarray:
    """Cells that are empty or spaces, judged once per distinct value (a column holds a few dozen)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    return (pd.Series(uniques, dtype=object).astype(str).str.strip() == "").to_numpy()[codes]
