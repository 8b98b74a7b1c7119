"""The ODS readers on small in-test tables: epraccur by shape (its header is data) and the ePCN sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outcomes.ingest.pii import find_identifiers
from outcomes.ingest.readers.ods import EpcnReader, EpraccurReader, parse_ods_date
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table

from .tables import make_table

REAL = Path(__file__).resolve().parents[5] / "tests" / "data" / "real-files"


def practice(code="E84068", name="THE RIDGEWAY SURGERY", close="", status="A", opened="19740401") -> list[str]:
    row = [""] * 27
    row[0], row[1], row[3], row[4], row[9], row[10], row[11], row[12] = (
        code,
        name,
        "QRV",
        "1 ROAD",
        "HA1 1AA",
        opened,
        close,
        status,
    )
    row[14], row[17], row[23], row[25] = "W2U3Z", "020 8000 0001", "W2U3Z", "4"
    return row


def epraccur(*rows: list[str]):
    """As table.py parses a headerless file: the first row becomes the header; the frame's column keys are the
    header names made unique (table_finish.named_columns), while ``table.header`` keeps the cells as they are."""
    keys, seen = [], {}
    for name in rows[0]:
        seen[name] = seen.get(name, 0) + 1
        keys.append(name if seen[name] == 1 else f"{name}\u0000{seen[name]}")
    table = make_table(keys, [list(r) for r in rows[1:]])
    table.header = list(rows[0])
    return table


EPCN = ["Partner Organisation Code", "Partner Name", "Practice Parent Sub ICB Loc Code", "PCN Code", "PCN Name",
        "Practice to PCN Relationship Start Date", "Practice to PCN Relationship End Date"]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20190701", dt.date(2019, 7, 1)),
        ("2019-07-01", dt.date(2019, 7, 1)),
        ("01/07/2019", dt.date(2019, 7, 1)),
        ("", None),
    ],
)
def test_ods_dates(text, expected):
    assert parse_ods_date(text) == expected


def test_epraccur_is_recognised_by_its_shape_not_its_header():
    reader = EpraccurReader()
    assert reader.matches(epraccur(practice(), practice("E84024")))
    assert not reader.matches(epraccur(practice()[:12], practice("E84024")[:12]))  # no status column
    assert not reader.matches(epraccur(practice() + [""] * 4, practice("E84024") + [""] * 4))  # 31 columns
    assert not reader.matches(epraccur(practice(code="Harrow"), practice()))  # not a practice code
    assert not reader.matches(make_table(["Partner Organisation Code", "PCN Code"], [["E84068", "U10001"]]))
    assert reader.headerless


def test_the_first_line_is_read_as_data_on_line_1():
    out = EpraccurReader().read(epraccur(practice(), practice("E84663", "KENTON BRIDGE (DR RAJA)", "20240331", "C")))
    assert out.kind == "areas"
    rows = out.frame.to_dict("records")
    assert [(r["__line__"], r["code"], r["status"], r["close_date"]) for r in rows] == [
        (1, "E84068", "active", ""),
        (2, "E84663", "closed", "2024-03-31"),
    ]
    assert rows[0]["icb"] == "QRV" and rows[0]["setting"] == "4" and rows[0]["open_date"] == "1974-04-01"
    assert out.problems == []


@pytest.mark.parametrize(
    ("cut", "width"),
    [
        (lambda row: row[:26], 26),
        (lambda row: row[:13], 13),
        (lambda row: [*row, "X"], 28),
        (lambda row: [*row, ""], 28),
    ],
    ids=["excel-dropped-the-empty-last-column", "only-up-to-the-status", "a-column-added", "a-delimiter-ending-lines"],
)
def test_a_copy_a_few_columns_narrower_or_wider_is_read_by_position_with_a_warning(cut, width):
    rows = [practice(), practice("E84663", "KENTON BRIDGE (DR RAJA)", "20240331", "C")]
    table = epraccur(*(cut(row) for row in rows))
    reader = EpraccurReader()
    assert reader.matches(table)
    out = reader.read(table)
    assert [(r["code"], r["status"], r["close_date"]) for r in out.frame.to_dict("records")] == [
        ("E84068", "active", ""),
        ("E84663", "closed", "2024-03-31"),
    ]
    [warning] = out.problems
    assert (warning.code, warning.severity) == (
        "epraccur_width",
        "warning",
    ) and f"has {width} columns" in warning.message
    # the organisation's postcode and address stay exempt from the patient-data scan whatever the width
    assert find_identifiers(table, reader.pii_exempt_columns(table), reader.pii_exempt_headers(table)) == []


def test_only_the_organisation_address_columns_are_exempt_from_the_pii_scan():
    table = epraccur(practice(), practice("E84024"))
    exempt = EpraccurReader().pii_exempt_columns(table)
    positions = sorted(list(table.frame.columns).index(c) for c in exempt)
    assert positions == [4, 5, 6, 7, 8, 9, 17]  # address lines 1-5, postcode, telephone
    assert EpraccurReader().pii_exempt_columns(make_table(["postcode"], [["HA1 1AA"]])) == frozenset()


def test_organisation_name_headers_are_exempt_from_the_column_name_check_for_their_format_only():
    # A practice that left its PCN and rejoined has two rows: the codes repeat, so the rows are not a list of
    # organisations (whose own names would pass).
    epcn = make_table(
        EPCN,
        [
            ["E84068", "THE RIDGEWAY SURGERY", "W2U3Z", "U10001", "P", "2019-07-01", "2021-03-31"],
            ["E84068", "THE RIDGEWAY SURGERY", "W2U3Z", "U10001", "P", "2022-04-01", ""],
        ],
    )
    assert EpcnReader().pii_exempt_headers(epcn) == frozenset({"Partner Name"})
    assert find_identifiers(epcn, exempt_headers=EpcnReader().pii_exempt_headers(epcn)) == []
    assert [p.column for p in find_identifiers(epcn)] == ["Partner Name"]  # not exempt by any other reader
    table = epraccur(practice(), practice("E84024"))  # line 1 is data, not column names
    assert EpraccurReader().pii_exempt_headers(table) == frozenset(table.header)
    assert EpraccurReader().pii_exempt_headers(make_table(["Name"], [["x"]])) == frozenset()


def test_epraccur_problems_name_their_lines():
    out = EpraccurReader().read(
        epraccur(
            practice(),
            practice("e84024", "BAD CODE"),
            practice("E84024", close="2024-13-45"),
            practice("E84004", status="C"),  # each practice on one line (a practice repeated is refused)
            practice("X1", "NOT A PRACTICE"),
        )
    )
    assert [(p.line, p.code, p.severity) for p in out.problems] == [
        (2, "bad_code", "error"),
        (3, "bad_date", "error"),
        (4, "closed_without_date", "warning"),
        (None, "not_a_practice", "warning"),
    ]


def test_a_practice_on_two_lines_with_different_details_is_refused_naming_both_lines():
    out = EpraccurReader().read(
        epraccur(practice(), practice("E84024"), practice(name="ELSEWHERE", close="20240331", status="C"))
    )
    [problem] = out.problems
    assert (problem.line, problem.column, problem.code, problem.severity) == (
        3, "column 1 (organisation code)", "duplicate_practice", "error"
    )  # fmt: skip
    assert problem.message.startswith("E84068 is also on line 1, with a different columns 2 (name), 12 (close_date)")
    assert "ELSEWHERE" not in problem.message  # a message never repeats free text from a cell
    assert out.frame["code"].tolist() == ["E84068", "E84024"]


def test_the_same_line_twice_is_read_once_with_a_warning():
    out = EpraccurReader().read(epraccur(practice(), practice("E84024"), practice()))
    assert [(p.line, p.code, p.severity) for p in out.problems] == [(3, "duplicate_line", "warning")]
    assert "The same line as line 1 (E84068)" in out.problems[0].message
    assert out.frame["code"].tolist() == ["E84068", "E84024"]


@pytest.mark.parametrize(
    "excerpt",
    ["epraccur_2019-12_excerpt.csv", "epraccur_2024_excerpt.csv", "epraccur_2026_excerpt.csv",
     "epraccur_harrow_excerpt.csv", "epraccur_2025_layout_harrow_excerpt.csv"],
)  # fmt: skip
def test_the_real_epraccur_excerpts_list_each_practice_once(excerpt):
    content = (REAL / excerpt).read_bytes()
    out = EpraccurReader().read(read_table(content, sniff(content)))
    assert not {p.code for p in out.problems} & {"duplicate_practice", "duplicate_line"}
    assert out.frame["code"].is_unique


def test_the_epcn_sheet_becomes_dated_memberships():
    reader = EpcnReader()
    table = make_table(
        EPCN,
        [
            ["E84068", "THE RIDGEWAY SURGERY", "W2U3Z", "U10001", "HEALTHSENSE PCN", "2019-07-01", ""],
            ["E84014", "BACON LANE SURGERY", "W2U3Z", "U10003", "HARROW EAST PCN", "01/07/2019", "31/03/2024"],
        ],
    )
    assert reader.matches(table)
    out = reader.read(table)
    assert out.kind == "memberships" and out.problems == []
    assert out.frame.drop(columns="__line__").values.tolist() == [
        ["E84068", "THE RIDGEWAY SURGERY", "U10001", "HEALTHSENSE PCN", "W2U3Z", "2019-07-01", ""],
        ["E84014", "BACON LANE SURGERY", "U10003", "HARROW EAST PCN", "W2U3Z", "2019-07-01", "2024-03-31"],
    ]


def test_epcn_codes_not_in_canonical_form_are_refused_never_re_cased():
    table = make_table(
        EPCN,
        [
            ["e84014", "BACON LANE SURGERY", "W2U3Z", "U10003", "HARROW EAST PCN", "01/07/2019", ""],
            ["E84068", "THE RIDGEWAY SURGERY", "W2U3Z", "u10001", "HEALTHSENSE PCN", "2019-07-01", ""],
            [" E84024", "X", "W2U3Z", "U10001", "HEALTHSENSE PCN", "2019-07-01", ""],
            ["E84038", "Y", "W2U3Z", "U10001", "HEALTHSENSE PCN", "2019-07-01", ""],
        ],
    )
    out = EpcnReader().read(table)
    assert [(p.line, p.column, p.code) for p in out.problems] == [
        (2, "Partner Organisation Code", "code_not_canonical"),
        (3, "PCN Code", "code_not_canonical"),
        (4, "Partner Organisation Code", "code_not_canonical"),
    ]
    assert "did you mean 'E84014'" in out.problems[0].message and "never re-cased" in out.problems[0].message
    assert out.frame["practice_code"].tolist() == ["E84038"]  # nothing re-cased into the frame


def test_epcn_problems_name_their_lines():
    table = make_table(
        EPCN,
        [
            ["NOT A CODE", "X", "", "U10001", "P", "20190701", ""],
            ["E84068", "X", "", "U10001", "P", "", ""],
            ["E84068", "X", "", "U10001", "P", "20190701", "20180101"],
            ["E84068", "X", "", "U10001", "P", "2019-02-30", ""],
        ],
    )
    out = EpcnReader().read(table)
    assert [(p.line, p.code) for p in out.problems] == [
        (2, "bad_code"),
        (3, "missing_value"),
        (4, "period_end_before_start"),
        (5, "bad_date"),
    ]
    assert out.frame.empty
    missing = EpcnReader().read(make_table(["Partner Organisation Code", "PCN Code"], [["E84068", "U1"]]))
    assert sorted(p.column for p in missing.problems) == [
        "pcn_name",
        "practice_to_pcn_relationship_start_date",
    ]
