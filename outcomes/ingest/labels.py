"""Breakdown and category labels as analysts write them -> the project's own codes.

Analysts copy labels from the census, from Fingertips or from a spreadsheet ("Sex", "Female", "Total",
"Asian, Asian British or Asian Welsh"); the database holds the short codes of ``BREAKDOWN_CATEGORIES``.
Matching ignores case, spacing and punctuation. Detailed ONS 2021 census ethnic groups map to their
high-level group, because the ethnicity breakdown holds high-level groups only. Pure: no Django imports
beyond the vocabulary, so it is unit-tested without a database.
"""

from __future__ import annotations

import re

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


def _ethnicity() -> dict[str, tuple[str, str]]:
    """folded label -> (our code, why), most specific last so nothing general overrides it."""
    table: dict[str, tuple[str, str]] = {}
    for ours, names in _ETHNIC_OTHER_NAMES.items():
        for name in (ours, *names):
            table[fold(name)] = (ours, "")
    for label, ours in ONS_2021_HIGH_LEVEL.items():
        table[fold(label)] = (ours, "the ONS 2021 census high-level group")
    for high, details in ONS_2021_DETAILED.items():
        ours = ONS_2021_HIGH_LEVEL[high]
        why = f"its ONS 2021 census high-level group, '{high}' (the ethnicity breakdown holds high-level groups only)"
        for detail in details:
            table[fold(detail)] = (ours, why)
            table[fold(f"{high}: {detail}")] = (ours, why)
    return table


_BREAKDOWNS = _table(BREAKDOWN_LABELS)
_CATEGORIES: dict[str, dict[str, tuple[str, str]]] = {
    "all": {fold(name): ("all", "") for name in _ALL},
    "sex": {key: (ours, "") for key, ours in _table(_SEX).items()},
    "ethnicity": _ethnicity(),
    "age": {"75 and over": ("75+", ""), "75 plus": ("75+", ""), "75 over": ("75+", "")},
}


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
    return _CATEGORIES.get(breakdown, {}).get(folded)
