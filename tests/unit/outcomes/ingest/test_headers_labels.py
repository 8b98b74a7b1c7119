"""Header suggestions and label mappings: the vocabularies the generic reader uses."""

from __future__ import annotations

import pytest

from outcomes.ingest.headers import GENERIC_ALIASES, suggest
from outcomes.ingest.labels import (
    ONS_2021_DETAILED,
    ONS_2021_HIGH_LEVEL,
    breakdown_code,
    category_code,
    ethnic_group,
    imd_quintile,
    sex_code,
)
from outcomes.ingest.readers.fingertips_values import breakdown_of
from outcomes.vocabulary import BREAKDOWN_CATEGORIES


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("org_cod", ("org_code", "org_code")),
        ("Denominater", ("denominator", "denominator")),
        ("Period Strat", ("period_start", "period_start")),
        ("indicator_cde", ("indicator_code", "indicator_code")),
        ("Numarator", ("numerator", "numerator")),
    ],
)
def test_misspelt_headers_are_suggested(header, expected):
    assert suggest(header, GENERIC_ALIASES) == expected


@pytest.mark.parametrize("header", ["Practice name", "Indicator name", "Org name", "Live births", "id", "xx"])
def test_other_headers_are_not_read_as_typos(header):
    assert suggest(header, GENERIC_ALIASES) is None


def test_a_column_already_present_is_not_suggested_again():
    assert suggest("lower_ci_99", GENERIC_ALIASES) == ("lower_ci", "lower_ci_95")
    assert suggest("lower_ci_99", GENERIC_ALIASES, taken={"lower_ci"}) is None


def test_every_ons_2021_group_maps_to_one_of_our_ethnicity_categories():
    known = BREAKDOWN_CATEGORIES["ethnicity"]
    assert len(ONS_2021_HIGH_LEVEL) == 5 and sum(len(d) for d in ONS_2021_DETAILED.values()) == 19
    for high, ours in ONS_2021_HIGH_LEVEL.items():
        assert ours in known and category_code("ethnicity", high, known)[0] == ours
        for detail in ONS_2021_DETAILED[high]:
            assert category_code("ethnicity", detail, known)[0] == ours
            assert category_code("ethnicity", f"{high}: {detail}".upper(), known)[0] == ours


@pytest.mark.parametrize(
    ("label", "expected"),
    [("Sex", "sex"), ("ETHNIC GROUP", "ethnicity"), ("Total", "all"), ("All persons", "all"), ("Age band", "age")],
)
def test_breakdown_labels(label, expected):
    assert breakdown_code(label, tuple(BREAKDOWN_CATEGORIES)) == expected


def test_category_labels_are_only_read_within_their_breakdown():
    assert category_code("sex", "Females", BREAKDOWN_CATEGORIES["sex"]) == ("female", "")
    assert category_code("all", "All persons", BREAKDOWN_CATEGORIES["all"]) == ("all", "")
    assert category_code("age", "75 and over", BREAKDOWN_CATEGORIES["age"]) == ("75+", "")
    assert category_code("sex", "Indian", BREAKDOWN_CATEGORIES["sex"]) is None
    assert category_code("imd_quintile", "1", BREAKDOWN_CATEGORIES["imd_quintile"]) == ("1", "")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Most deprived quintile (IMD2019)", "1"),
        ("2nd more deprived quintile (IMD2019)", "2"),
        ("3rd more deprived quintile (IMD2019)", "3"),
        ("4th more deprived quintile (IMD2019)", "4"),
        ("Least deprived quintile (IMD2019)", "5"),
        ("Median quintile", "3"),
        ("Second most deprived quintile", "2"),
        ("Second least deprived quintile", "4"),
        ("Quintile 4", "4"),
        ("IMD quintile 1 (most deprived)", "1"),
        ("Most deprived decile", None),
        ("Decile 3", None),
    ],
)
def test_imd_quintiles_as_published(label, expected):
    assert imd_quintile(label) == expected
    found = category_code("imd_quintile", label, BREAKDOWN_CATEGORIES["imd_quintile"])
    assert (found[0] if found else None) == expected  # the generic template reads Fingertips' wording too


@pytest.mark.parametrize(
    ("label", "expected"),
    [("Persons", "all"), ("ALL", "all"), ("MALE", "male"), ("Female", "female"), ("Females", "female"), ("x", None)],
)
def test_sex_columns(label, expected):
    assert sex_code(label) == expected


def test_one_table_of_ethnic_group_spellings_serves_every_reader():
    """Every spelling the generic template reads as a high-level group, Fingertips reads as the same group; detailed
    groups only the generic template rolls up (a Fingertips value for "Indian" is not a value for "Asian")."""
    known = BREAKDOWN_CATEGORIES["ethnicity"]
    for label in [*ONS_2021_HIGH_LEVEL, "Asian or Asian British", "Black/African/Caribbean/Black British", "Unknown"]:
        ours = category_code("ethnicity", label, known)[0]
        assert breakdown_of("Ethnic groups", label) == ("ethnicity", ours)
        assert ethnic_group(label, detailed=False)[0] == ours
    for details in ONS_2021_DETAILED.values():
        for detail in details:
            if detail != "Any other ethnic group":  # also the NHS data dictionary's high-level "other"
                assert ethnic_group(detail, detailed=False) is None
                assert isinstance(breakdown_of("Ethnic groups", detail), str)
