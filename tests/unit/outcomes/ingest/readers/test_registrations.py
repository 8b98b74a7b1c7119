"""The GP registrations reader's safeguards on small in-test tables: the practice-postcode exemption, the
extract date, and ages that must add up (the rest is in test_national_files.py)."""

from __future__ import annotations

from pathlib import Path

from outcomes.ingest.pii import find_identifiers
from outcomes.ingest.readers.registrations import RegistrationsReader
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table

from .tables import make_table

OURS = {"E84068", "E84024"}
LONG = ["PUBLICATION", "EXTRACT_DATE", "TYPE", "SUB_ICB_LOCATION_CODE", "ONS_SUB_ICB_LOCATION_CODE", "CODE",
        "POSTCODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"]  # fmt: skip
REAL = Path(__file__).resolve().parents[5] / "tests" / "data" / "real-files"


def reg(code: str, sex: str, age: str, count: str, postcode: str = "HA2 7DU", date: str = "2026-04-01") -> list[str]:
    return ["GP_PRAC_PAT_LIST", date, "GP", "W2U3Z", "E38000256", code, postcode, sex, age, count]


def screen(table) -> list:
    reader = RegistrationsReader()
    return find_identifiers(table, reader.pii_exempt_columns(table), reader.pii_exempt_headers(table))


# ------------------------------------------------------------------------------------------------ postcode


def test_one_postcode_per_practice_is_the_practices_own_and_exempt():
    table = make_table(
        LONG,
        [reg("E84068", "MALE", "ALL", "10"), reg("E84068", "MALE", "0", "10"),
         reg("E84024", "MALE", "ALL", "5", postcode="HA5 3EE"), reg("E84024", "MALE", "0", "5", postcode="HA5 3EE")],
    )  # fmt: skip
    assert RegistrationsReader().pii_exempt_columns(table) == {"POSTCODE"}
    assert screen(table) == []


def test_a_practice_with_several_postcodes_exempts_nothing_and_is_refused_as_patient_data():
    """One row per person (count 1), each with a home postcode: the column is not a practice's address."""
    postcodes = ["HA1 1AA", "HA2 0DL", "HA3 5RT", "HA5 4PU"]
    table = make_table(
        LONG,
        [reg("E84024", "MALE", "ALL", "7", postcode="HA5 3EE")]
        + [reg("E84068", "MALE", str(20 + i), "1", postcode=p) for i, p in enumerate(postcodes)],
    )
    reader = RegistrationsReader()
    assert reader.pii_exempt_columns(table) == frozenset() and reader.pii_exempt_headers(table) == frozenset()
    findings = screen(table)
    assert {(p.line, p.column) for p in findings if p.line != 1} >= {(3, "POSTCODE"), (6, "POSTCODE")}
    assert all(p.code == "patient_identifiable" for p in findings)


def test_the_real_registrations_excerpts_keep_their_exemption():
    for name in ("gp_registrations_2021-01_excerpt.csv", "gp_registrations_2026-04_excerpt.csv"):
        content = (REAL / name).read_bytes()
        table = read_table(content, sniff(content))
        assert RegistrationsReader().pii_exempt_columns(table) == {"POSTCODE"}, name
        assert screen(table) == [], name
