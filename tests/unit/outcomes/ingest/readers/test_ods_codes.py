"""epraccur practice codes of the four nations and the Crown dependencies: read, skipped with a count, or refused
with a true message; and the ODS status words."""

from __future__ import annotations

import pytest

from outcomes.ingest.readers.ods import EpraccurReader

from .tables import make_table


def epraccur_row(code: str, status: str = "A", close: str = "") -> list[str]:
    cells = [""] * 27
    cells[0], cells[1], cells[10], cells[11], cells[12] = code, f"PRACTICE {code}", "19740401", close, status
    return cells


def read(*rows: list[str]):
    header, *body = rows
    table = make_table([f"c{i}" for i in range(27)], body)
    table.header = header  # epraccur has no header row: line 1 is data
    return EpraccurReader().read(table)


def test_channel_islands_and_scottish_codes_are_skipped_with_one_counted_warning():
    output = read(*(epraccur_row(c) for c in ("E84068", "ALD200", "GUE700", "JER001", "10002", "W00001", "Z00001")))
    assert [(p.code, p.severity) for p in output.problems] == [("outside_england", "warning")]
    assert output.problems[0].message.startswith("4 practices outside England (e.g. 10002, ALD200, GUE700")
    assert list(output.frame["code"]) == ["E84068", "W00001", "Z00001"]  # Welsh and NI codes: read, not ours


def test_a_file_starting_with_a_channel_islands_practice_is_still_epraccur():
    table = make_table([f"c{i}" for i in range(27)], [epraccur_row("E84068")])
    table.header = epraccur_row("ALD200")
    assert EpraccurReader().matches(table)


@pytest.mark.parametrize("code", ["e84068", "E84 068", "e84 068"])
def test_a_practice_code_mistyped_is_refused_with_a_message_that_says_what_a_code_is(code):
    output = read(epraccur_row("E84068"), epraccur_row(code))
    assert [(p.line, p.code) for p in output.problems] == [(2, "bad_code")]
    message = output.problems[0].message
    assert "capital letter and five digits" in message and "ALD, GUE or JER" in message and "upper case" in message
    assert f"'{code}'" not in message  # the cell is not repeated


def test_rows_of_other_kinds_of_organisation_are_skipped_with_one_counted_warning():
    """The national file of 2026 (ODS Data Search and Export) lists a hospital ward as a prescribing cost centre
    (K0E995, INACTIVE): one row must not refuse the whole file. Codes of any other shape are not practices either."""
    codes = ("K0E995", "E8406", "E840688", "ALD20", "RXG01", "a ward, not a code")
    output = read(epraccur_row("E84068"), *(epraccur_row(code, "INACTIVE", "20260131") for code in codes))
    assert [(p.code, p.severity, p.line) for p in output.problems] == [("not_a_practice", "warning", None)]
    message = output.problems[0].message
    assert message.startswith("6 rows whose code is not a GP practice code (e.g. ALD20, E8406, E840688) were skipped")
    assert "a ward" not in message  # free text is never repeated
    assert list(output.frame["code"]) == ["E84068"]
    one = read(epraccur_row("E84068"), epraccur_row("K0E995", "INACTIVE", "20260131"))
    assert one.problems[0].message.startswith("1 row whose code is not a GP practice code (e.g. K0E995) was skipped")


@pytest.mark.parametrize(
    ("status", "close", "recorded"),
    [("A", "", "active"), ("D", "", "dormant"), ("P", "", "proposed"), ("C", "20231231", "closed"),
     ("DORMANT", "", "dormant"), ("INACTIVE", "20250731", "closed")],
)  # fmt: skip
def test_every_ods_status_is_recorded_and_dormant_is_not_active(status, close, recorded):
    output = read(epraccur_row("E84068", status, close))
    assert output.problems == []
    assert output.frame.loc[0, "status"] == recorded


def test_a_file_of_another_shape_named_as_epraccur_is_refused_once():
    table = make_table(["indicator_code", "org_code"], [["X", "E84068"]])
    output = EpraccurReader().read(table)
    assert [(p.line, p.code) for p in output.problems] == [(1, "wrong_format")] and output.frame.empty
