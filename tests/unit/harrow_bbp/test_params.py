"""The shared parameter parsers: what they accept, and that everything else is a 400 or a 404 with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404
from hypothesis import given
from hypothesis import strategies as st

from harrow_bbp.params import (
    MAX_YEAR,
    MIN_YEAR,
    BadParameter,
    code_in_path,
    is_code,
    month_in_path,
    parse_flag,
    parse_month,
    parse_slug,
)

DEFAULT = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "month"),
    [(None, DEFAULT), ("", DEFAULT), ("2026-09", dt.date(2026, 9, 1)), ("2000-01", dt.date(2000, 1, 1))],
)
def test_months_read(text, month):
    assert parse_month(text, default=DEFAULT) == month


@pytest.mark.parametrize(
    "text",
    ["9999-12", "0001-01", "1999-12", "2101-01", "2026-13", "2026-00", "2026-9", "2026-W01", "2026-09-01", " 2026-09",
     "\u0662\u0660\u0662\u0666-\u0660\u0669", "2026-09\x00"],
)  # fmt: skip
def test_other_months_are_a_bad_request_that_says_why(text):
    with pytest.raises(BadParameter) as caught:
        parse_month(text, default=DEFAULT)
    assert "month parameter" in str(caught.value) and "YYYY-MM" in str(caught.value)


@given(st.text(max_size=12))
def test_any_month_read_is_safe_for_month_arithmetic(text):
    try:
        month = parse_month(text, default=DEFAULT)
    except BadParameter:
        return
    assert month.day == 1 and MIN_YEAR <= month.year <= MAX_YEAR
    assert (month - dt.timedelta(days=1)).replace(day=1) < month < (month + dt.timedelta(days=32)).replace(day=1)


def test_months_in_paths():
    assert month_in_path(2026, 9) == dt.date(2026, 9, 1)
    for year, month in [(9999, 12), (1, 1), (2026, 13), (2026, 0), (10**20, 1)]:
        with pytest.raises(Http404):
            month_in_path(year, month)


def test_flags():
    assert parse_flag("1", name="closed") and not parse_flag(None, name="closed") and not parse_flag("0", name="x")
    with pytest.raises(BadParameter, match="closed parameter must be 1 or 0"):
        parse_flag("yes", name="closed")


def test_slugs():
    assert parse_slug("integrated-care_1", name="theme", max_length=60) == "integrated-care_1"
    assert parse_slug("", name="theme", max_length=60) is None
    for bad in ["a b", "a\x00", "a/b", "é", "x" * 61]:
        with pytest.raises(BadParameter):
            parse_slug(bad, name="theme", max_length=60)


def test_codes():
    assert is_code("E09000015", max_length=16) and is_code("HRW-PCN-HS", max_length=16)
    for bad in ["", "a/b", "a\\b", "a\x00b", "\x7f", "x" * 17]:
        assert not is_code(bad, max_length=16)
    assert code_in_path("QRV", max_length=16) == "QRV"
    with pytest.raises(Http404):
        code_in_path("a\x00b", max_length=16)
