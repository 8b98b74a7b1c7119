"""NHS ODS reference files: the GP practice file ``epraccur`` and the PCN membership file (ePCN).

These readers return reference frames (``kind`` "areas" / "memberships"), not observations; the pipeline
hands them to ``outcomes.ingest.reference_load.apply``, which decides what is Harrow's and writes through
``outcomes.actions``. Both readers are pure (no database). See docs/formats/ods.md.

``epraccur`` has NO header row: ``table.py`` takes its first line as the header, so the reader reads
``table.header`` as the data row of line 1. Its address, postcode and telephone columns hold the practice's
own (organisation) details; the reader declares exactly those columns in ``pii_exempt_columns`` so the
patient-data scan can skip them for this format only. Each practice is listed once: a code on two lines with
different details is refused (which line is right cannot be told), the same line twice read once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

import pandas as pd

from ...problems import Problem
from ..epraccur_shape import (
    EPRACCUR_COLUMNS,
    EPRACCUR_WIDTHS,
    OUTSIDE_ENGLAND_CODE,
    PRACTICE_CODE,
    YYYYMMDD,
    is_epraccur_line,
)
from ..headers import normalise
from ..parsed import LINE, Table
from .base import Reader, ReaderOutput, register

#: Organisation contact details: exempt from the patient-data cell scan for this format only.
ORGANISATION_ADDRESS_COLUMNS = (4, 5, 6, 7, 8, 9, 17)
PRACTICE_CODE_SHAPE = (
    "ODS GP practice codes are a capital letter and five digits (E84068); the Channel Islands' are ALD, GUE or "
    "JER and three digits"
)
PCN_CODE = re.compile(r"^U\d{5}$")
#: What any ODS organisation code looks like (K0E995, RXG01, QRV): quoted in messages, unlike free text.
ODS_LIKE = re.compile(r"^[A-Z0-9]{3,8}$")
STATUS = {"A": "active", "C": "closed", "D": "dormant", "P": "proposed"}
#: The ODS Data Search and Export layout (seen in 2025 copies of epraccur) spells the status out; INACTIVE is a
#: closed practice (it carries the close date).
STATUS.update({"ACTIVE": "active", "INACTIVE": "closed", "DORMANT": "dormant", "PROPOSED": "proposed"})

#: The frame each reader returns (besides ``__line__``), in order.
PRACTICE_FRAME = (
    "code",
    "name",
    "status",
    "open_date",
    "close_date",
    "icb",
    "commissioner",
    "provider_purchaser",
    "setting",
)
MEMBERSHIP_FRAME = ("practice_code", "practice_name", "pcn_code", "pcn_name", "sub_icb", "start", "end")


def parse_ods_date(text: str) -> dt.date | None:
    """ODS dates: YYYYMMDD (epraccur, ODS CSV reports), ISO (from XLSX cells) or day-first dd/mm/yyyy.

    Blank -> None; anything else raises ValueError."""
    text = text.strip()
    if not text:
        return None
    for pattern, fmt in ((YYYYMMDD, "%Y%m%d"), (re.compile(r"^\d{4}-\d{2}-\d{2}"), "%Y-%m-%d")):
        if pattern.match(text):
            return dt.datetime.strptime(text[:10] if fmt == "%Y-%m-%d" else text, fmt).date()
    if re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", text):
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    raise ValueError(text)


def _date_cell(text: str, line: int, column: str, problems: list[Problem]) -> str:
    try:
        value = parse_ods_date(text)
    except ValueError:
        problems.append(Problem(line, column, "bad_date", "This is not a date (ODS dates are YYYYMMDD)."))
        return ""
    return value.isoformat() if value else ""


@register
class EpraccurReader(Reader):
    name = "epraccur"
    label = "NHS ODS GP practices file (epraccur, no header row)"
    kind = "areas"
    #: The first line is data, not column names (table.py's header problems at line 1 do not apply).
    headerless: ClassVar[bool] = True

    WIDTHS: ClassVar[range] = EPRACCUR_WIDTHS

    def matches(self, table: Table) -> bool:
        return is_epraccur_line(table.header)

    def pii_exempt_columns(self, table: Table) -> frozenset[str]:
        """Keys of ``table.frame`` holding the organisation's address, postcode and telephone (this shape only)."""
        if not self.matches(table):
            return frozenset()
        data = [c for c in table.frame.columns if c != LINE]
        return frozenset(data[i] for i in ORGANISATION_ADDRESS_COLUMNS if i < len(data))

    def pii_exempt_headers(self, table: Table) -> frozenset[str]:
        """The "header" is line 1's data (a practice's name and address), not column names."""
        return frozenset(table.header) if self.matches(table) else frozenset()

    def read(self, table: Table) -> ReaderOutput:
        if not self.matches(table):  # named with --format: say what the file should be, rather than misread it
            return ReaderOutput(
                frame=pd.DataFrame(columns=[LINE, *PRACTICE_FRAME]),
                columns={},
                problems=[
                    Problem(
                        1,
                        None,
                        "wrong_format",
                        f"This is not the NHS ODS epraccur file: that has {len(EPRACCUR_COLUMNS)} columns and no "
                        "header row, each line starting with a practice code and with its open date (YYYYMMDD) "
                        "in column 11.",
                    )
                ],
                kind="areas",
            )
        data = [c for c in table.frame.columns if c != LINE]
        problems: list[Problem] = []
        first = pd.DataFrame([[h.strip() for h in table.header]], columns=data)
        first[LINE] = 1
        raw = pd.concat([first, table.frame], ignore_index=True)
        rows = []
        outside: list[str] = []
        not_practices: list[str] = []
        width = len(EPRACCUR_COLUMNS)
        if len(data) != width:
            problems.append(
                Problem(
                    None,
                    None,
                    "epraccur_width",
                    f"This copy of epraccur has {len(data)} columns where the published file has {width}: its columns "
                    f"were read by position, as published{' (the rest ignored)' if len(data) > width else ''}. "
                    "Check that no column was inserted or moved.",
                    "warning",
                )
            )
        seen: dict[str, tuple[int, list[str]]] = {}  # a practice's code -> its first line and cells
        for record in raw.itertuples(index=False, name=None):
            cells = [str(c).strip() for c in record[: min(len(data), width)]]
            cells += [""] * (width - len(cells))
            line = int(record[-1])
            if OUTSIDE_ENGLAND_CODE.match(cells[0]):
                outside.append(cells[0])
                continue
            if not PRACTICE_CODE.match(cells[0]):
                if PRACTICE_CODE.match(cells[0].replace(" ", "").upper()):  # a practice's code, mistyped
                    problems.append(
                        Problem(
                            line,
                            "column 1 (organisation code)",
                            "bad_code",
                            f"This is not a GP practice code as ODS writes it ({PRACTICE_CODE_SHAPE}, upper case, "
                            "no spaces); codes are never re-cased or trimmed.",
                        )
                    )
                else:  # another kind of organisation (ODS lists some wards and cost centres here: K0E995)
                    not_practices.append(cells[0])
                continue
            if cells[0] in seen:
                problems.append(_repeated(cells, line, *seen[cells[0]]))
                continue
            seen[cells[0]] = (line, cells)
            status = STATUS.get(cells[12], "")
            if not status:
                problems.append(
                    Problem(
                        line,
                        "column 13 (status code)",
                        "bad_status",
                        "The status should be A, C, D or P (or ACTIVE, INACTIVE, DORMANT or PROPOSED).",
                    )
                )
            close = _date_cell(cells[11], line, "column 12 (close date)", problems)
            if status == "closed" and not close:
                problems.append(
                    Problem(
                        line,
                        "column 12 (close date)",
                        "closed_without_date",
                        f"{cells[0]} is marked closed but has no close date; its membership is left open.",
                        "warning",
                    )
                )
            rows.append(
                {
                    LINE: line,
                    "code": cells[0],
                    "name": cells[1],
                    "status": status,
                    "open_date": _date_cell(cells[10], line, "column 11 (open date)", problems),
                    "close_date": close,
                    "icb": cells[3],
                    "commissioner": cells[14],
                    "provider_purchaser": cells[23],
                    "setting": cells[25],
                }
            )
        if outside:
            problems.append(
                Problem(
                    None,
                    "column 1 (organisation code)",
                    "outside_england",
                    f"{len(outside):,} practices outside England (e.g. {', '.join(sorted(outside)[:3])}: Channel "
                    "Islands or Scotland) are not in the partnership and were skipped.",
                    "warning",
                )
            )
        if not_practices:
            # Only code-shaped cells are quoted (a message never repeats free text from a cell).
            shown = sorted({code for code in not_practices if ODS_LIKE.match(code)})[:3]
            examples = f" (e.g. {', '.join(shown)})" if shown else ""
            problems.append(
                Problem(
                    None,
                    "column 1 (organisation code)",
                    "not_a_practice",
                    f"{len(not_practices):,} {'row' if len(not_practices) == 1 else 'rows'} whose code is not a "
                    f"GP practice code{examples} {'was' if len(not_practices) == 1 else 'were'} skipped: "
                    f"other kinds of organisation, so not our practices ({PRACTICE_CODE_SHAPE}).",
                    "warning",
                )
            )
        frame = pd.DataFrame(rows, columns=[LINE, *PRACTICE_FRAME])
        columns = {name: f"column {i + 1} ({EPRACCUR_COLUMNS[i]})" for i, name in ((0, "code"), (1, "name"))}
        return ReaderOutput(frame=frame, columns=columns, problems=problems, kind="areas")


def _repeated(cells: list[str], line: int, first: int, before: list[str]) -> Problem:
    """A code on a second line: ODS lists each organisation once, so which line holds its name, status and close
    date cannot be told; the same line twice (a copy pasted twice) is only read once."""
    differ = [f"{i + 1} ({EPRACCUR_COLUMNS[i]})" for i, (a, b) in enumerate(zip(before, cells, strict=True)) if a != b]
    if not differ:
        return Problem(
            line,
            "column 1 (organisation code)",
            "duplicate_line",
            f"The same line as line {first} ({cells[0]}): read once.",
            "warning",
        )
    shown = ", ".join(differ[:4]) + (f" and {len(differ) - 4} more" if len(differ) > 4 else "")
    return Problem(
        line,
        "column 1 (organisation code)",
        "duplicate_practice",
        f"{cells[0]} is also on line {first}, with a different {'column' if len(differ) == 1 else 'columns'} "
        f"{shown}: epraccur lists each practice once, "
        "so which line is right cannot be told. Keep one line per practice.",
    )


def _not_canonical(line: int, column: str, what: str, code: str) -> Problem:
    return Problem(
        line,
        column,
        "code_not_canonical",
        f"ODS {what} codes are upper case with no spaces (did you mean '{code.strip().upper()}'?). "
        "Codes are never re-cased or trimmed; correct it in the file.",
    )


#: Our role -> accepted normalised header names of the ePCN "PCN Core Partner Details" sheet.
EPCN_ALIASES = {
    "practice_code": ("partner_organisation_code",),
    "practice_name": ("partner_name",),
    "pcn_code": ("pcn_code",),
    "pcn_name": ("pcn_name",),
    "sub_icb": (
        "practice_parent_sub_icb_location_code",
        "practice_parent_sub_icb_loc_code",
        "practice_parent_sub_icb_code",
        "practice_parent_ccg_code",  # the CCG-era workbook (2019 to June 2022)
    ),
    "start": ("practice_to_pcn_relationship_start_date", "partner_start_date", "start_date"),
    "end": ("practice_to_pcn_relationship_end_date", "partner_end_date", "end_date"),
}
EPCN_REQUIRED = ("practice_code", "pcn_code", "pcn_name", "start")


@register
class EpcnReader(Reader):
    name = "epcn"
    label = "NHS ODS PCN membership (ePCN 'PCN Core Partner Details')"
    kind = "memberships"
    expected = {role: EPCN_ALIASES[role] for role in ("practice_code", "pcn_code", "start", "end")}

    def matches(self, table: Table) -> bool:
        names = {normalise(h) for h in table.header}
        return {"partner_organisation_code", "pcn_code"} <= names

    def pii_exempt_headers(self, table: Table) -> frozenset[str]:
        """The partner (member practice) name column holds the practice's name, not a person's."""
        return frozenset(h for h in table.header if normalise(h) in EPCN_ALIASES["practice_name"])

    def read(self, table: Table) -> ReaderOutput:
        names = {normalise(h): h for h in reversed(table.header)}
        source = {}
        for role, aliases in EPCN_ALIASES.items():
            found = next((names[a] for a in aliases if a in names), None)
            if found is not None:
                source[role] = found
        problems = [
            Problem(1, EPCN_ALIASES[role][0], "missing_column", f"The column '{EPCN_ALIASES[role][0]}' is missing.")
            for role in EPCN_REQUIRED
            if role not in source
        ]
        columns = {role: source.get(role, role) for role in EPCN_ALIASES}
        if problems:
            return ReaderOutput(
                frame=pd.DataFrame(columns=[LINE, *MEMBERSHIP_FRAME]),
                columns=columns,
                problems=problems,
                kind="memberships",
            )
        raw = table.frame
        rows = []
        for i in raw.index:
            line = int(raw.at[i, LINE])
            cell = {role: str(raw.at[i, name]).strip() for role, name in source.items()}
            # Codes exactly as in the file: never re-cased or trimmed.
            practice, pcn = (str(raw.at[i, source[role]]) for role in ("practice_code", "pcn_code"))
            if not PRACTICE_CODE.match(practice):
                if PRACTICE_CODE.match(practice.strip().upper()):
                    problems.append(_not_canonical(line, columns["practice_code"], "practice", practice))
                else:
                    problems.append(
                        Problem(line, columns["practice_code"], "bad_code", "This is not an ODS practice code.")
                    )
                continue
            if not pcn.strip():
                problems.append(Problem(line, columns["pcn_code"], "missing_value", "The PCN code is blank."))
                continue
            if pcn != pcn.strip().upper():
                problems.append(_not_canonical(line, columns["pcn_code"], "PCN", pcn))
                continue
            start = _date_cell(cell["start"], line, columns["start"], problems)
            end = _date_cell(cell.get("end", ""), line, columns["end"], problems)
            if not start:
                if cell["start"] == "":
                    problems.append(Problem(line, columns["start"], "missing_value", "The start date is blank."))
                continue
            if end and end < start:
                problems.append(
                    Problem(line, columns["end"], "period_end_before_start", "The membership ends before it starts.")
                )
                continue
            rows.append(
                {
                    LINE: line,
                    "practice_code": practice,
                    "practice_name": cell.get("practice_name", ""),
                    "pcn_code": pcn,
                    "pcn_name": cell["pcn_name"],
                    "sub_icb": cell.get("sub_icb", ""),
                    "start": start,
                    "end": end,
                }
            )
        frame = pd.DataFrame(rows, columns=[LINE, *MEMBERSHIP_FRAME])
        return ReaderOutput(frame=frame, columns=columns, problems=problems, kind="memberships")
