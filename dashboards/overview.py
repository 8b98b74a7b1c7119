"""The board overview's judgements: which measure needs attention first, what changed since last month, and
where each measure sits in the Making Data Count summary matrix.

Pure Python over the board's tiles (read by attribute only, no Django), so each rule is tested on its own and the
glossary page prints the same rules the code applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from outcomes.stats.targets import STATUS_LABELS

#: The worst status first: a measure with several targets is placed by its worst one.
STATUS_SEVERITY = ("not_met", "off_track", "no_data", "baseline_set", "on_track", "met")

#: The board's order, attention first. Each group: (statuses in it, what the glossary says about it).
PRIORITY_GROUPS: tuple[tuple[frozenset[str], str], ...] = (
    (
        frozenset({"not_met", "off_track"}),
        "Not met or off track; among these, a measure whose latest chart point shows concerning special-cause "
        "variation comes first.",
    ),
    (frozenset({"no_data", "baseline_set"}), "No data yet, a baseline only, or no target: progress cannot be judged."),
    (frozenset({"on_track"}), "On track."),
    (frozenset({"met"}), "Met."),
)
_GROUP_OF = {status: i for i, (statuses, _) in enumerate(PRIORITY_GROUPS) for status in statuses}
_UNJUDGED = 1  # the group of a measure without a target


def worst_status(statuses: Iterable[str]) -> str | None:
    """The most severe of a measure's target statuses (None without targets)."""
    found = [s for s in statuses if s in STATUS_SEVERITY]
    return min(found, key=STATUS_SEVERITY.index) if found else None


def priority(statuses: Sequence[str], variation_code: str | None, outcome: int | None, sort_order: int) -> tuple:
    """Sort key: priority group, then concerning variation first, then the worse status, then the plan's order."""
    worst = worst_status(statuses)
    group = _UNJUDGED if worst is None else _GROUP_OF[worst]
    concern = 0 if (variation_code or "").startswith("concern") else 1
    severity = len(STATUS_SEVERITY) if worst is None else STATUS_SEVERITY.index(worst)
    return (group, concern, severity, outcome if outcome is not None else 99, sort_order)


def attention_order(tiles: Iterable[Any]) -> list[Any]:
    """Board tiles in the order the board reads them: what needs attention first (see ``PRIORITY_GROUPS``)."""
    return sorted(
        tiles,
        key=lambda t: priority(
            [v.assessment.status for v in t.targets],
            t.variation_code,
            t.indicator.partnership_outcome,
            t.indicator.sort_order,
        ),
    )


# ---------------------------------------------------------------------------------------------------------------
# What changed since last month


@dataclass(frozen=True)
class MeasureState:
    """What the board showed for one measure at one moment: enough to say what changed."""

    statuses: tuple[str, ...]
    latest_period_end: dt.date | None
    latest_period: str
    special_cause_ends: frozenset[dt.date]


def board_state(tiles: Iterable[Any]) -> dict[str, MeasureState]:
    """The board's state by indicator code, from its tiles."""
    return {
        t.indicator.code: MeasureState(
            statuses=tuple(v.assessment.status for v in t.targets),
            latest_period_end=t.latest_period_end,
            latest_period=t.latest_period,
            special_cause_ends=frozenset(t.special_cause_ends),
        )
        for t in tiles
    }


def changes_since(previous: Mapping[str, MeasureState], current: Mapping[str, MeasureState]) -> dict[str, list[str]]:
    """For each measure on the current board, what changed since the previous one, in words: new data, a new
    special-cause point and any target whose status changed. An empty list means nothing changed."""
    out: dict[str, list[str]] = {}
    for code, now in current.items():
        before = previous.get(code)
        notes: list[str] = []
        if before is None:
            out[code] = ["First month on the board"]
            continue
        if now.latest_period_end is not None and now.latest_period_end != before.latest_period_end:
            notes.append(f"New data: {now.latest_period}")
        new_special = now.special_cause_ends - before.special_cause_ends
        if new_special:
            n = len(new_special)
            notes.append("New special-cause point" if n == 1 else f"{n} new special-cause points")
        for i, status in enumerate(now.statuses):
            was = before.statuses[i] if i < len(before.statuses) else None
            if was is not None and was != status:
                notes.append(f"{STATUS_LABELS[was]} → {STATUS_LABELS[status]}")
        out[code] = notes
    return out


# ---------------------------------------------------------------------------------------------------------------
# The Making Data Count summary matrix (variation by assurance), as in NHS England's integrated performance reports

#: Rows: (key, label). The key is the start of the variation icon code ("concern_high" is in "concern").
VARIATION_ROWS = (
    ("concern", "Special cause: concerning"),
    ("neutral", "Special cause: neither improving nor concerning"),
    ("common_cause", "Common cause: no significant change"),
    ("improvement", "Special cause: improving"),
)
#: Columns: (assurance icon code, label); None collects measures with no target to assure against.
ASSURANCE_COLUMNS = (
    ("fail", "Consistently fails the target"),
    ("inconsistent", "Hit and miss"),
    ("pass", "Consistently passes the target"),
    (None, "No assurance (no single target value)"),
)


@dataclass(frozen=True)
class MatrixRow:
    label: str
    cells: tuple[tuple[Any, ...], ...]  # one tuple of items per column of ASSURANCE_COLUMNS


def mdc_matrix(items: Iterable[tuple[str | None, str | None, Any]]) -> tuple[list[MatrixRow], list[Any]]:
    """(rows, without_icons): each (variation code, assurance code, item) placed in its cell; items without a
    variation icon (too few points) are returned apart, so the matrix never hides a measure."""
    cells: dict[tuple[str, str | None], list[Any]] = {}
    without: list[Any] = []
    columns = [code for code, _ in ASSURANCE_COLUMNS]
    for variation, assurance, item in items:
        row = next((key for key, _ in VARIATION_ROWS if variation and variation.startswith(key)), None)
        if row is None:
            without.append(item)
            continue
        cells.setdefault((row, assurance if assurance in columns else None), []).append(item)
    rows = [
        MatrixRow(label, tuple(tuple(cells.get((key, column), ())) for column in columns))
        for key, label in VARIATION_ROWS
    ]
    return rows, without


# ---------------------------------------------------------------------------------------------------------------
# The scorecard: one row per measure


_COMPARISON_WORDS = {
    "best": "Better than",
    "better": "Better than",
    "worst": "Worse than",
    "worse": "Worse than",
    "higher": "Higher than",
    "lower": "Lower than",
    "similar": "Similar to",
}


@dataclass(frozen=True)
class ScorecardRow:
    tile: Any
    status: str | None  # the worst target status, None without a target
    status_label: str
    comparison: str  # e.g. "Worse than England", "" when not compared
    changes: tuple[str, ...]


def comparison_text(comparators: Sequence[Any]) -> str:
    """The first comparison made, in words ("Worse than England"); "" if none was made."""
    for c in comparators:
        words = _COMPARISON_WORDS.get(c.comparison)
        if words:
            return f"{words} {c.name}"
    return ""


def scorecard(tiles: Iterable[Any], changes: Mapping[str, Sequence[str]]) -> list[ScorecardRow]:
    """The scorecard's rows, attention first."""
    rows = []
    for tile in attention_order(tiles):
        status = worst_status(v.assessment.status for v in tile.targets)
        rows.append(
            ScorecardRow(
                tile=tile,
                status=status,
                status_label=STATUS_LABELS[status] if status else "No target",
                comparison=comparison_text(tile.comparators),
                changes=tuple(changes.get(tile.indicator.code, ())),
            )
        )
    return rows
