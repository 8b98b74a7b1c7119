"""What a Fingertips export says about one indicator we do not track yet: the pre-filled draft definition.

An analyst starts tracking an indicator from the export that was refused for holding only untracked ids
(issue 12.6). The export does not state the unit, so it is inferred where the rows allow (value = count /
denominator x 100 is a percentage; x 1,000 or 100,000 a rate) and otherwise left for the analyst; polarity is
never guessed. Pure: a parsed ``Table`` in, plain values out.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from ..models.choices import Frequency, IntervalMethod, Unit
from .parsed import Table
from .readers.fingertips import COLUMNS, parse_period, squash

#: Fingertips "Area Type" -> our area level (lower-cased prefixes; the export adds dates: "Counties & UAs (from
#: Apr 2023)"). Area types without a level of ours (districts, wards, MSOAs) are not offered.
AREA_TYPES = (
    ("england", "country"),
    ("region", "region"),
    ("counties & uas", "borough"),
    ("upper tier", "borough"),
    ("districts & uas", "borough"),
    ("lower tier", "borough"),
    ("london borough", "borough"),
    ("ua", "borough"),
    ("county", "borough"),
    ("icb", "icb"),
    ("integrated care board", "icb"),
    ("sub-icb", "icb"),
    ("pcn", "pcn"),
    ("primary care network", "pcn"),
    ("gp", "practice"),
)
#: The levels in the order definitions list them.
LEVEL_ORDER = ("practice", "pcn", "borough", "icb", "region", "country")
MULTIPLIERS = (1, 100, 1_000, 10_000, 100_000)
FREQUENCIES = {1: Frequency.MONTHLY, 3: Frequency.QUARTERLY, 12: Frequency.ANNUAL, 24: Frequency.BIENNIAL}


@dataclass
class Proposal:
    fingertips_id: int
    name: str
    rows: int
    unit: str = ""
    multiplier: int = 1
    interval_method: str = IntervalMethod.SUPPLIED
    levels: list[str] = field(default_factory=list)
    area_types: list[str] = field(default_factory=list)
    sexes: list[str] = field(default_factory=list)  # most common first
    ages: list[str] = field(default_factory=list)
    frequency: str = Frequency.ANNUAL
    period_months: int | None = None
    notes: list[str] = field(default_factory=list)  # what the analyst should check, in words

    @property
    def sex(self) -> str:
        return "Persons" if "Persons" in self.sexes else (self.sexes[0] if self.sexes else "")

    @property
    def age(self) -> str:
        return self.ages[0] if self.ages else ""

    def code(self) -> str:
        """A proposed code: FT_<id>_<NAME>, with the sex when it is not persons, at most 64 characters."""
        words = re.sub(r"[^A-Z0-9]+", "_", self.name.upper()).strip("_")
        suffix = f"_{self.sex.upper()}" if self.sex and self.sex != "Persons" else ""
        head = f"FT_{self.fingertips_id}_"
        return (head + words[: 64 - len(head) - len(suffix)].rstrip("_") + suffix)[:64]


def level_of(area_type: str) -> str | None:
    text = area_type.strip().lower()
    for prefix, level in AREA_TYPES:
        if text.startswith(prefix):
            return level
    return None


def propose(table: Table, fingertips_id: int) -> Proposal | None:
    """The draft for ``fingertips_id`` from an export, or None when the export holds no row for it."""
    names = {squash(h): h for h in reversed(table.header)}
    column = {role: names.get(squash(name)) for role, name in COLUMNS.items()}
    column["area_type"] = names.get("areatype")
    if column["indicator_id"] is None:
        return None
    frame = table.frame
    ids = frame[column["indicator_id"]].astype(str).str.strip().str.replace(r"\.0$", "", regex=True)
    rows = frame[ids == str(fingertips_id)]
    if rows.empty:
        return None

    def cells(role: str) -> list[str]:
        name = column.get(role)
        return [] if name is None else [str(v).strip() for v in rows[name]]

    first_name = next((n for n in cells("indicator_name") if n), f"Fingertips indicator {fingertips_id}")
    proposal = Proposal(fingertips_id=fingertips_id, name=first_name[:255], rows=len(rows))
    proposal.sexes = [s for s, _ in Counter(s for s in cells("sex") if s).most_common()]
    proposal.ages = [a for a, _ in Counter(a for a in cells("age") if a).most_common()]
    area_types = list(dict.fromkeys(t for t in cells("area_type") if t))
    proposal.area_types = area_types
    levels = {level for t in area_types if (level := level_of(t))}
    proposal.levels = [level for level in LEVEL_ORDER if level in levels] or ["borough"]
    _infer_unit(proposal, cells("value"), cells("count"), cells("denominator"))
    _infer_periods(proposal, cells("time_period"), cells("sortable"), cells("range"))
    return proposal


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _infer_unit(proposal: Proposal, values: list[str], counts: list[str], denominators: list[str]) -> None:
    """value / (count / denominator) is the multiplier when every row with all three agrees on one."""
    found: Counter[int] = Counter()
    for v, c, d in zip(values, counts or [""] * len(values), denominators or [""] * len(values), strict=True):
        value, count, denominator = _number(v), _number(c), _number(d)
        if value is None or not count or not denominator:
            continue
        ratio = value / (count / denominator)
        multiplier = min(MULTIPLIERS, key=lambda m: abs(math.log10(ratio / m)) if ratio > 0 else math.inf)
        if ratio > 0 and abs(ratio / multiplier - 1) < 0.05:
            found[multiplier] += 1
    if len(found) == 1:
        multiplier = next(iter(found))
        proposal.multiplier = multiplier
        if multiplier == 100:
            proposal.unit, proposal.interval_method = Unit.PERCENT, IntervalMethod.WILSON
        else:
            proposal.unit, proposal.interval_method = Unit.RATE, IntervalMethod.POISSON_BYAR
            if multiplier == 1:
                proposal.unit = Unit.RATIO
        return
    if "life expectancy" in proposal.name.lower():
        proposal.unit = Unit.YEARS
        return
    proposal.notes.append(
        "The export does not say what the value measures and its counts do not show it: choose the unit."
    )


def _infer_periods(proposal: Proposal, periods: list[str], sortables: list[str], spans: list[str]) -> None:
    """The period length (months) and how often a new period is published (the step between period ends)."""
    dates = set()
    for text, sortable, span in zip(periods, sortables, spans or [""] * len(periods), strict=True):
        try:
            dates.add(parse_period(text, sortable, span))
        except ValueError:
            continue
    if not dates:
        proposal.notes.append("No time period in the export could be read: check the frequency.")
        return
    lengths = {(end.year - start.year) * 12 + end.month - start.month + 1 for start, end in dates}
    if len(lengths) == 1:
        proposal.period_months = lengths.pop()
    ends = sorted({end for _, end in dates})
    steps = {(b.year - a.year) * 12 + b.month - a.month for a, b in itertools.pairwise(ends)}
    step = min(steps) if steps else proposal.period_months
    proposal.frequency = FREQUENCIES.get(step or 12, Frequency.AD_HOC)
