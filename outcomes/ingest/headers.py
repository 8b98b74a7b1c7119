"""Header names: normalised for matching (case, spacing, punctuation) and mapped through known aliases."""

from __future__ import annotations

import difflib
import re

from ..problems import Problem

#: Canonical column -> other names analysts' files use for it (already normalised).
GENERIC_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_code": ("indicator", "indicator_id", "measure", "measure_code", "metric", "metric_code"),
    "org_code": (
        "org",
        "organisation_code",
        "organization_code",
        "ods_code",
        "area_code",
        "practice_code",
        "geography_code",
        "area",
        "code",
    ),
    "period_start": ("start", "start_date", "from", "from_date", "period_from", "date_from"),
    "period_end": ("end", "end_date", "to", "to_date", "period_to", "date_to"),
    "breakdown": ("breakdown_type", "dimension", "category_type"),
    "category": ("breakdown_value", "group", "subgroup"),
    "numerator": ("count", "num", "events", "n"),
    "denominator": ("denom", "population", "d", "base"),
    "value": ("rate", "percentage", "percent", "proportion", "indicator_value"),
    "lower_ci": ("lower", "lcl", "lower_ci_95", "lower_95", "lower_cl", "lowerci"),
    "upper_ci": ("upper", "ucl", "upper_ci_95", "upper_95", "upper_cl", "upperci"),
    "note": ("notes", "comment", "comments", "value_note"),
}


def normalise(name: str) -> str:
    """``' Period Start '`` / ``period-start`` / ``PeriodStart`` -> ``period_start``."""
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name.strip().lstrip("\ufeff"))
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


#: How alike a header must be to a template name to be read as a misspelling of it (difflib's ratio):
#: ``org_cod``/``org_code`` is 0.93 and ``denominater``/``denominator`` 0.91, while ``practice_name`` /
#: ``practice_code`` (0.77) and ``indicator_name``/``indicator_code`` (0.79) are different columns.
SIMILAR = 0.8
#: ... and no more than this many typing slips away (``indicator_name`` is 0.83 like ``indicator_value`` but four
#: letters differ: another column, not a typo).
MAX_EDITS = 2


def find_roles(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Role -> the file's own column name, by the first of the role's aliases the header holds (names compared
    normalised; the first column of a name repeated wins). Readers of published files name their columns so."""
    names = {normalise(h): h for h in reversed(header)}
    return {
        role: next(names[a] for a in found if a in names)
        for role, found in aliases.items()
        if any(a in names for a in found)
    }


def suggest(name: str, aliases: dict[str, tuple[str, ...]], taken: set[str] = frozenset()) -> tuple[str, str] | None:
    """(canonical, closest name) for a header that looks like a misspelt template name, else None.

    Names of canonical columns already in ``taken`` are not suggested: a second, unknown column next to a
    mapped one (``lower_ci_99`` beside ``lower_ci_95``) is a different column, not a typo.
    """
    key = normalise(name)
    names = {
        alias: canonical
        for canonical, others in aliases.items()
        if canonical not in taken
        for alias in (canonical, *others)
        if len(alias) > 3  # 'n', 'd', 'to', 'org' are too short to judge a typo by
    }
    for match in difflib.get_close_matches(key, list(names), n=3, cutoff=SIMILAR):
        if _edits(key, match) <= MAX_EDITS:
            return names[match], match
    return None


def alike(a: str, b: str) -> bool:
    """Whether two normalised names differ by a typing slip: ``SIMILAR`` alike and at most ``MAX_EDITS`` apart."""
    return difflib.SequenceMatcher(None, a, b).ratio() >= SIMILAR and _edits(a, b) <= MAX_EDITS


def _edits(a: str, b: str) -> int:
    """Levenshtein distance, with a swap of neighbours counting as one edit (``strat`` for ``start``)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def map_columns(
    header: list[str], aliases: dict[str, tuple[str, ...]], required: set[str]
) -> tuple[dict[str, str], list[Problem]]:
    """Canonical name -> the file's own column name, plus problems for duplicate and missing columns.

    Only exact normalised names and listed aliases match; nothing is guessed, so two different columns can
    never be merged silently.
    """
    lookup = {}
    for canonical, names in aliases.items():
        lookup[canonical] = canonical
        for alias in names:
            lookup[alias] = canonical
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    for original in header:
        canonical = lookup.get(normalise(original))
        if canonical is None:
            continue
        if canonical in mapping:
            problems.append(
                Problem(
                    1,
                    original,
                    "duplicate_column",
                    f"'{original}' and '{mapping[canonical]}' both mean {canonical}; keep one.",
                )
            )
            continue
        mapping[canonical] = original
    seen: dict[str, str] = {}
    for original in header:
        key = normalise(original)
        if key and key in seen and lookup.get(key) is None:
            problems.append(Problem(1, original, "duplicate_column", f"The column '{original}' appears twice."))
        seen.setdefault(key, original)
    for canonical in sorted(required - mapping.keys()):
        problems.append(Problem(1, canonical, "missing_column", f"The required column '{canonical}' is missing."))
    return mapping, problems
