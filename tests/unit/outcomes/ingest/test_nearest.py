"""A file no reader recognises is told which accepted format it is nearest to, and what it lacks."""

from __future__ import annotations

from outcomes.ingest.nearest import nearest_format, unknown_format_message

FINGERTIPS = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Count", "Denominator", "Value note", "Recent Trend", "Compared to England value or percentiles",
    "Time period Sortable",
]  # fmt: skip


def test_a_fingertips_export_with_a_column_dropped_and_one_misspelt_is_nearest_to_fingertips():
    header = [h for h in FINGERTIPS if h not in ("Time period Sortable", "Lower CI 95.0 limit")]
    header[header.index("Category Type")] = "Catagory Type"
    nearest = nearest_format(header)
    assert nearest is not None and nearest.reader.name == "fingertips"
    assert nearest.missing == ("time_period_sortable",)  # the misspelling counts as present


def test_an_analyst_s_own_names_are_nearest_to_the_generic_template():
    nearest = nearest_format(["ind_code", "area", "start", "end", "num", "den"])
    assert nearest is not None and nearest.reader.name == "generic"
    assert nearest.missing == ("indicator_code", "denominator", "value")
    message = unknown_format_message(["ind_code", "area", "start", "end", "num", "den"])
    assert "nearest is the Generic long template" in message and "'indicator_code'" in message


def test_qof_prevalence_without_its_register_is_nearest_to_qof_prevalence():
    nearest = nearest_format(["PRACTICE_CODE", "GROUP_CODE", "PATIENT_LIST_TYPE", "PRACTICE_LIST_SIZE"])
    assert nearest is not None and nearest.reader.name == "qof_prevalence" and nearest.missing == ("register",)


def test_names_that_differ_by_more_than_a_slip_are_not_taken_for_a_format_s():
    """``pcn_code`` is two letters from ``icb_code`` but another column; ``CCG_NAME`` is not ``ccg_code``."""
    nearest = nearest_format(["PRACTICE_CODE", "PCN_CODE", "CCG_NAME"])
    assert nearest is not None and nearest.reader.name == "nhs_geography"
    assert set(nearest.found) == {"practice_code", "pcn_code"}


def test_a_header_with_nothing_known_lists_the_accepted_formats():
    assert nearest_format(["a", "b", "c"]) is None
    message = unknown_format_message(["a", "b", "c"])
    assert "is it the header?" in message and "OHID Fingertips data export" in message
