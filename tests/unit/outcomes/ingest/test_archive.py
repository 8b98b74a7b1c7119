"""outcomes.ingest.archive: which file of a ZIP download is read, and every hostile or damaged archive refused
with a reason (a FileRefused), never an exception. Built from the real epraccur excerpt (tests/data/real-files,
OGL v3.0), zipped as ODS publishes it."""

from __future__ import annotations

import random
import struct
import zipfile
from pathlib import Path

import pytest

from outcomes.ingest import archive
from outcomes.ingest.archive import ArchiveLimits, is_archive, unwrap
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table
from outcomes.problems import FileRefused
from tests.archives import zipped

REAL = Path(__file__).resolve().parents[4] / "tests" / "data" / "real-files"
EPRACCUR = (REAL / "epraccur_harrow_excerpt.csv").read_bytes()
WORKBOOK = (REAL / "ePCN_2023-02_excerpt.xlsx").read_bytes()


def refusal(content: bytes, **options) -> str:
    with pytest.raises(FileRefused) as refused:
        unwrap(content, **options)
    (problem,) = refused.value.problems
    assert problem.severity == "error" and problem.message
    return problem.code


def test_a_plain_file_and_a_workbook_are_not_archives():
    assert not is_archive(EPRACCUR) and not is_archive(WORKBOOK)
    assert unwrap(WORKBOOK).content is WORKBOOK and unwrap(WORKBOOK).member is None
    assert is_archive(zipped({"epraccur.csv": EPRACCUR}))


def test_the_one_data_file_is_read_whatever_else_the_archive_holds():
    opened = unwrap(
        zipped(
            {
                "GP practices/": b"",
                "GP practices/epraccur.csv": EPRACCUR,
                "__MACOSX/GP practices/._epraccur.csv": b"\x00\x05\x16\x07",
                "GP practices/.DS_Store": b"Bud1",
                "GP practices/readme.txt": b"about",
                "GP practices/ODS metadata.txt": b"fields",
                "GP practices/Release notes.txt": b"notes",
                "GP practices/field description.pdf": b"%PDF-1.4",
                "GP practices/guide.docx": b"PK\x03\x04",
            }
        )
    )
    assert (opened.member, opened.content, opened.warnings) == ("GP practices/epraccur.csv", EPRACCUR, ())


@pytest.mark.parametrize("name", ["data.txt", "extract.tsv", "ePCN.xlsx"])
def test_text_and_workbook_members_are_data(name):
    content = WORKBOOK if name.endswith("xlsx") else EPRACCUR
    assert unwrap(zipped({name: content, "README.txt": b"x"})).member == name


@pytest.mark.parametrize(
    ("wanted", "found"),
    [("b/epraccur.csv", "b/epraccur.csv"), ("notes.csv", "a/notes.csv"), ("NOTES.CSV", "a/notes.csv")],
)
def test_a_member_is_named_by_its_path_its_name_or_either_in_any_case(wanted, found):
    content = zipped({"a/notes.csv": b"x,y\n1,2\n", "b/epraccur.csv": EPRACCUR, "c/epraccur.csv": EPRACCUR})
    assert unwrap(content, member=wanted).member == found


def test_a_name_two_members_share_is_refused_as_ambiguous():
    content = zipped({"b/epraccur.csv": EPRACCUR, "c/epraccur.csv": EPRACCUR})
    assert refusal(content, member="epraccur.csv") == "zip_member_not_found"


@pytest.mark.parametrize(
    "name", ["../x.csv", "a/../../x.csv", "/x.csv", "\\x.csv", "C:/x.csv", "c:x.csv", "a\\..\\x.csv"]
)
def test_names_leading_out_of_the_archive_are_refused(name):
    assert refusal(zipped({"ok.csv": EPRACCUR, name: EPRACCUR})) == "zip_unsafe_path"


@pytest.mark.parametrize("name", ["inner.zip", "data.csv.gz", "bundle.7z", "x.tar"])
def test_archives_inside_are_refused(name):
    assert refusal(zipped({"ok.csv": EPRACCUR, name: b"\x1f\x8b"})) == "zip_nested"


def test_a_zip_under_a_data_files_name_is_refused():
    assert refusal(zipped({"epraccur.csv": zipped({"epraccur.csv": EPRACCUR})})) == "zip_nested"


def test_an_encrypted_member_is_refused():
    content = bytearray(zipped({"epraccur.csv": EPRACCUR}))
    content[content.rindex(b"PK\x01\x02") + 8] |= 0x01
    assert refusal(bytes(content)) == "zip_encrypted"


def test_a_member_over_the_size_cap_is_refused_from_its_header_before_it_is_unpacked(monkeypatch):
    content = zipped({"epraccur.csv": EPRACCUR})
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a))
    assert refusal(content, limits=ArchiveLimits(bytes=1000)) == "zip_too_large"
    assert opened == []


def test_a_bomb_is_refused_by_its_ratio_before_it_is_unpacked(monkeypatch):
    bomb = zipped({"data.csv": bytes(32 * 1024 * 1024)})
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: opened.append(a))
    assert refusal(bomb) == "zip_suspicious"
    assert opened == []
    monkeypatch.undo()
    assert unwrap(bomb, limits=ArchiveLimits(bytes=None, ratio=None)).member == "data.csv"  # the limits decide


def test_a_header_that_understates_the_size_never_yields_more_than_it_says():
    """A bomb whose directory claims a small size: the member is read only up to what it claims, and then its
    checksum fails, so the true size is never unpacked."""
    content = bytearray(zipped({"data.csv": b"a,b\n" + bytes(20 * 1024 * 1024)}))
    central = content.rindex(b"PK\x01\x02")
    content[central + 24 : central + 28] = struct.pack("<I", 1000)  # uncompressed size in the central directory
    assert refusal(bytes(content), limits=ArchiveLimits(bytes=10_000, ratio=None)) == "bad_zip"


def test_the_streamed_size_is_counted_against_the_cap(monkeypatch):
    """The cap is also checked on the bytes actually produced (should a header lie and zipfile trust it)."""
    monkeypatch.setattr(archive, "_CHUNK", 1024)
    checked = []
    real = archive._check_size
    monkeypatch.setattr(
        archive, "_check_size", lambda info, size, limits: checked.append(size) or real(info, size, limits)
    )
    unwrap(zipped({"epraccur.csv": EPRACCUR}))
    assert checked[0] == len(EPRACCUR) and checked[1:] == [*range(1024, len(EPRACCUR), 1024), len(EPRACCUR)]


def test_several_data_files_and_none_readable_are_refused():
    assert refusal(zipped({"a.csv": b"x,y\n1,2\n", "b.csv": b"p,q\n3,4\n"})) == "zip_several_files"


def test_only_notes_is_refused_saying_what_is_there():
    assert refusal(zipped({"README.txt": b"x", "field description.pdf": b"%PDF"})) == "zip_no_data"
    assert refusal(zipped({})) == "zip_empty"


def test_a_member_named_for_a_plain_file_is_ignored_with_a_warning():
    opened = unwrap(EPRACCUR, member="epraccur.csv")
    assert opened.content is EPRACCUR and [w.code for w in opened.warnings] == ["member_ignored"]


def test_damaged_archives_and_their_mutations_are_refused_never_raised():
    """Random damage to a real zipped file: every outcome is a table or a FileRefused."""
    good = zipped({"epraccur.csv": EPRACCUR[:3000], "readme.txt": b"notes"})
    rng = random.Random(12)
    cases = [good[:n] for n in (4, 22, 30, len(good) // 2, len(good) - 1)]
    for _ in range(150):
        damaged = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        cases.append(bytes(damaged))
    for content in cases:
        try:
            opened = unwrap(content, limits=ArchiveLimits())
            read_table(opened.content, sniff(opened.content))
        except FileRefused as refused:
            assert refused.problems and refused.problems[0].message


def test_a_directory_claiming_more_packed_bytes_than_the_archive_holds_is_refused():
    content = bytearray(zipped({"epraccur.csv": EPRACCUR}))
    central = content.rindex(b"PK\x01\x02")
    content[central + 20 : central + 24] = struct.pack("<I", 10**9)  # compressed size
    assert refusal(bytes(content)) == "bad_zip"


@pytest.mark.parametrize("member", [None, "epraccur.csv"], ids=["auto", "named"])
def test_two_data_files_under_one_name_are_refused_saying_why(member):
    import io
    import warnings

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipping, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it is asked to write
        zipping.writestr("epraccur.csv", EPRACCUR)
        zipping.writestr("epraccur.csv", EPRACCUR[:200])
    with pytest.raises(FileRefused) as refused:
        unwrap(out.getvalue(), member=member)
    (problem,) = refused.value.problems
    assert problem.code == "zip_repeated_name"
    assert "'epraccur.csv' (2 times)" in problem.message and "unzipping keeps only the last" in problem.message
