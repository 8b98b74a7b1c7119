"""NHS geography lookups (practice -> PCN -> sub-ICB location / CCG -> ICB / STP -> region): checked, not applied.

Read as published: the QOF ``MAPPING_NHS_GEOGRAPHIES_YYZZ.csv`` (``PRACTICE_CODE, PCN_ODS_CODE, CCG_ODS_CODE,
STP_ODS_CODE, REGION_ODS_CODE`` ... or the ``SUB_ICB_LOC_ODS_CODE`` / ``ICB_ODS_CODE`` names of later years) and
the ``gp-reg-pat-prac-map.csv`` of Patients Registered at a GP Practice (``PCN_CODE``, ``SUB_ICB_LOCATION_CODE``,
``ICB_CODE``, ``COMM_REGION_CODE``).

These lookups are snapshots with no dates, so they do not change our dated memberships (the ODS ePCN file,
which has the dates, does). Loading one checks each of our practices against our current membership and reports
every difference as a warning: a practice the lookup puts in another PCN, a practice of ours it does not list,
and a practice it puts in one of our PCNs that is not ours. The extract's "unchanged" count is the practices
that agree. See docs/formats/geography.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ...problems import Problem
from ..headers import find_roles, normalise
from ..parsed import LINE, Table
from .base import Reader, ReaderOutput, register
from .ods import PCN_CODE

ROLES = {
    "practice_code": ("practice_code",),
    "practice_name": ("practice_name",),
    "pcn_code": ("pcn_ods_code", "pcn_code"),
    "pcn_name": ("pcn_name",),
    "sub_icb": (
        "sub_icb_loc_ods_code",
        "sub_icb_location_ods_code",
        "sub_icb_location_code",
        "sub_icb_ods_code",
        "sub_icb_code",
        "ccg_ods_code",
        "ccg_code",
    ),
    "icb": ("icb_ods_code", "icb_code", "stp_ods_code", "stp_code"),
    "region": ("region_ods_code", "comm_region_code", "nhser_code", "region_code"),
}
FRAME = ("practice_code", "practice_name", "pcn_code", "pcn_name", "sub_icb", "icb", "region", "agrees")


@dataclass(frozen=True)
class OurPcn:
    """A practice's current PCN as we hold it."""

    code: str
    name: str
    short_name: str = ""


def _roles(header: list[str]) -> dict[str, str]:
    return find_roles(header, ROLES)


def same_name(a: str, b: str) -> bool:
    """PCN names compared without case, punctuation or the words 'PCN' / 'primary care network' / 'the'."""

    def norm(name: str) -> str:
        text = re.sub(r"[^a-z0-9 ]+", " ", name.lower())
        return " ".join(re.sub(r"\b(primary care network|pcn|the)\b", " ", text).split())

    return bool(norm(a)) and norm(a) == norm(b)


@register
class GeographyReader(Reader):
    name = "nhs_geography"
    label = "NHS geography lookup: practice to PCN, sub-ICB/CCG, ICB/STP, region (QOF or GP registrations)"
    expected = {role: ROLES[role] for role in ("practice_code", "pcn_code", "sub_icb", "icb")}
    kind = "geography"

    def matches(self, table: Table) -> bool:
        roles = _roles(table.header)
        return {"practice_code", "pcn_code"} <= set(roles) and bool({"sub_icb", "icb"} & set(roles))

    def pii_exempt_headers(self, table: Table) -> frozenset[str]:
        """Practice and PCN names, and the practice's own postcode (gp-reg-pat-prac-map.csv)."""
        if not self.matches(table):
            return frozenset()
        return frozenset(h for h in table.header if normalise(h) in ("practice_name", "practice_postcode", "postcode"))

    def pii_exempt_columns(self, table: Table) -> frozenset[str]:
        headers = {h for h in self.pii_exempt_headers(table) if "postcode" in normalise(h)}
        return frozenset(c for c in table.frame.columns if c.split("\u0000")[0] in headers)

    def read(self, table: Table) -> ReaderOutput:
        return compare(table, current_pcns())


def current_pcns() -> dict[str, OurPcn]:
    """Our practices -> their PCN now (the open membership), from the database."""
    from ...models import Area, PracticeMembership

    current = {
        m.practice.code: OurPcn(m.pcn.code, m.pcn.name, m.pcn.short_name or "")
        for m in PracticeMembership.objects.filter(end__isnull=True).select_related("practice", "pcn")
    }
    for code in Area.objects.filter(level="practice").values_list("code", flat=True):
        current.setdefault(code, OurPcn("", ""))
    return current


def compare(table: Table, ours: dict[str, OurPcn]) -> ReaderOutput:
    """The lookup's rows for our practices and PCNs, each marked whether it agrees; differences as warnings.

    ``ours``: every practice of ours -> its current PCN (code '' if it has none). Pure (no database)."""
    roles = _roles(table.header)
    columns = {role: roles.get(role, ROLES[role][0].upper()) for role in ROLES}
    empty = pd.DataFrame(columns=[LINE, *FRAME])
    problems = [
        Problem(1, ROLES[r][0].upper(), "missing_column", f"The column '{ROLES[r][0].upper()}' is missing.")
        for r in ("practice_code", "pcn_code")
        if r not in roles
    ]
    if problems:
        return ReaderOutput(frame=empty, columns=columns, problems=problems, kind="geography")
    raw = table.frame
    cell = {role: raw[name].astype(str).str.strip() for role, name in roles.items()}
    blank = pd.Series("", index=raw.index)
    for role in ROLES:
        cell.setdefault(role, blank)
    if len(raw) and (cell["pcn_code"] == "").all():
        problem = Problem(
            None,
            roles["pcn_code"],
            "no_pcn_codes",
            "The PCN code column is empty on every row, so this is not a practice-to-PCN lookup (a table derived "
            "from one keeps its columns but not its codes). Load the lookup as published.",
        )
        return ReaderOutput(frame=empty, columns=columns, problems=[problem], kind="geography")
    codes = raw[roles["practice_code"]].astype(str)  # exactly as in the file
    # The lookup's PCN codes for our PCNs: by ODS code first; then, for our PCNs that still have a local code
    # (as HRW-PCN-HS was before ADR 0017), by name when exactly one of them has it. One PCN of ours per lookup
    # code, never guessed.
    our_pcns = {p for p in ours.values() if p.code}
    by_code = {p.code: p for p in our_pcns}
    file_pcns = dict(zip(cell["pcn_code"], cell["pcn_name"], strict=True))
    matched_pcn = {code: by_code[code] for code in file_pcns if code in by_code}
    local = [p for p in our_pcns if not PCN_CODE.match(p.code) and p not in matched_pcn.values()]
    for code, name in file_pcns.items():
        if code in matched_pcn:
            continue
        named = [p for p in local if same_name(name, p.name) or (p.short_name and same_name(name, p.short_name))]
        if len(named) == 1:
            matched_pcn[code] = named[0]
    rows, agree = [], 0
    seen: set[str] = set()
    for i in raw.index:
        code = codes[i]
        line = int(raw.at[i, LINE])
        pcn_code, pcn_name = cell["pcn_code"][i], cell["pcn_name"][i]
        if code not in ours:
            if code.strip().upper() in ours:
                problems.append(
                    Problem(
                        line,
                        roles["practice_code"],
                        "code_not_canonical",
                        f"ODS practice codes are upper case with no spaces (did you mean '{code.strip().upper()}'?).",
                    )
                )
            elif pcn_code in matched_pcn:
                problems.append(
                    Problem(
                        line,
                        roles["practice_code"],
                        "geography_difference",
                        f"{code} ('{cell['practice_name'][i][:60]}') is in {pcn_code} ('{pcn_name[:60]}'), which is "
                        f"our {matched_pcn[pcn_code].name}, but is not one of our practices. Load the ODS ePCN file "
                        "to add it with its dates.",
                        "warning",
                    )
                )
            continue
        if code in seen:
            problems.append(
                Problem(line, roles["practice_code"], "duplicate_row", f"{code} is listed twice in the lookup.")
            )
            continue
        seen.add(code)
        held = ours[code]
        agrees = bool(held.code) and matched_pcn.get(pcn_code) == held
        if agrees:
            agree += 1
        else:
            held_text = f"{held.code} ({held.name})" if held.code else "no current PCN"
            where = f"puts it in {pcn_code} ('{pcn_name[:60]}')" if pcn_code else "gives it no PCN"
            problems.append(
                Problem(
                    line,
                    roles["pcn_code"],
                    "geography_difference",
                    f"{code}: the lookup {where}; we hold {held_text}. "
                    "Memberships are not changed from a lookup (it has no dates): check the ODS ePCN file.",
                    "warning",
                )
            )
        rows.append(
            {
                LINE: line,
                "practice_code": code,
                "practice_name": cell["practice_name"][i],
                "pcn_code": pcn_code,
                "pcn_name": pcn_name,
                "sub_icb": cell["sub_icb"][i],
                "icb": cell["icb"][i],
                "region": cell["region"][i],
                "agrees": agrees,
            }
        )
    absent = sorted(set(ours) - seen)
    if absent:
        problems.append(
            Problem(
                None,
                roles["practice_code"],
                "geography_difference",
                f"{len(absent)} of our practices are not in the lookup ({', '.join(absent[:10])}"
                f"{', ...' if len(absent) > 10 else ''}): closed, merged, or not yet open when it was made?",
                "warning",
            )
        )
    problems.append(
        Problem(
            None,
            None,
            "geography_checked",
            f"Checked {len(rows)} of our practices against the lookup: {agree} agree with our current PCN "
            "memberships; nothing was changed.",
            "warning",
        )
    )
    frame = pd.DataFrame(rows, columns=[LINE, *FRAME]) if rows else empty
    return ReaderOutput(frame=frame, columns=columns, problems=problems, kind="geography")
