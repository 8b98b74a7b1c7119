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


def test_a_repeated_header_with_its_own_byte_order_mark_is_skipped():
    content = "a,b,c\n1,2,3\n\ufeffa,b,c\n4,5,6\n".encode()  # a second export pasted on, BOM and all
    parsed = table.read_table(content, sniff(content))
    assert parsed.frame[LINE].tolist() == [2, 4]
    assert [(p.line, p.code) for p in parsed.problems] == [(3, "repeated_header")]


def test_blank_lines_are_dropped_and_line_numbers_kept():
    content = b"indicator_code,org_code\nA,B\n\n,\nC,D\r\n"
    parsed = table.read_table(content, sniff(content))
    assert parsed.frame["indicator_code"].tolist() == ["A", "C"]
    assert parsed.frame[table.LINE].tolist() == [2, 5]


@pytest.mark.parametrize("blank", ["", " ", ",,,", "\r", " ,\t, "], ids=["empty", "space", "commas", "cr", "mixed"])
def test_many_blank_lines_are_cut_before_parsing_with_every_line_number_kept(blank, monkeypatch):
    rows = ["a,b,c,d", *([blank] * 1_500), "1,2,3,4", *([blank] * 2_000), "5,6,7,8", *([blank] * 10)]
    content = "\n".join(rows).encode()
    cut = []
    real = table._cut_blank_lines
    monkeypatch.setattr(table, "_cut_blank_lines", lambda *args: cut.append(real(*args)) or cut[-1])
    parsed = table.read_table(content, sniff(content))
    assert parsed.frame[LINE].tolist() == [1_502, 3_503] and parsed.frame["a"].tolist() == ["1", "5"]
    assert cut and cut[0][1] is not None  # the blank lines were cut, not parsed into rows and dropped
    assert parsed.problems == []


def test_a_few_blank_lines_are_left_to_the_parser():
    text = "a,b\n" + "1,2\n\n" * 100
    assert table._cut_blank_lines(text, ",") == (text, None)


def test_a_column_name_longer_than_any_real_one_is_refused_without_repeating_it():
    content = ("a," + "x" * 5_000 + "\n1,2\n").encode()
    with pytest.raises(FileRefused) as refused:
        table.read_table(content, sniff(content))
    [problem] = refused.value.problems
    assert (problem.code, problem.column) == ("header_too_long", "column 2") and "xxxx" not in problem.message


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
