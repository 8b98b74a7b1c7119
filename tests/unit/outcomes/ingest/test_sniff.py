"""The delimiter is the header line's, whatever title lines stand above it."""

from __future__ import annotations

import pytest

from outcomes.ingest.sniff import delimiter_of

HEADER = "indicator_code;org_code;period_start;period_end;numerator;denominator;value"
ROW = "X;E84001;2024-04-01;2025-03-31;3;40;7,5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{HEADER}\n{ROW}\n", ";"),
        (f"Smoking prevalence\n{HEADER}\n{ROW}\n", ";"),  # a one-value title
        (f"Smoking prevalence, Harrow, 2023/24\n\n{HEADER}\n{ROW}\n", ";"),  # a title written with commas
        (f"Smoking prevalence, Harrow, 2023/24\n{HEADER}\n{ROW}\n", ";"),
        ("a,b,c\n1,2,3\n", ","),
        ("a,b,c\n1;2;3;4;5;6;7\n1;2;3;4;5;6;7\n", ","),  # numbers below are not a header
        ("code,name,note\nA,B,see x;y;z\n", ","),  # semicolons inside a note
        ("code,name,note\nA,B,p;q;r;s;t;u;v;w\nC,D,p;q\n", ","),  # many in one note, not in the next
        ("a,b,c\nx\ty\tz\tw\tv\tu\n1\t2\t3\t4\t5\t6\n", "\t"),
    ],
    ids=[
        "semicolons",
        "title",
        "comma-title",
        "comma-title-no-gap",
        "commas",
        "numbers-below",
        "note",
        "long-note",
        "tabs",
    ],
)
def test_the_delimiter_is_the_header_lines(text, expected):
    assert delimiter_of(text) == expected
