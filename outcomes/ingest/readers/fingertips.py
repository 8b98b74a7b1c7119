"""The OHID Fingertips "all data" CSV export (profile download or ``/api/all_data/csv/...``) -> observations.

One row per indicator, area, sex, age, category and time period. Rows are mapped to our indicators through
``Indicator.fingertips`` (``{"id": 90366, "sex": "Male", "age": "All ages"}``; sex and age optional; an
optional ``"year_type": "academic"`` says that "2019/20" is an academic, not a financial, year). Rows for
indicators or areas we do not track are skipped with one summary warning each, never one per row.
See docs/formats/fingertips.md for every rule, with an example.
"""

from __future__ import annotations

import re
import textwrap
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from ...problems import Problem
from ..headers import normalise
from ..labels import sex_code
from ..parsed import LINE, Table
from .base import CANONICAL, Reader, ReaderOutput, empty_unnamed_columns, register
from .fingertips_values import _clean_count, _number, breakdown_of, counts_consistent, parse_period

#: Our role -> the export's column name as published (profile download and API CSV). Columns are matched on
#: ``squash`` (lower case, letters and digits only), so the same names written by fingertipsR (the R client:
#: ``IndicatorID``, ``LowerCI95.0limit``, ``TimeperiodSortable``, ``Valuenote``) match too.
COLUMNS = {
    "indicator_id": "Indicator ID",
    "indicator_name": "Indicator Name",
    "area_code": "Area Code",
    "area_name": "Area Name",
    "sex": "Sex",
    "age": "Age",
    "category_type": "Category Type",
    "category": "Category",
    "time_period": "Time period",
    "value": "Value",
    "lower_ci": "Lower CI 95.0 limit",
    "upper_ci": "Upper CI 95.0 limit",
    "count": "Count",
    "denominator": "Denominator",
    "value_note": "Value note",
    "sortable": "Time period Sortable",
    "range": "Time period range",
}
REQUIRED = ("indicator_id", "area_code", "sex", "age", "category_type", "category", "time_period", "value", "sortable")


def squash(name: str) -> str:
    """``Lower CI 95.0 limit`` and fingertipsR's ``LowerCI95.0limit`` -> ``lowerci950limit``."""
    return re.sub(r"[^a-z0-9]+", "", name.strip().lstrip("\ufeff").lower())


SIGNATURE = {squash(COLUMNS[role]) for role in ("indicator_id", "area_code", "sortable", "lower_ci")}
#: fingertipsR's data frames written with R's write.csv hold NA for a missing value.
R_MISSING = "NA"
#: The older export (to about 2020) named 26 columns but wrote 25 fields in every data row, the last one
#: ("Compared to goal") missing; the parser pads such rows with a blank, which is right for this layout only.
OLDER_LAYOUT_LAST = "Compared to goal"

#: Fingertips codes for NHS North West London that are our ICB area QRV. Fingertips publishes ICB data under the
#: ONS ICB code (E54...) and, for sub-ICB locations, E38... codes; NWL has a single sub-ICB location, so its
#: E38 code is the ICB as a whole. Nothing else is aliased: every other code must match an area exactly.
AREA_ALIASES = {
    "E54000027": "QRV",  # NHS North West London Integrated Care Board (ONS ICB code)
    "E38000256": "QRV",  # NHS North West London ICB - W2U3Z (the sub-ICB location covering all of NWL)
}

SUPPRESSED_NOTE = re.compile(r"suppress", re.IGNORECASE)


@dataclass(frozen=True)
class Tracked:
    """One of our indicators as the Fingertips reader needs it."""

    code: str
    fingertips_id: int
    sex: str | None
    age: str | None
    multiplier: float
    breakdowns: frozenset[str]
    levels: frozenset[str] = frozenset()  # empty: every level
    year_type: str | None = None  # "academic" makes "2019/20" run September to August


@register
class FingertipsReader(Reader):
    name = "fingertips"
    label = "OHID Fingertips data export (CSV)"
    expected = {role: (normalise(COLUMNS[role]),) for role in REQUIRED}

    def matches(self, table: Table) -> bool:
        return {squash(h) for h in table.header} >= SIGNATURE

    def table_problems(self, table: Table) -> list[Problem]:
        """The older export's rows, one field short of its header, are read as it wrote them (one warning)."""
        problems = empty_unnamed_columns(table)
        ragged = [p for p in problems if p.code == "ragged_row"]
        short = f"has {len(table.header) - 1} fields but the header has {len(table.header)}"
        if (
            not ragged
            or len(ragged) != len(table.frame)
            or not all(short in p.message for p in ragged)
            or squash(table.header[-1]) != squash(OLDER_LAYOUT_LAST)
        ):
            return problems
        rest = [p for p in problems if p.code != "ragged_row"]
        return [
            *rest,
            Problem(
                None,
                table.header[-1],
                "older_fingertips_layout",
                f"Every data row has {len(table.header) - 1} fields for {len(table.header)} column names, as older "
                f"Fingertips exports were written; the last column ('{table.header[-1]}', not used) was read as blank.",
                "warning",
            ),
        ]

    def read(self, table: Table) -> ReaderOutput:
        return convert(table, *lookup())


def lookup() -> tuple[list[Tracked], dict[str, str]]:
    """Our indicators that name a Fingertips id, and our area codes with their levels (from the database).

    An area's former codes (``AreaAlias``) are included with its level: their rows are kept here and read as the
    area's code now by validation, with a warning naming the mapping (ADR 0017)."""
    from ...models import Area, AreaAlias, Indicator

    tracked = []
    for indicator in Indicator.objects.all():
        spec = indicator.fingertips or {}
        if not spec.get("id"):
            continue
        tracked.append(
            Tracked(
                code=indicator.code,
                fingertips_id=int(spec["id"]),
                sex=spec.get("sex") or None,
                age=spec.get("age") or None,
                multiplier=float(indicator.multiplier),
                breakdowns=frozenset(indicator.breakdowns or []),
                levels=frozenset(indicator.levels or []),
                year_type=spec.get("year_type") or None,
            )
        )
    areas = dict(AreaAlias.objects.values_list("alias", "area__level"))
    areas.update(Area.objects.values_list("code", "level"))
    return tracked, areas


def _empty(columns: dict[str, str], problems: list[Problem]) -> ReaderOutput:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in CANONICAL})
    frame[LINE] = pd.Series(dtype=int)
    return ReaderOutput(frame=frame, columns=columns, problems=problems)


def convert(table: Table, tracked: list[Tracked], areas: dict[str, str]) -> ReaderOutput:
    """The export as canonical rows for ``tracked`` indicators and ``areas`` (code -> level); pure (no database).

    Rows at a level the indicator is not reported at (e.g. ICB rows of a borough-level indicator) are skipped
    with one warning per indicator and level."""
    names = {squash(h): h for h in reversed(table.header)}  # the first of duplicated names wins
    source = {role: names[squash(col)] for role, col in COLUMNS.items() if squash(col) in names}
    columns = {
        "indicator_code": source.get("indicator_id", "Indicator ID"),
        "org_code": source.get("area_code", "Area Code"),
        "period_start": source.get("time_period", "Time period"),
        "period_end": source.get("time_period", "Time period"),
        "breakdown": source.get("category_type", "Category Type"),
        "category": source.get("category", "Category"),
        "numerator": source.get("count", "Count"),
        "denominator": source.get("denominator", "Denominator"),
        "value": source.get("value", "Value"),
        "lower_ci": source.get("lower_ci", "Lower CI 95.0 limit"),
        "upper_ci": source.get("upper_ci", "Upper CI 95.0 limit"),
        "note": source.get("value_note", "Value note"),
    }
    problems = [
        Problem(1, COLUMNS[role], "missing_column", f"The Fingertips column for '{COLUMNS[role]}' is missing.")
        for role in REQUIRED
        if role not in source
    ]
    if problems:
        return _empty(columns, problems)

    raw = table.frame
    col = {role: raw[name].astype(str).str.strip() for role, name in source.items()}
    if "IndicatorID" in table.header:  # fingertipsR: R's NA is a blank cell
        col = {role: cells.mask(cells == R_MISSING, "") for role, cells in col.items()}
    blank = pd.Series("", index=raw.index)
    for role in COLUMNS:
        col.setdefault(role, blank)
    lines = raw[LINE]

    # Indicators we do not track: one warning per Fingertips id.
    by_id: dict[str, list[Tracked]] = defaultdict(list)
    for t in tracked:
        by_id[str(t.fingertips_id)].append(t)
    ids = col["indicator_id"].str.replace(r"\.0$", "", regex=True)
    known_id = ids.isin(by_id.keys())
    blank_id = ids.str.strip() == ""
    if blank_id.any():  # no export writes these: rows added to the file after it was downloaded
        problems.append(
            Problem(
                int(lines[blank_id.idxmax()]),
                columns["indicator_code"],
                "missing_indicator_id",
                f"{int(blank_id.sum()):,} rows have no Indicator ID and were skipped. A Fingertips export gives one on "
                "every row: were rows added to the file after it was downloaded?",
                "warning",
            )
        )
    for fid, rows in ids[~known_id & ~blank_id].groupby(ids[~known_id & ~blank_id], sort=False):
        first = rows.index[0]
        # Cut at a word, not mid-word ("... (all primary and secondary diagnoses)" is 101 characters).
        label = textwrap.shorten(col["indicator_name"][first], width=110, placeholder=" …") or "no name given"
        problems.append(
            Problem(
                int(lines[first]),
                columns["indicator_code"],
                "untracked_indicator",
                f"Fingertips indicator {fid} ({label}) is not one we track; "
                f"its {len(rows):,} row{'s' if len(rows) != 1 else ''} were skipped.",
                "warning",
            )
        )

    # Areas we do not track (Fingertips exports every area of a type): one summary warning.
    area = col["area_code"].map(lambda c: AREA_ALIASES.get(c, c))
    known_area = area.isin(areas.keys())
    untracked = known_id & ~known_area
    # A tracked area's code written in another case or with hidden spaces is a mistyped code, not another area:
    # skipping it as untracked would drop the borough's rows without a word. Codes are never re-cased.
    ours = {code.upper(): code for code in areas}
    for code in sorted(col["area_code"][untracked].unique()):
        folded = "".join(str(code).split()).replace("\u200b", "").replace("\ufeff", "").upper()
        if folded in ours and code not in ours.values():
            rows_of = col["area_code"] == code
            problems.append(
                Problem(
                    int(lines[rows_of.idxmax()]),
                    columns["org_code"],
                    "bad_code",
                    f"'{str(code).strip()[:20]}' is not an area code as written: did you mean '{ours[folded]}'? Area "
                    f"codes are upper case with no spaces ({int(rows_of.sum()):,} rows); they are never re-cased.",
                )
            )
            untracked &= ~rows_of
    if untracked.any():
        examples = ", ".join(sorted(col["area_code"][untracked].unique())[:5])
        problems.append(
            Problem(
                None,
                columns["org_code"],
                "untracked_area",
                f"{int(untracked.sum()):,} rows for {col['area_code'][untracked].nunique():,} areas we do not track "
                f"(e.g. {examples}) were skipped.",
                "warning",
            )
        )

    skipped: dict[tuple, list[int]] = defaultdict(list)  # (code, reason) -> lines
    ages: dict[str, dict[str, int]] = defaultdict(dict)  # indicator -> age -> first line
    out: list[dict[str, object]] = []
    for i in raw.index[known_id & known_area]:
        line = int(lines[i])
        sex, age = col["sex"][i], col["age"][i]
        candidates = [
            t
            for t in by_id[ids[i]]
            if (t.sex is None or t.sex.lower() == sex.lower()) and (t.age is None or t.age.lower() == age.lower())
        ]
        if not candidates:
            skipped[
                (f"Fingertips indicator {ids[i]}", f"no indicator of ours is defined for sex '{sex}', age '{age}'")
            ].append(line)
            continue
        for t in candidates:
            if t.levels and areas[area[i]] not in t.levels:
                skipped[(t.code, f"it is not reported at {areas[area[i]]} level")].append(line)
                continue
            breakdown, category = "all", "all"
            ours = sex_code(sex)
            if t.sex is None and ours != "all":
                if "sex" not in t.breakdowns or ours is None:
                    skipped[(t.code, f"sex '{sex}' is not a breakdown of {t.code}")].append(line)
                    continue
                breakdown, category = "sex", ours
            if col["category_type"][i]:
                if breakdown != "all":
                    skipped[(t.code, "rows split by sex and a category at once")].append(line)
                    continue
                mapped = breakdown_of(col["category_type"][i], col["category"][i])
                if isinstance(mapped, str):
                    category_type = textwrap.shorten(col["category_type"][i], width=80, placeholder=" …")
                    skipped[(t.code, f"'{category_type}': {mapped}")].append(line)
                    continue
                breakdown, category = mapped
                if breakdown not in t.breakdowns:
                    skipped[(t.code, f"{t.code} has no {breakdown} breakdown")].append(line)
                    continue
            try:
                start, end = parse_period(col["time_period"][i], col["sortable"][i], col["range"][i], t.year_type)
            except ValueError as exc:
                problems.append(Problem(line, columns["period_start"], "bad_period", f"{exc}."))
                continue
            if t.age is None:
                ages[t.code].setdefault(age, line)
            value, note = col["value"][i], col["value_note"][i]
            if value == "":
                if not SUPPRESSED_NOTE.search(note):
                    skipped[(t.code, "rows with no value that are not marked as suppressed")].append(line)
                    continue
                value = "*"
            count, denominator = col["count"][i], col["denominator"][i]
            numerator = denominator_out = ""
            notes = [note] if note else []
            if value != "*" and counts_consistent(value, count, denominator, t.multiplier):
                numerator, denominator_out = _clean_count(count), _clean_count(denominator)
            elif _number(count) is not None or _number(denominator) is not None:
                parts = [f"count {_clean_count(count)}" if _number(count) is not None else ""]
                parts.append(f"denominator {_clean_count(denominator)}" if _number(denominator) is not None else "")
                notes.append(
                    f"Fingertips {', '.join(p for p in parts if p)} (value is not count/denominator x {t.multiplier:g})"
                )
            out.append(
                {
                    LINE: line,
                    "indicator_code": t.code,
                    "org_code": area[i],
                    "period_start": start.isoformat(),
                    "period_end": end.isoformat(),
                    "breakdown": breakdown,
                    "category": category,
                    "numerator": numerator,
                    "denominator": denominator_out,
                    "value": value,
                    "lower_ci": "" if value == "*" else col["lower_ci"][i],
                    "upper_ci": "" if value == "*" else col["upper_ci"][i],
                    "note": "; ".join(notes),
                }
            )

    for (code, reason), skipped_lines in skipped.items():
        problems.append(
            Problem(
                skipped_lines[0],
                None,
                "rows_skipped",
                f"{code}: {len(skipped_lines):,} row{'s' if len(skipped_lines) != 1 else ''} skipped, {reason}.",
                "warning",
            )
        )
    ambiguous = {code for code, seen in ages.items() if len(seen) > 1}
    for code, seen in ages.items():
        if code in ambiguous:
            problems.append(
                Problem(
                    sorted(seen.values())[1],
                    "Age",
                    "ambiguous_age",
                    f"{code} has rows for several ages ({', '.join(sorted(seen))}) and its definition names none; "
                    "set fingertips.age on the indicator so the right rows are chosen.",
                )
            )
    # An indicator whose age is ambiguous is refused by the error above alone: its rows of different ages would
    # otherwise each be reported again as a duplicate of the other.
    out = [row for row in out if row["indicator_code"] not in ambiguous]
    if not out:
        return _empty(columns, problems)
    frame = pd.DataFrame(out, columns=[LINE, *CANONICAL])
    # Fingertips repeats some rows (England with and without a parent code): identical rows are loaded once.
    repeated = frame.duplicated(subset=CANONICAL, keep="first")
    if repeated.any():
        problems.append(
            Problem(
                int(frame.loc[repeated, LINE].iloc[0]),
                None,
                "repeated_rows",
                f"{int(repeated.sum()):,} rows repeat an earlier row exactly and were read once.",
                "warning",
            )
        )
        frame = frame.loc[~repeated]
    return ReaderOutput(frame=frame.reset_index(drop=True), columns=columns, problems=problems)
