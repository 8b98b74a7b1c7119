"""Parsing text into a table: the fast width check and blank-row filter agree with the plain definitions."""

from __future__ import annotations

import random

import pytest

from outcomes.ingest import table
from outcomes.ingest.parsed import LINE
from outcomes.ingest.sniff import sniff
from outcomes.problems import FileRefused

TEXTS = [
    "a,b,c\n1,2,3\n4,5,6\n",
    "a,b,c\n1,2,3\n4,5\n",  # short row
    "a,b,c\n1,2,3,4\n",  # long row
    "a,b,c\n1,2,3\n\n   \n4,5,6",  # blank and whitespace-only lines, no final newline
    "a,b,c\r\n1,2,3\r\n\r\n4,5,6\r\n",  # Windows line ends
    "a,b,c\r1,2,3\r4,5\r",  # old Mac line ends: split only by splitlines
    "a,b,c\n1,2,3\u2028x\n",  # a Unicode line separator inside a row
    "a,b,c\n£,é,漢\n\u00a0\n",  # multi-byte text; a line of a no-break space is blank to str.strip
    "a,b,c\n\u00a0,\u00a0\n",  # a no-break space line that is not blank
    "\na,b\n1,2\n",  # blank first line: width 0
    "a;b;c\n1;2;3\n1,2,3\n",  # another delimiter
    "a\tb\n1\t2\n\t\t\n",  # tab-delimited; a line of tabs only is blank
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_fast_width_check_agrees_with_the_line_by_line_definition(text, delimiter):
    assert table._widths_agree(text, delimiter) == table._widths_agree_by_line(text, delimiter)


def test_fast_width_check_agrees_on_random_texts():
    rng = random.Random(4)
    pieces = ["1", "22", ",", ",", " ", "\n", "\n", "\r\n", "\t", "é", "\u00a0", ""]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        for delimiter in (",", "\t"):
            if text.strip():
                assert table._widths_agree(text, delimiter) == table._widths_agree_by_line(text, delimiter), text


@pytest.mark.parametrize(
    "blank", ["   ", "\t", " , , ,", ",,, ", "\t,\t, ,"], ids=["spaces", "tab", "spaced-commas", "commas", "mixed"]
)
def test_a_line_of_spaces_tabs_or_bare_delimiters_is_a_blank_line(blank):
    text = f"a,b,c,d\n1,2,3,4\n{blank}\n5,6,7,8\n"
    parsed = table.read_table(text.encode(), sniff(text.encode()))
    assert parsed.frame[LINE].tolist() == [2, 4]
    assert parsed.problems == []


def test_a_repeated_header_line_is_skipped_with_one_warning():
    text = "a,b,c\n1,2,3\na,b,c\n4,5,6\na, B , C\n7,8,9\n"
    parsed = table.read_table(text.encode(), sniff(text.encode()))
    assert parsed.frame[LINE].tolist() == [2, 4, 6]
    assert [(p.line, p.code, p.severity) for p in parsed.problems] == [
        (3, "repeated_header", "warning"),
        (5, "repeated_header", "warning"),
    ]


def test_blank_lines_are_dropped_and_line_numbers_kept():
    content = b"indicator_code,org_code\nA,B\n\n,\nC,D\r\n"
    parsed = table.read_table(content, sniff(content))
    assert parsed.frame["indicator_code"].tolist() == ["A", "C"]
    assert parsed.frame[table.LINE].tolist() == [2, 5]


@pytest.mark.parametrize(
    "text",
    ["," * 5_000, "a,b,c" + "," * 5_000 + "\n1,2,3\n", "Title\n\na,b,c" + "," * 5_000 + "\n1,2,3\n"],
    ids=["commas-only", "trailing-commas", "below-a-title"],
)
def test_a_header_wider_than_a_spreadsheet_is_refused_before_it_is_parsed(text):
    content = text.encode()
    with pytest.raises(FileRefused) as refused:
        table.read_table(content, sniff(content))
    [problem] = refused.value.problems
    assert problem.code == "too_many_columns" and "5,00" in problem.message


def test_a_row_of_a_million_commas_below_a_normal_header_is_one_ragged_row():
    content = ("a,b,c\n1,2,3" + "," * 1_000_000 + "\n4,5,6\n").encode()
    parsed = table.read_table(content, sniff(content))
    assert [p.code for p in parsed.problems] == ["ragged_row"] and len(parsed.frame) == 2
