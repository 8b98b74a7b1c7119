"""Apply an ODS reference file (read by ``readers.ods``) to our areas and practice memberships.

Only Harrow's records are touched: practices already in our areas, PCNs that are (or resolve to) our PCN
areas, and practices the membership file puts in one of our PCNs. Everything is written through
``outcomes.actions``; the pipeline calls ``apply`` inside one transaction and rolls it back when it raises
``FileRefused``, so a refused file changes nothing. Counting: ``inserted`` = new areas and memberships,
``superseded`` = changed ones, ``unchanged`` = records the file confirms as they are.

Dates: ODS end and close dates are read as the LAST day of the relationship (inclusive); our
PracticeMembership.end is exclusive, so it is stored as the ODS date + 1 day. See docs/formats/ods.md.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
from collections import defaultdict
from collections.abc import Callable

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction

from .. import actions
from ..actions import LoadResult
from ..models import Area, PracticeMembership
from ..models.choices import AreaLevel
from ..problems import FileRefused, Problem
from .parsed import LINE
from .readers.base import ReaderOutput
from .readers.ods import PCN_CODE

log = logging.getLogger(__name__)
ICB = "QRV"
ONE_DAY = dt.timedelta(days=1)
#: An epraccur with at least this many rows is national (or a region's): old enough to judge by its dates.
NATIONAL_ROWS = 1_000


def _ignore(problem: Problem) -> None:
    """Where warnings go when no one collects them."""


def apply(output: ReaderOutput, on_warning: Callable[[Problem], None] = _ignore) -> LoadResult:
    """Apply the reader's output; what was skipped or added is said through ``on_warning``."""
    if output.kind == "areas":
        return apply_practices(output.frame, on_warning)
    if output.kind == "memberships":
        return apply_memberships(output.frame, on_warning)
    if output.kind == "geography":  # a dateless lookup: checked by its reader (warnings), never applied
        return LoadResult(unchanged=int(output.frame["agrees"].sum()) if len(output.frame) else 0)
    raise ValueError(f"reference_load cannot apply output of kind {output.kind!r}")


# --------------------------------------------------------------------------------------------- helpers


#: ODS writes names in capitals with abbreviations ("ELLIOTT HALL MEDICAL CTR."): a name that differs from ours only
#: by these is the same name, and ours (as written for the board) is kept.
ODS_ABBREVIATIONS = {
    "ctr": "centre",
    "cntr": "centre",
    "center": "centre",
    "med": "medical",
    "surg": "surgery",
    "prac": "practice",
    "pract": "practice",
    "hc": "health centre",
    "h c": "health centre",
    "saint": "st",
    "and": "",
}


def _norm(name: str) -> str:
    """Names compared without case, punctuation, ODS's abbreviations or the words 'PCN' / 'primary care network' /
    'the' / 'and'."""
    text = re.sub(r"[^a-z0-9 ]+", " ", name.lower())
    text = re.sub(r"\b(primary care network|pcn|the)\b", " ", text)
    text = re.sub(r"\b(h c|[a-z]+)\b", lambda m: ODS_ABBREVIATIONS.get(m[0], m[0]), text)
    return " ".join(text.split())


def title_case(name: str) -> str:
    """ODS upper-case names for display: 'KENTON BRIDGE MEDICAL CENTRE (DR RAJA)' -> 'Kenton Bridge Medical
    Centre (Dr Raja)'; "ST LUKE'S" -> "St Luke's"."""
    return re.sub(r"[A-Za-z]+('[A-Za-z]+)?", lambda m: m[0].capitalize(), name.strip().lower())


def _save_area(area: Area, **changes) -> Area:
    """Change some fields of an area through actions.upsert_area, keeping every other field as it is."""
    fields = {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "parent": area.parent,
        "short_name": area.short_name,
        "is_comparator": area.is_comparator,
        "sort_order": area.sort_order,
    }
    fields.update(changes)
    return actions.upsert_area(**fields)


@transaction.atomic
def _membership(practice: Area, pcn: Area, start: dt.date, end: dt.date | None, line: int) -> PracticeMembership:
    try:
        return actions.set_practice_membership(practice=practice, pcn=pcn, start=start, end=end)
    except ValidationError as exc:
        message = "; ".join(exc.messages)
        raise FileRefused(
            Problem(line, None, "membership_conflict", f"{practice.code} in {pcn.code} from {start}: {message}")
        ) from exc


def _records(frame: pd.DataFrame) -> list[dict]:
    records = frame.to_dict("records")
    for record in records:
        record[LINE] = int(record[LINE])
    return records


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# --------------------------------------------------------------------------------------------- epraccur


def apply_practices(frame: pd.DataFrame, on_warning: Callable[[Problem], None] = _ignore) -> LoadResult:
    """epraccur: update the names and ODS status of our practices and record closures as the end of their
    membership. A dormant practice (status D, no close date) is recorded as dormant; its membership stays open.

    NWL (QRV) practices that are not ours are not added: epraccur does not say which PCN (so which borough)
    a practice is in. The ePCN file adds any practice that joins one of our PCNs."""
    ours = {a.code: a for a in Area.objects.filter(level=AreaLevel.PRACTICE).select_related("parent")}
    stale = _older_than_held(frame)
    if stale is not None:
        raise FileRefused(stale)
    superseded = unchanged = 0
    others: list[str] = []
    for row in _records(frame):
        area = ours.get(row["code"])
        if area is None:
            others.append(row["code"])
            continue
        changes = 0
        name = title_case(row["name"])
        if row["name"] and _norm(name) != _norm(area.name):
            area = _save_area(area, name=name)
            changes += 1
        if row["status"] and row["status"] != area.ods_status:
            # A status first learnt is recorded, not counted as a change; a status that changes (active to
            # dormant...) is.
            changes += bool(area.ods_status)
            area = actions.set_area_status(area=area, status=row["status"])
        close = _date(row["close_date"])
        opened = _date(row["open_date"])
        if close is not None and opened is not None and close < opened:
            raise FileRefused(
                Problem(
                    row[LINE],
                    "column 12 (close date)",
                    "closed_before_opening",
                    f"{area.code} is given as closing on {close:%d %B %Y}, before it opened on {opened:%d %B %Y} "
                    "(column 11). Check the dates: ODS writes them YYYYMMDD.",
                )
            )
        if close is not None:
            end = close + ONE_DAY
            for membership in PracticeMembership.objects.filter(practice=area).select_related("pcn"):
                if membership.end is not None and membership.end <= end:
                    continue
                if membership.start >= end:
                    raise FileRefused(
                        Problem(
                            row[LINE],
                            "column 12 (close date)",
                            "closed_before_membership",
                            f"{area.code} closed on {close:%d %B %Y}, but its membership of {membership.pcn.code} "
                            f"starts on {membership.start:%d %B %Y}.",
                        )
                    )
                _membership(area, membership.pcn, membership.start, end, row[LINE])
                changes += 1
        superseded += changes
        unchanged += changes == 0
    if others:
        on_warning(
            Problem(
                None,
                "column 1 (organisation code)",
                "untracked_area",
                f"{len(others):,} practices that are not ours (e.g. {', '.join(sorted(others)[:3])}) were skipped: "
                "only our practices' names, status and closures are read.",
                "warning",
            )
        )
    return LoadResult(inserted=0, superseded=superseded, unchanged=unchanged)


def _older_than_held(frame: pd.DataFrame) -> Problem | None:
    """A national epraccur older than the memberships already held (a 2015 copy loaded after a 2024 one put back
    three practices' old names). Only a national file tells its age: its newest open or close date is within
    weeks of publication. A cut of a few practices does not, so it is not judged."""
    if len(frame) < NATIONAL_ROWS:
        return None
    dates = pd.to_datetime(pd.concat([frame["open_date"], frame["close_date"]]), errors="coerce", format="%Y-%m-%d")
    if dates.isna().all():
        return None
    newest = dates.max().date()
    held = (
        PracticeMembership.objects.filter(practice__level=AreaLevel.PRACTICE, start__gt=newest)
        .select_related("practice", "pcn")
        .order_by("-start", "practice__code")
        .first()
    )
    if held is None:
        return None
    return Problem(
        None,
        "columns 11 and 12 (open and close dates)",
        "older_than_held",
        f"This file is older than the practice records already held: its newest open or close date is "
        f"{newest:%d %B %Y}, but {held.practice.code}'s membership of {held.pcn.code} from {held.start:%d %B %Y} "
        "is already recorded. Loading it would put back older names and statuses. Download the current epraccur "
        "from ODS (docs/formats/ods.md).",
    )


# --------------------------------------------------------------------------------------------- ePCN


def _resolve_pcns(rows: list[dict], practices: dict[str, Area]) -> dict[str, tuple[Area, bool]]:
    """ePCN PCN code -> (our PCN area, whether its code must be set), for the PCNs that are ours.

    A PCN is ours when (1) an area already has its ODS code (ours do since ADR 0017); else (2) one local PCN area
    (code not of ODS shape, as HRW-PCN-HS was) has the same name, ignoring case, punctuation and the words PCN /
    primary care network; else (3) every one of the file's member practices that is ours currently belongs to
    one local PCN."""
    pcn_areas = list(Area.objects.filter(level=AreaLevel.PCN))
    by_code = {a.code: a for a in pcn_areas}
    local = [a for a in pcn_areas if not PCN_CODE.match(a.code)]
    open_pcn = dict(
        PracticeMembership.objects.filter(end__isnull=True, practice__in=practices.values()).values_list(
            "practice__code", "pcn_id"
        )
    )
    by_pk = {a.pk: a for a in pcn_areas}
    resolved: dict[str, tuple[Area, bool]] = {}
    claimed: dict[int, tuple[str, int]] = {}
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["pcn_code"]].append(row)

    def claim(code: str, area: Area, line: int) -> None:
        if area.pk in claimed:
            other, other_line = claimed[area.pk]
            raise FileRefused(
                Problem(
                    line,
                    "PCN Code",
                    "ambiguous_pcn",
                    f"PCNs {other} (line {other_line}) and {code} both match our {area.name} by name; "
                    "set its code by hand.",
                )
            )
        claimed[area.pk] = (code, line)
        resolved[code] = (area, True)

    # Pass 1: the ODS code itself, then the name (the stronger evidence).
    for code, members in grouped.items():
        line, name = members[0][LINE], members[0]["pcn_name"]
        if code in by_code:
            resolved[code] = (by_code[code], False)
            continue
        by_name = [a for a in local if _norm(name) in {_norm(a.name), _norm(a.short_name) if a.short_name else None}]
        if len(by_name) > 1:
            raise FileRefused(
                Problem(line, "PCN Name", "ambiguous_pcn", f"'{name}' matches several of our PCNs by name.")
            )
        if by_name:
            claim(code, by_name[0], line)
    # Pass 2: the current PCN of the file's member practices that are ours, for local PCNs not yet claimed.
    for code, members in grouped.items():
        if code in resolved:
            continue
        current = {open_pcn.get(m["practice_code"]) for m in members if m["practice_code"] in practices}
        current.discard(None)
        if len(current) == 1:
            area = by_pk[current.pop()]
            if not PCN_CODE.match(area.code) and area.pk not in claimed:
                claim(code, area, members[0][LINE])
    return resolved


def _check_overlaps(rows: list[dict]) -> None:
    """Within the file, a practice may not be in two PCNs (or the same PCN twice) at once."""
    by_practice: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_practice[row["practice_code"]].append(row)
    problems = []
    for code, spells in by_practice.items():
        spells.sort(key=lambda r: r["start"])
        for before, after in itertools.pairwise(spells):
            if before["end_exclusive"] is None or before["end_exclusive"] > after["start_date"]:
                what = (
                    f"in two PCNs at once ({before['pcn_code']} from line {before[LINE]} and {after['pcn_code']})"
                    if before["pcn_code"] != after["pcn_code"]
                    else f"in {after['pcn_code']} twice over overlapping dates (see line {before[LINE]})"
                )
                problems.append(
                    Problem(after[LINE], "Partner Organisation Code", "membership_overlap", f"{code} is {what}.")
                )
    if problems:
        raise FileRefused(*problems)


def apply_memberships(frame: pd.DataFrame, on_warning: Callable[[Problem], None] = _ignore) -> LoadResult:
    """ePCN: set the ODS codes of our PCNs, add practices that join them, and record dated memberships."""
    rows = _records(frame)
    for row in rows:
        row["start_date"] = _date(row["start"])
        end = _date(row["end"])
        row["end_exclusive"] = end + ONE_DAY if end else None
    practices = {a.code: a for a in Area.objects.filter(level=AreaLevel.PRACTICE)}
    resolved = _resolve_pcns(rows, practices)
    orphans = [r for r in rows if r["practice_code"] in practices and r["pcn_code"] not in resolved]
    if orphans:
        raise FileRefused(
            *[
                Problem(
                    r[LINE],
                    "PCN Code",
                    "unknown_pcn",
                    f"Our practice {r['practice_code']} is in PCN {r['pcn_code']} ('{r['pcn_name'][:60]}'), which "
                    "matches none of our PCNs by code, name or current members. Add the PCN to the areas first.",
                )
                for r in orphans
            ]
        )
    relevant = [r for r in rows if r["pcn_code"] in resolved]
    _check_overlaps(relevant)
    others = {r["pcn_code"] for r in rows if r["pcn_code"] not in resolved}
    if others:
        on_warning(
            Problem(
                None,
                "PCN Code",
                "untracked_area",
                f"{len(rows) - len(relevant):,} rows for {len(others):,} PCNs that are not ours "
                f"(e.g. {', '.join(sorted(others)[:3])}) were skipped.",
                "warning",
            )
        )
    added: list[str] = []

    inserted = superseded = unchanged = 0
    for code, (area, rename) in resolved.items():
        if rename:
            actions.set_area_code(area=area, code=code)
            superseded += 1
    for row in sorted(relevant, key=lambda r: (r["practice_code"], r["start_date"])):
        pcn = resolved[row["pcn_code"]][0]
        practice = practices.get(row["practice_code"])
        if practice is None:
            practice = actions.upsert_area(
                code=row["practice_code"],
                name=title_case(row["practice_name"]) or row["practice_code"],
                level=AreaLevel.PRACTICE,
                parent=pcn,
            )
            practices[practice.code] = practice
            added.append(f"{practice.code} ({practice.name}) to {pcn.code}")
            inserted += 1
        start, end = row["start_date"], row["end_exclusive"]
        existing = list(PracticeMembership.objects.filter(practice=practice).select_related("pcn"))
        same_start = next((m for m in existing if m.start == start), None)
        # Recorded spells that overlap this one (other than the one it updates) must give way or conflict.
        for m in existing:
            if m is same_start or not (m.start < (end or dt.date.max) and start < (m.end or dt.date.max)):
                continue
            if m.start < start:
                _membership(practice, m.pcn, m.start, start, row[LINE])  # the practice moved: close the old spell
                superseded += 1
            else:
                raise FileRefused(
                    Problem(
                        row[LINE],
                        "Practice to PCN Relationship Start Date",
                        "membership_conflict",
                        f"{practice.code} in {row['pcn_code']} from {start} overlaps its recorded membership of "
                        f"{m.pcn.code} from {m.start}, which starts later. End-date one of them.",
                    )
                )
        if same_start is not None and same_start.pcn_id == pcn.pk and same_start.end == end:
            unchanged += 1
        else:
            _membership(practice, pcn, start, end, row[LINE])
            inserted += same_start is None
            superseded += same_start is not None
        if end is None and practice.parent_id != pcn.pk:
            practice = _save_area(practice, parent=pcn)
            practices[practice.code] = practice
            superseded += 1
    if added:
        shown = "; ".join(added[:10]) + (f"; and {len(added) - 10:,} more" if len(added) > 10 else "")
        on_warning(
            Problem(
                None,
                "Partner Organisation Code",
                "practices_added",
                f"{len(added):,} practices that ODS puts in our PCNs were added as ours: {shown}.",
                "warning",
            )
        )
    return LoadResult(inserted=inserted, superseded=superseded, unchanged=unchanged)
