"""Cells that a spreadsheet would run as formulas are written as text."""

import pytest

from audit.csv_export import safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+44 20", "'+44 20"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("mitigations: =x", "mitigations: =x"),
        (None, ""),
        (42, "42"),
        (570.0, "570"),
        (True, "yes"),
        (False, "no"),
    ],
)
def test_safe_cell(value, written):
    assert safe_cell(value) == written
