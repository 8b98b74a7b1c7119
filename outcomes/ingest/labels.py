"""Breakdown and category labels as they are published or written -> the project's own codes: the one table of
spellings every reader uses (``outcomes.vocabulary`` holds the codes themselves).

Analysts copy labels from the census, from Fingertips or from a spreadsheet ("Sex", "Female", "Total",
"Asian, Asian British or Asian Welsh", "Most deprived quintile (IMD2019)"); national files write "MALE" and
"PERSONS"; the database holds the short codes of ``BREAKDOWN_CATEGORIES``. Matching ignores case, spacing and
punctuation. Detailed ONS 2021 census ethnic groups map to their high-level group, because the ethnicity breakdown
holds high-level groups only; a reader whose values are each group's own rate (Fingertips) asks for the high-level
spellings alone. Pure: no Django imports, so it is unit-tested without a database.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Our breakdown code -> labels analysts write for it (folded by ``fold``).
BREAKDOWN_LABELS: dict[str, tuple[str, ...]] = {
    "all": ("all", "total", "all persons", "persons", "overall", "none", "headline"),
    "age": ("age", "age band", "age group", "age bands"),
    "sex": ("sex", "gender", "sex at birth"),
    "ethnicity": ("ethnicity", "ethnic group", "ethnic groups", "ethnic origin", "ethnicity group"),
    "imd_quintile": (
        "imd quintile",
        "imd",
        "imd 2019 quintile",
        "imd2019 quintile",
        "deprivation",
        "deprivation quintile",
        "deprivation quintile imd",
    ),
    "partner": ("partner", "partner organisation", "partner organization", "organisation", "organization"),
}

#: The headline group (breakdown ``all``), and how sex columns name everyone ("Persons", "ALL").
_ALL = ("all", "total", "all persons", "persons", "all ages", "all people", "everyone")
_SEX = {"female": ("female", "females", "f", "woman", "women"), "male": ("male", "males", "m", "man", "men")}

#: ONS 2021 census ethnic groups (England and Wales, TS021): the five high-level groups and the 19 detailed
#: groups, each under its high-level group as our code. Labels are written both on their own ("Indian") and as
#: the census tables write them ("Asian, Asian British or Asian Welsh: Indian").
ONS_2021_HIGH_LEVEL: dict[str, str] = {
    "Asian, Asian British or Asian Welsh": "asian",
    "Black, Black British, Black Welsh, Caribbean or African": "black",
    "Mixed or Multiple ethnic groups": "mixed",
    "White": "white",
    "Other ethnic group": "other",
}
ONS_2021_DETAILED: dict[str, tuple[str, ...]] = {
    "Asian, Asian British or Asian Welsh": ("Bangladeshi", "Chinese", "Indian", "Pakistani", "Other Asian"),
    "Black, Black British, Black Welsh, Caribbean or African": ("African", "Caribbean", "Other Black"),
    "Mixed or Multiple ethnic groups": (
        "White and Asian",
        "White and Black African",
        "White and Black Caribbean",
        "Other Mixed or Multiple ethnic groups",
    ),
    "White": (
        "English, Welsh, Scottish, Northern Irish or British",
        "Irish",
        "Gypsy or Irish Traveller",
        "Roma",
        "Other White",
    ),
    "Other ethnic group": ("Arab", "Any other ethnic group"),
}
#: Other spellings of the high-level groups (2011 census and NHS data dictionary wording) and of "not stated".
_ETHNIC_OTHER_NAMES: dict[str, tuple[str, ...]] = {
    "asian": ("asian", "asian or asian british", "asian british", "asian ethnic groups"),
    "black": (
        "black",
        "black or black british",
        "black british",
        "black, black british, caribbean or african",
        "black/african/caribbean/black british",
        "black ethnic groups",
    ),
    "mixed": ("mixed", "mixed ethnic groups", "mixed/multiple ethnic groups", "multiple ethnic groups"),
    "white": ("white ethnic groups", "all white"),
    "other": ("other", "other ethnic groups", "any other ethnic group", "other ethnic background"),
    "not_stated": ("not stated", "not known", "unknown", "not recorded", "prefer not to say", "not_stated"),
}


def fold(label: object) -> str:
    """``' Asian, Asian-British '`` -> ``asian asian british``: case, spacing and punctuation ignored."""
    return re.sub(r"[^a-z0-9+]+", " ", str(label).lower()).strip()


def _table(pairs: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold(name): ours for ours, names in pairs.items() for name in (ours, *names)}


def _high_level_ethnicity() -> dict[str, str]:
    """folded spelling of a high-level group (census 2011 and 2021, NHS data dictionary, Fingertips) -> our code."""
    table = _table(_ETHNIC_OTHER_NAMES)
    table.update({fold(label): ours for label, ours in ONS_2021_HIGH_LEVEL.items()})
    return table


def _detailed_ethnicity() -> dict[str, tuple[str, str]]:
    """folded detailed ONS 2021 group, alone or after its high-level group -> (our code, why)."""
    table: dict[str, tuple[str, str]] = {}
    for high, details in ONS_2021_DETAILED.items():
        ours = ONS_2021_HIGH_LEVEL[high]
        why = f"its ONS 2021 census high-level group, '{high}' (the ethnicity breakdown holds high-level groups only)"
        for detail in details:
            table[fold(detail)] = (ours, why)
            table[fold(f"{high}: {detail}")] = (ours, why)
    return table


_ETHNIC_HIGH_LEVEL = _high_level_ethnicity()
_ETHNIC_DETAILED = _detailed_ethnicity()
_ONS_HIGH_LEVEL_WHY = "the ONS 2021 census high-level group"
_ONS_HIGH_LEVEL = {fold(label) for label in ONS_2021_HIGH_LEVEL}
_BREAKDOWNS = _table(BREAKDOWN_LABELS)
_ALL_FOLDED = frozenset(fold(name) for name in _ALL)
_SEX_FOLDED = _table(_SEX)
_CATEGORIES: dict[str, dict[str, tuple[str, str]]] = {
    "all": {name: ("all", "") for name in _ALL_FOLDED},
    "sex": {key: (ours, "") for key, ours in _SEX_FOLDED.items()},
    "age": {"75 and over": ("75+", ""), "75 plus": ("75+", ""), "75 over": ("75+", "")},
}


def ethnic_group(label: object, *, detailed: bool = True) -> tuple[str, str] | None:
    """(our ethnicity code, why) for ``label``, or None. With ``detailed=False`` only the spellings of a high-level
    group are read: a value published for a detailed group ("Indian") is that group's own, not its high-level
    group's, so a reader of such values skips it rather than file it under "asian"."""
    folded = fold(label)
    if detailed and folded in _ETHNIC_DETAILED:  # most specific first: "Any other ethnic group" is a detailed group
        return _ETHNIC_DETAILED[folded]
    ours = _ETHNIC_HIGH_LEVEL.get(folded)
    if ours is None:
        return None
    return ours, _ONS_HIGH_LEVEL_WHY if folded in _ONS_HIGH_LEVEL else ""


@lru_cache(maxsize=256)  # read once a row by the national files' readers
def sex_code(label: str) -> str | None:
    """The sex a column's value names: "female" or "male", "all" for everyone ("Persons", "ALL"), or None."""
    folded = fold(label)
    if folded in _ALL_FOLDED:
        return "all"
    return _SEX_FOLDED.get(folded)


def imd_quintile(label: object) -> str | None:
    """A national IMD quintile as published: 'Most deprived quintile (IMD2019)' -> '1', '2nd more deprived
    quintile (IMD2019)' -> '2', 'Median quintile' -> '3', 'Second least deprived quintile' -> '4', 'Least deprived
    quintile (IMD2019)' -> '5', 'Quintile 3' -> '3'; None for anything else (deciles included: ours are quintiles,
    and deciles are not combined)."""
    text = re.sub(r"\(imd\s*\d{4}\)", "", str(label).lower()).strip()
    if "quintile" not in text:
        return None
    for pattern, place in ((r"\b(2nd|second)\b", 2), (r"\b(3rd|third|median)\b", 3), (r"\b(4th|fourth)\b", 4)):
        if re.search(pattern, text):  # counted from the most deprived end unless it says least
            return str(6 - place if "least" in text else place)
    if "most deprived" in text:
        return "1"
    if "least deprived" in text:
        return "5"
    if m := re.search(r"\b([1-5])\b", text):
        return m[1]
    return None


def imd_numbered_from_least(label: object) -> bool:
    """A quintile numbered the other way from ours ('Quintile 1 (least deprived)', '5 - most deprived'): a file
    that writes one so numbers all of its quintiles from the least deprived end."""
    text = str(label).lower()
    return bool(re.search(r"\b1\b", text) and "least deprived" in text) or bool(
        re.search(r"\b5\b", text) and "most deprived" in text
    )


def imd_bare_number(label: object) -> bool:
    """A quintile given only by its number ('2', 'Quintile 4'), whose direction the file must say elsewhere."""
    text = re.sub(r"\(imd\s*\d{4}\)", "", str(label).lower())
    return "deprived" not in text and bool(re.fullmatch(r"\s*(quintile\s*)?[1245]\s*", text))


def breakdown_code(label: str, known: tuple[str, ...] | frozenset[str]) -> str | None:
    """Our breakdown code for ``label``, or None when it is not one we recognise."""
    folded = fold(label)
    if folded.replace(" ", "_") in known:
        return folded.replace(" ", "_")
    return _BREAKDOWNS.get(folded)


def category_code(breakdown: str, label: str, known: tuple[str, ...] | frozenset[str]) -> tuple[str, str] | None:
    """(our category code, why) for ``label`` in ``breakdown``, or None when it is not one we recognise."""
    folded = fold(label)
    for candidate in (str(label).strip().lower(), folded.replace(" ", "_"), folded.replace(" ", "-")):
        if candidate in known:
            return candidate, ""
    if breakdown == "ethnicity":
        return ethnic_group(label)
    if breakdown == "imd_quintile":
        quintile = imd_quintile(label)
        return (quintile, "") if quintile in known else None
    return _CATEGORIES.get(breakdown, {}).get(folded)
