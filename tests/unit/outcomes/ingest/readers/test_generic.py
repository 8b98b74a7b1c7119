"""The generic reader: blank breakdowns are the headline; labels as analysts write them; misspelt headers."""

from __future__ import annotations

from outcomes.ingest.readers.generic import GenericReader

from .tables import make_table

HEADER = ["indicator_code", "org_code", "period_start", "period_end", "breakdown", "category"]


def test_blank_or_space_breakdowns_and_categories_read_as_all_and_others_are_kept():
    rows = [
        ["I", "A", "2024-01-01", "2024-01-31", "", ""],
        ["I", "A", "2024-01-01", "2024-01-31", "  ", " female "],
        ["I", "A", "2024-01-01", "2024-01-31", "sex", "  "],
    ]
    frame = GenericReader().read(make_table(HEADER, rows)).frame
    assert frame["breakdown"].tolist() == ["all", "all", "sex"]
    assert frame["category"].tolist() == ["all", " female ", "all"]


def test_missing_breakdown_and_category_columns_read_as_all():
    frame = GenericReader().read(make_table(HEADER[:4], [["I", "A", "2024-01-01", "2024-01-31"]])).frame
    assert frame["breakdown"].tolist() == ["all"] and frame["category"].tolist() == ["all"]


def _read(header, rows):
    return GenericReader().read(make_table(header, rows))


def test_sex_total_and_any_case_labels_are_read_with_one_warning_per_distinct_label():
    rows = [
        ["I", "A", "2024-01-01", "2024-01-31", "Sex", "Female"],
        ["I", "A", "2024-01-01", "2024-01-31", "SEX", "Male"],
        ["I", "A", "2024-02-01", "2024-02-29", "Sex", "Female"],
        ["I", "A", "2024-01-01", "2024-01-31", "Total", "All"],
        ["I", "A", "2024-01-01", "2024-01-31", "sex", "female"],
    ]
    out = _read(HEADER, rows)
    assert out.frame["breakdown"].tolist() == ["sex", "sex", "sex", "all", "sex"]
    assert out.frame["category"].tolist() == ["female", "male", "female", "all", "female"]
    warnings = sorted((p.line, p.column, p.message) for p in out.problems if p.code == "label_mapped")
    assert warnings == [
        (2, "breakdown", "'Sex' was read as 'sex'."),
        (2, "category", "'Female' was read as 'female'."),
        (3, "breakdown", "'SEX' was read as 'sex'."),
        (3, "category", "'Male' was read as 'male'."),
        (5, "breakdown", "'Total' was read as 'all'."),
        (5, "category", "'All' was read as 'all'."),
    ]
    assert all(p.severity == "warning" for p in out.problems)


def test_ons_2021_census_ethnic_groups_map_to_their_high_level_group_each_named():
    labels = {
        "Asian, Asian British or Asian Welsh": "asian",
        "Black, Black British, Black Welsh, Caribbean or African": "black",
        "Mixed or Multiple ethnic groups": "mixed",
        "White": "white",
        "Other ethnic group": "other",
        "Indian": "asian",
        "Asian, Asian British or Asian Welsh: Pakistani": "asian",
        "Caribbean": "black",
        "White and Black African": "mixed",
        "Gypsy or Irish Traveller": "white",
        "White: English, Welsh, Scottish, Northern Irish or British": "white",
        "Arab": "other",
        "Not stated": "not_stated",
    }
    rows = [["I", "A", "2024-01-01", "2024-01-31", "Ethnicity", label] for label in labels]
    out = _read(HEADER, rows)
    assert out.frame["breakdown"].eq("ethnicity").all()
    assert out.frame["category"].tolist() == list(labels.values())
    named = {p.message.split("'")[1]: p.message for p in out.problems if p.column == "category"}
    assert set(named) == set(labels)  # one warning per distinct label, each naming it
    assert "ONS 2021 census high-level group, 'Asian, Asian British or Asian Welsh'" in named["Indian"]
    assert "high-level groups only" in named["Indian"]


def test_unrecognised_labels_are_left_for_validation_to_refuse():
    out = _read(HEADER, [["I", "A", "2024-01-01", "2024-01-31", "Sex", "Unknown-ish"]])
    assert out.frame["category"].tolist() == ["Unknown-ish"]
    assert [p.code for p in out.problems] == ["label_mapped"]  # the breakdown only


def test_a_misspelt_required_column_is_one_error_with_did_you_mean_and_no_rows_are_read():
    header = ["indicator_code", "org_cod", "period_start", "period_end"]
    out = _read(header, [["I", "A", "2024-01-01", "2024-01-31"]] * 10)
    assert [(p.code, p.column, p.severity) for p in out.problems] == [("misspelt_column", "org_cod", "error")]
    assert "Did you mean 'org_code'" in out.problems[0].message and out.frame.empty


def test_a_misspelt_optional_column_is_an_error_not_a_silent_drop():
    header = [*HEADER, "numerator", "denominater"]
    out = _read(header, [["I", "A", "2024-01-01", "2024-01-31", "", "", "1", "2"]])
    assert [(p.code, p.column) for p in out.problems] == [("misspelt_column", "denominater")]
    assert "Did you mean 'denominator'?" in out.problems[0].message


def test_other_columns_are_ignored_with_a_warning_and_a_second_interval_is_not_a_typo():
    header = [*HEADER, "Practice name", "Indicator name", "lower_ci_95", "lower_ci_99"]
    out = _read(header, [["I", "A", "2024-01-01", "2024-01-31", "", "", "x", "y", "1", "2"]])
    assert {(p.code, p.column) for p in out.problems} == {
        ("unknown_column", "Practice name"),
        ("unknown_column", "Indicator name"),
        ("unknown_column", "lower_ci_99"),
    }


def test_a_missing_required_column_with_nothing_like_it_is_an_error():
    out = _read(["indicator_code", "period_start", "period_end"], [["I", "2024-01-01", "2024-01-31"]])
    assert [(p.code, p.column) for p in out.problems] == [("missing_column", "org_code")] and out.frame.empty


def test_a_table_cut_down_from_fingertips_is_told_it_was_read_as_the_template():
    # The header of a derived table seen in a public repository (HEEC data/IMD/IMD_raw.csv): Fingertips' names,
    # without its period, sex and age columns.
    header = ["IndicatorID", "Year", "AreaCode", "AreaName", "IsAreaCurrent", "Value"]
    out = _read(header, [["93553", "2019", "E84004", "Circle Health Practice", "True", "24.1"]])
    codes = {p.code: p for p in out.problems}
    assert {"missing_column", "read_as_template"} <= set(codes) and out.frame.empty
    hint = codes["read_as_template"]
    assert hint.severity == "warning" and hint.column == "IndicatorID" and "docs/formats/fingertips.md" in hint.message


def test_a_template_file_with_an_indicator_id_column_gets_no_fingertips_hint():
    out = _read(["indicator_id", "period_start", "period_end"], [["I", "2024-01-01", "2024-01-31"]])
    assert "read_as_template" not in {p.code for p in out.problems}


def test_quintiles_numbered_from_the_least_deprived_beside_bare_numbers_are_refused_not_half_reversed():
    header = [*HEADER[:4], "breakdown", "category"]
    labels = ["Quintile 1 (least deprived)", "Quintile 2", "Quintile 3", "4", "Quintile 5 (most deprived)"]
    rows = [["I", "A", "2024-01-01", "2024-01-31", "imd_quintile", label] for label in labels]
    out = _read(header, rows)
    mixed = [(p.line, p.severity) for p in out.problems if p.code == "imd_direction_mixed"]
    assert mixed == [(3, "error"), (5, "error")]  # 'Quintile 2' and '4': the middle quintile is the same both ways


def test_quintiles_in_our_numbering_or_each_with_its_direction_are_read():
    header = [*HEADER[:4], "breakdown", "category"]
    for labels, expected in (
        (["1", "2", "3", "4", "5"], ["1", "2", "3", "4", "5"]),
        (["Quintile 1 (most deprived)", "Quintile 2", "Quintile 5 (least deprived)"], ["1", "2", "5"]),
        (["Least deprived quintile", "2nd least deprived quintile", "Most deprived quintile"], ["5", "4", "1"]),
    ):
        rows = [["I", "A", "2024-01-01", "2024-01-31", "imd_quintile", label] for label in labels]
        out = _read(header, rows)
        assert "imd_direction_mixed" not in {p.code for p in out.problems}
        assert out.frame["category"].tolist() == expected
