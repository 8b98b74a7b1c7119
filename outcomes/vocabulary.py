"""The words for breakdowns and their categories, in one place (pure: no Django).

Every place that names a breakdown or a group reads it from here: the model's choices (``Breakdown``), the allowed
categories that ingestion checks, page headings, chart axes, and the sentences of target assessments. Units and
number formatting live in ``outcomes.units``; months and period labels in ``outcomes.periods``.
"""

from __future__ import annotations

#: Each breakdown's name (the model's choice labels): ``all`` is the headline row, its only category ``all``.
BREAKDOWN_NAMES: dict[str, str] = {
    "all": "All persons",
    "age": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnic group",
    "imd_quintile": "Deprivation (IMD quintile)",
    "partner": "Partner organisation",
}

#: Our age bands, each with the first and last year of age it holds (75+ has no last year: 999).
AGE_BAND_YEARS: dict[str, tuple[int, int]] = {
    "0-4": (0, 4),
    "5-17": (5, 17),
    "18-44": (18, 44),
    "45-64": (45, 64),
    "65-74": (65, 74),
    "75+": (75, 999),
}

#: The categories each breakdown allows (the codes stored on observations), in the order they are shown.
BREAKDOWN_CATEGORIES: dict[str, tuple[str, ...]] = {
    "all": ("all",),
    "sex": ("female", "male"),
    "age": tuple(AGE_BAND_YEARS),
    # ONS 2021 census high-level ethnic groups.
    "ethnicity": ("asian", "black", "mixed", "white", "other", "not_stated"),
    # IMD 2019 quintile: 1 = most deprived (the Core20 population).
    "imd_quintile": ("1", "2", "3", "4", "5"),
}

#: A breakdown as a heading over its chart on the indicator page.
BREAKDOWN_TITLES: dict[str, str] = {
    "age": "Age band",
    "sex": "Sex",
    "ethnicity": "Ethnic group",
    "imd_quintile": "Deprivation",
    "partner": "Partner organisation",
}

#: A breakdown as the x axis of its chart.
BREAKDOWN_AXIS_TITLES: dict[str, str] = {
    "imd_quintile": "Deprivation quintile (IMD 2019; 1 = most deprived)",
    "age": "Age band (years)",
    "sex": "Sex",
    "ethnicity": "Ethnic group",
}

#: A breakdown inside a sentence ("not met in every deprivation (IMD quintile)").
_BREAKDOWN_WORDS = {
    "age": "age band",
    "sex": "sex",
    "ethnicity": "ethnic group",
    "imd_quintile": "deprivation (IMD quintile)",
    "partner": "partner organisation",
}
#: The two ends of the IMD quintiles, as every label of a quintile names them.
IMD_QUINTILE_ENDS: dict[str, str] = {"1": "most deprived", "5": "least deprived"}
_ETHNICITY_WORDS = {
    "asian": "Asian",
    "black": "Black",
    "mixed": "Mixed ethnicity",
    "white": "White",
    "other": "Other ethnic group",
    "not_stated": "Ethnicity not stated",
}


def breakdown_label(breakdown: str) -> str:
    """A breakdown as a board member reads it: "imd_quintile" is "deprivation (IMD quintile)"."""
    return _BREAKDOWN_WORDS.get(breakdown, breakdown.replace("_", " "))


def group_label(breakdown: str, category: str) -> str:
    """One group in plain words: ("ethnicity", "asian") is "Asian", ("imd_quintile", "1") is "IMD quintile 1
    (most deprived)", ("age", "18-44") is "aged 18 to 44", ("age", "75+") is "aged 75 and over"."""
    category = str(category)
    if breakdown == "imd_quintile":
        end = IMD_QUINTILE_ENDS.get(category)
        return f"IMD quintile {category} ({end})" if end else f"IMD quintile {category}"
    if breakdown == "age":
        if category.endswith("+"):
            return f"aged {category[:-1]} and over"
        return "aged " + category.replace("-", " to ", 1)
    if breakdown == "ethnicity":
        return _ETHNICITY_WORDS.get(category, category.replace("_", " ").capitalize())
    if breakdown == "sex":
        return category.capitalize()
    words = category.replace("_", " ").replace("-", " ")
    return words.upper() if " " not in words and len(words) <= 6 else words.title()
