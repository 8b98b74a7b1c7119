"""NHS numbers and dates of birth in the upload's name and in the names and comments of a ZIP's members."""

from __future__ import annotations

import io
import zipfile

import pytest

from outcomes.ingest.names import identifiers_in_names, identifying_name, masked

VALID = "9434765919"  # passes the Modulus 11 check


def zipped(members: dict[str, bytes], comments: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name)
            info.comment = (comments or {}).get(name, b"")
            archive.writestr(info, content)
    return out.getvalue()


@pytest.mark.parametrize(
    "name",
    [
        "943 476 5919.csv",
        "171 234 5605.csv",  # written 3-3-4, a number starting with 1 is still taken for one
        f"data_{VALID}.csv",
        f"{VALID}/data.csv",
        f"a/b/{VALID}_x/data.csv",
        "DOB 12-03-1956 smith.csv",
    ],
)
def test_a_name_holding_an_nhs_number_or_a_date_of_birth_at_any_level_is_identifying(name):
    assert identifying_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "epraccur.csv",
        "gp-reg-pat-prac-all.zip",
        "PREVALENCE_2223_final_2024.csv",
        "data_9434765918.csv",  # fails the check
        "births_2012-09-01_to_2013-08-31.csv",
        "qof_22-23_v2.csv",
        "harrow_export_1712345605.csv",  # a Unix time that passes the Modulus 11 check
        "cervical_2024031501.csv",  # a date and hour that does too
    ],
)
def test_ordinary_names_are_not(name):
    assert not identifying_name(name)


def test_member_names_and_comments_are_found_without_repeating_the_name():
    raw = zipped({f"{VALID}/data.csv": b"x\n1\n", "notes.txt": b"n"}, {"notes.txt": b"patient 943 476 5919"})
    found = identifiers_in_names("download.zip", raw)
    assert [p.column for p in found] == [
        "the name of file 1 in the ZIP archive",
        "the comment of 'notes.txt' in the ZIP archive",
    ]
    assert all(VALID not in p.column and VALID not in p.message for p in found)
    assert identifiers_in_names("download.zip", zipped({"data.csv": b"x\n1\n"}, {"data.csv": b"v2"})) == []


def test_the_upload_s_name_and_the_member_asked_for_are_checked_and_masked_for_the_record():
    assert [p.column for p in identifiers_in_names(f"{VALID}.csv", b"x\n1\n")] == ["the file's name"]
    assert [p.column for p in identifiers_in_names("a.zip", b"x", member=f"{VALID}.csv")] == [
        "the name of the file asked for"
    ]
    assert masked("943 476 5919.csv") == "\u2022\u2022\u2022 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022.csv"
