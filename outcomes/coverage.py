"""Coverage of derived values: which member practices a PCN or borough row sums, and what share of them (pure).

A ratio of sums over the practices that sent rows is a value for those practices only; 5 of 29 practices are
not the borough. So each derived row records the members in force, those covered, the covered share of the
members' weight (registered patients where a list size is known, else the indicator's denominator, else one
per practice) and the codes of the members missing. Below ``ROLLUP_MIN_COVERAGE`` the value is held back
unless an analyst accepts it (docs/adr/0018).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: What weighs a practice in the covered share, best first (``outcomes.coverage_weights`` picks one).
LIST_SIZE = "registered patients"
DENOMINATOR = "denominator"
PRACTICES = "practices"
COLUMNS = ["covered_practices", "member_practices", "coverage_share", "coverage_basis", "missing_practices"]
HELD_BACK = "Held back: "
#: Missing codes named in a warning before "and N more".
NAMED_CODES = 8


def members_by_group(
    memberships: pd.DataFrame, pcn_parent: Mapping[int, int], period_ends
) -> dict[tuple[int, object], frozenset[int]]:
    """(PCN or borough id, period end) -> the practices that are its members on that day (``end`` exclusive)."""
    starts = pd.to_datetime(memberships["start"])
    ends = pd.to_datetime(memberships["end"])
    out: dict[tuple[int, object], set[int]] = {}
    for period_end in period_ends:
        day = pd.Timestamp(period_end)
        in_force = memberships[(starts <= day) & (ends.isna() | (ends > day))]
        for practice_id, pcn_id in zip(in_force["practice_id"], in_force["pcn_id"], strict=True):
            out.setdefault((int(pcn_id), period_end), set()).add(int(practice_id))
            borough = pcn_parent.get(int(pcn_id))
            if borough is not None:
                out.setdefault((int(borough), period_end), set()).add(int(practice_id))
    return {key: frozenset(value) for key, value in out.items()}


def coverage(
    sums: pd.DataFrame,
    members: Mapping[tuple[int, object], frozenset[int]],
    weights: Mapping[tuple[int, object], float],
    basis: str,
    codes: Mapping[int, str],
) -> pd.DataFrame:
    """COLUMNS for each row of ``sums`` (area_id, period_end, covered: the ids of the practices summed).

    ``weights`` maps (practice id, period end) to its weight on ``basis``; a group any of whose members has no
    weight is weighed one per practice instead, and says so. Rows sharing a group, period and covered set (the
    categories of one period, usually) are worked out once."""
    seen: dict[tuple, tuple] = {}
    out = []
    for area_id, period_end, covered in zip(sums["area_id"], sums["period_end"], sums["covered"], strict=True):
        key = (int(area_id), period_end, covered)
        if key not in seen:
            seen[key] = _one(members.get(key[:2], frozenset()), frozenset(covered), period_end, weights, basis, codes)
        out.append(seen[key])
    return pd.DataFrame(out, columns=COLUMNS, index=sums.index)


def _one(members, covered, period_end, weights, basis, codes) -> tuple:
    members = members | covered  # a summed practice is a member by construction; guard against a stale map
    missing = members - covered
    if not missing:
        return len(covered), len(members), 1.0, basis, ""
    member_weights = [weights.get((p, period_end)) for p in members]
    if all(w is not None and w == w and w > 0 for w in member_weights):
        total = float(sum(member_weights))
        share = float(sum(weights[(p, period_end)] for p in covered)) / total
    else:
        basis, share = PRACTICES, len(covered) / len(members)
    names = ",".join(sorted(codes.get(p, str(p)) for p in missing))
    return len(covered), len(members), min(max(share, 0.0), 1.0), basis, names


def caveat(covered: float, members: float, share: float | None, basis: str) -> str:
    """Short words for a derived value below full coverage; "" when it covers every member (or is not derived)."""
    if not members or covered is None or members != members or covered >= members:
        return ""
    text = f"Covers {int(covered)} of {int(members)} practices"
    if share is None or share != share or basis == PRACTICES or not basis:
        return text
    what = "of registered patients" if basis == LIST_SIZE else "of the denominator"
    return f"{text} ({_percent(share)} {what})"


def _percent(share: float) -> str:
    """Whole per cent, but never rounded up to 100% (nor down to 0%) when it is not."""
    percent = share * 100
    rounded = round(percent)
    if rounded >= 100 and share < 1:
        return f"{np.floor(percent * 10) / 10:g}%"
    if rounded <= 0 < share:
        return "<1%"
    return f"{rounded}%"


def shorten_codes(codes: str, named: int = NAMED_CODES) -> str:
    """ "A, B, C and 4 more" from a comma-separated list of codes."""
    items = [c for c in codes.split(",") if c]
    if len(items) <= named:
        return ", ".join(items)
    return f"{', '.join(items[:named])} and {len(items) - named} more"


def frame_caveats(frame: pd.DataFrame) -> list[str]:
    """``caveat`` for each row of a frame with the selectors' coverage columns ("" where a column is absent)."""
    if frame.empty or not {"covered_practices", "member_practices"} <= set(frame.columns):
        return [""] * len(frame)
    share = frame["coverage_share"] if "coverage_share" in frame.columns else pd.Series(np.nan, index=frame.index)
    basis = frame["coverage_basis"] if "coverage_basis" in frame.columns else pd.Series("", index=frame.index)
    return [
        caveat(c, m, None if s is None or s != s else float(s), b or "")
        for c, m, s, b in zip(frame["covered_practices"], frame["member_practices"], share, basis, strict=True)
    ]
