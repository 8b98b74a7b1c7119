"""ZIP downloads load as they come: the real published files (tests/data/real-files, OGL v3.0), wrapped the way
NHS Digital and ODS publish them (``epraccur.zip`` holding ``epraccur.csv``, ``gp-reg-pat-prac-all.zip``, a QOF
zip of CSVs), give exactly what the plain file gives; every check applies to the file inside; hostile or damaged
archives are refused with a reason, never a traceback."""

from __future__ import annotations

import io
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Area, Extract, Observation, PracticeMembership
from outcomes.tasks import scan_drop_folder
from tests.archives import zipped

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
REAL = Path(__file__).resolve().parents[4] / "tests" / "data" / "real-files"
EPRACCUR = REAL / "epraccur_harrow_excerpt.csv"
REGISTRATIONS = REAL / "gp_registrations_2021-01_excerpt.csv"
PREVALENCE = REAL / "qof_prevalence_2021_excerpt.csv"
GEOGRAPHY = REAL / "qof_mapping_2021_excerpt.csv"
EPCN = REAL / "ePCN_2023-02_excerpt.xlsx"
FINGERTIPS = REAL / "fingertips_93553_harrow_excerpt.csv"
#: Codes of the problems only a ZIP gives (which member was read); everything else must be the plain file's.
ZIP_ONLY = {"zip_member_read"}


def run(name: str, content: bytes, *, dry_run: bool = False, member: str = "", format: str = "auto") -> Extract:
    extract = actions.receive_extract(
        file_name=name,
        content=content,
        format=format,
        source=Extract.Source.UPLOAD,
        dry_run=dry_run,
        member=member,
    )
    return pipeline.run_extract(extract.pk).extract


def outcome(extract: Extract) -> tuple:
    """What an analyst is told: status, format, counts, and every problem (those only a ZIP gives left out)."""
    problems = [p for p in extract.errors + extract.warnings if p["code"] not in ZIP_ONLY]
    counts = (extract.rows_read, extract.rows_inserted, extract.rows_superseded, extract.rows_unchanged)
    return extract.status, extract.format, counts, problems


# ------------------------------------------------------------------------------- the published files, zipped


@pytest.mark.parametrize(
    ("path", "zip_name", "member"),
    [
        (EPRACCUR, "epraccur.zip", "epraccur.csv"),  # ODS: headerless CSV, as in epraccur.zip
        (REGISTRATIONS, "gp-reg-pat-prac-all.zip", "gp-reg-pat-prac-all.csv"),  # NHS Digital, recent months
        (PREVALENCE, "QOF_2021.zip", "PREVALENCE_2021.csv"),  # QOF year read from the member's name
        (GEOGRAPHY, "QOF_2021_mapping.zip", "MAPPING_NHS_GEOGRAPHIES_2021.csv"),
        (EPCN, "ePCN.zip", "ePCN.xlsx"),  # a workbook inside a ZIP: the Core Partner sheet found as usual
        (FINGERTIPS, "indicator-data.zip", "indicator-data.csv"),  # refused as nothing loaded, the same way
    ],
    ids=["epraccur", "gp-registrations", "qof-prevalence", "nhs-geography", "epcn-workbook", "fingertips"],
)
def test_a_zip_download_gives_what_its_file_gives(path, zip_name, member):
    content = path.read_bytes()
    plain = run(member, content, dry_run=True)
    wrapped = run(zip_name, zipped({member: content}), dry_run=True)
    assert plain.format not in ("", "auto"), plain.errors
    assert outcome(wrapped) == outcome(plain)
    assert wrapped.member == member and wrapped.shown_name == f"{zip_name} \u203a {member}"
    assert wrapped.stored_file  # organisation data: the archive is kept like any file


def test_real_epraccur_zip_loads_the_same_rows_as_the_csv():
    """A real load (not a dry run) of the ZIP changes the practices and memberships exactly as the CSV does."""
    content = EPRACCUR.read_bytes()
    expected = run("epraccur.csv", content, dry_run=True)
    extract = run("epraccur.zip", zipped({"epraccur.csv": content, "readme.txt": b"ODS GP practices"}))
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.errors == [] and [w["code"] for w in extract.warnings] == ["untracked_area"]
    assert outcome(extract)[1:] == outcome(expected)[1:]
    assert (extract.rows_inserted, extract.rows_superseded, extract.rows_unchanged) == (0, 1, 27)
    closed = PracticeMembership.objects.get(practice__code="E84713")
    assert closed.end is not None
    again = run("epraccur.zip", zipped({"epraccur.csv": content}))
    assert again.rows_unchanged == 28  # the same file again changes nothing


def test_real_registrations_zip_loads_the_list_sizes():
    content = REGISTRATIONS.read_bytes()
    extract = run("gp-reg-pat-prac-all.zip", zipped({"gp-reg-pat-prac-all.csv": content}))
    assert extract.status == Extract.Status.LOADED, extract.errors
    loaded = Observation.objects.filter(extract=extract, indicator__code="REF_REGISTERED_PATIENTS")
    assert loaded.filter(area__code="E84068", breakdown="all").get().value == 15808
    assert loaded.count() == extract.rows_inserted == 29 + 5 + 1


def test_folders_mac_metadata_and_notes_are_ignored():
    content = EPRACCUR.read_bytes()
    archive = zipped(
        {
            "epraccur/": b"",
            "epraccur/epraccur.csv": content,
            "__MACOSX/epraccur/._epraccur.csv": b"\x00\x05\x16\x07",
            "epraccur/.DS_Store": b"\x00\x00\x00\x01Bud1",
            "epraccur/README.txt": b"GP practices, headerless; see the ODS field description.",
            "epraccur/Metadata.txt": b"Column 1: Organisation Code",
            "epraccur/epraccur field description.pdf": b"%PDF-1.4",
            "epraccur/notes.docx": b"PK\x03\x04",
        }
    )
    extract = run("epraccur.zip", archive, dry_run=True)
    assert extract.status == Extract.Status.VALID, extract.errors
    assert extract.member == "epraccur/epraccur.csv" and extract.format == "epraccur"


# ----------------------------------------------------------------------------------- several data files


#: The head of QOF's indicator lookup (its published columns): the generic template's reader takes it for one of
#: ours (it has an INDICATOR_CODE column), which must not make it the data file over a format-specific match.
INDICATORS = (
    b"INDICATOR_CODE,INDICATOR_DESCRIPTION,INDICATOR_POINT_VALUE,GROUP_CODE,GROUP_DESCRIPTION,DOMAIN_CODE\n"
    b"DM017,The contractor establishes and maintains a register of all patients aged 17 or over with diabetes,"
    b"6,DM,Diabetes mellitus,CL\n"
)


def qof_zip() -> bytes:
    """A QOF year's raw-data zip: prevalence and the geography lookup (both formats we read), an indicator
    mapping we do not read, and the notes."""
    return zipped(
        {
            "PREVALENCE_2021.csv": PREVALENCE.read_bytes(),
            "MAPPING_NHS_GEOGRAPHIES_2021.csv": GEOGRAPHY.read_bytes(),
            "MAPPING_INDICATORS_2021.csv": INDICATORS,
            "QOF 2020-21 Read me.txt": b"Quality and Outcomes Framework 2020-21 raw data.",
        }
    )


def test_several_readable_files_are_refused_listing_them_and_saying_how_to_choose():
    before = Observation.objects.count()
    extract = run("QOF_2021.zip", qof_zip())
    assert extract.status == Extract.Status.REFUSED
    assert [e["code"] for e in extract.errors] == ["zip_several_files"]
    message = extract.errors[0]["message"]
    for name in ("PREVALENCE_2021.csv", "MAPPING_NHS_GEOGRAPHIES_2021.csv", "MAPPING_INDICATORS_2021.csv"):
        assert f"'{name}'" in message
    assert "QOF practice prevalence" in message and "NHS geography lookup" in message
    assert "--member NAME" in message and "File inside a ZIP" in message
    assert "Read me" not in message  # the notes are not data
    # The count agrees with the labels: QOF's indicator lookup is named as no format (it had been labelled the
    # generic template yet left out of the count: "2 are a format we read" beside four labels).
    assert "holds 3 data files and 2 are a format we read" in message
    assert "'MAPPING_INDICATORS_2021.csv' (no format recognised)" in message
    assert Observation.objects.count() == before


def test_a_zip_with_no_readable_file_is_refused_saying_so():
    archive = zipped({"a.csv": b"Field,Meaning\nCODE,ODS code\n", "b.csv": b"x,y\n1,2\n"})
    extract = run("notes.zip", archive)
    assert [e["code"] for e in extract.errors] == ["zip_several_files"]
    assert "none is a format we read" in extract.errors[0]["message"]
    assert "'a.csv' (no format recognised)" in extract.errors[0]["message"]


def test_a_zip_of_notes_only_is_refused_saying_what_it_holds():
    extract = run("docs.zip", zipped({"README.txt": b"notes", "guide.pdf": b"%PDF-1.4"}))
    assert [e["code"] for e in extract.errors] == ["zip_no_data"]
    assert "'README.txt', 'guide.pdf'" in extract.errors[0]["message"]


def test_the_member_named_is_read_and_gives_what_the_plain_file_gives():
    plain = run("PREVALENCE_2021.csv", PREVALENCE.read_bytes(), dry_run=True)
    extract = run("QOF_2021.zip", qof_zip(), dry_run=True, member="prevalence_2021.csv")  # any case
    assert extract.member == "PREVALENCE_2021.csv" and extract.format == "qof_prevalence"
    assert outcome(extract) == outcome(plain)


def test_the_format_named_picks_the_one_member_it_reads_and_says_so():
    extract = run("QOF_2021.zip", qof_zip(), dry_run=True, format="nhs_geography")
    assert extract.status == Extract.Status.VALID, extract.errors
    assert extract.member == "MAPPING_NHS_GEOGRAPHIES_2021.csv"
    read = [w for w in extract.warnings if w["code"] == "zip_member_read"]
    assert len(read) == 1 and "not read: 'PREVALENCE_2021.csv'" in read[0]["message"]


def test_one_readable_file_among_several_is_read():
    archive = zipped(
        {
            "gp-reg-pat-prac-all.csv": REGISTRATIONS.read_bytes(),
            "gp-reg-pat-prac-map-notes.csv": b"Field,Meaning\nCODE,The practice's ODS code\n",
            "MAPPING_INDICATORS_2021.csv": INDICATORS,  # the generic template's columns, nearly: not preferred
        }
    )
    extract = run("gp-reg-pat-prac-all.zip", archive, dry_run=True)
    assert extract.status == Extract.Status.VALID, extract.errors
    assert extract.member == "gp-reg-pat-prac-all.csv" and extract.format == "gp_registrations"
    assert [w["code"] for w in extract.warnings if w["code"] in ZIP_ONLY] == ["zip_member_read"]


def test_a_member_that_is_not_there_is_refused_listing_those_that_are():
    extract = run("QOF_2021.zip", qof_zip(), member="ACHIEVEMENT_2021.csv")
    assert [e["code"] for e in extract.errors] == ["zip_member_not_found"]
    assert "'PREVALENCE_2021.csv'" in extract.errors[0]["message"]


def test_a_member_named_for_a_plain_file_is_ignored_with_a_warning():
    extract = run("epraccur.csv", EPRACCUR.read_bytes(), dry_run=True, member="epraccur.csv")
    assert extract.status == Extract.Status.VALID
    assert [w["code"] for w in extract.warnings] == ["member_ignored", "untracked_area"]


# ------------------------------------------------------------------------------ every check on the member


def test_a_patient_identifiable_member_is_refused_and_the_archive_deleted():
    rows = "practice_code,patient name,date of birth,nhs_number\nE84068,A B,1961-01-01,9434765919\n"
    extract = run("list.zip", zipped({"readme.txt": b"notes", "list.csv": rows.encode()}), dry_run=True)
    assert extract.status == Extract.Status.REFUSED
    codes = {e["code"] for e in extract.errors}
    assert "patient_identifiable" in codes and "file_deleted" in codes
    assert extract.stored_file == "" and extract.file_deleted_at is not None
    assert not list((Path(settings.MEDIA_ROOT) / "extracts" / str(extract.pk)).glob("*"))
    assert all("9434765919" not in e["message"] and "1961" not in e["message"] for e in extract.errors)


@pytest.mark.parametrize("member", ["data_9434765919.csv", "943 476 5919/data.csv", "a/9434765919_2024/data.csv"])
def test_an_nhs_number_in_a_member_s_name_refuses_and_deletes_and_is_not_kept_or_shown(member):
    rows = b"indicator_code,org_code,period_start,period_end,numerator,denominator\n"
    extract = run("download.zip", zipped({member: rows}), dry_run=True)
    assert extract.status == Extract.Status.REFUSED
    assert {e["code"] for e in extract.errors} == {"patient_identifiable", "file_deleted"}
    assert extract.stored_file == "" and extract.file_deleted_at is not None
    extract.refresh_from_db()
    shown = f"{extract.shown_name} {extract.errors} {extract.warnings}"
    assert "9434765919" not in shown.replace(" ", "") and "5919" not in shown


def test_an_nhs_number_in_the_upload_s_name_or_a_member_s_comment_refuses_and_deletes():
    rows = (
        b"indicator_code,org_code,period_start,period_end,numerator,denominator\nX,E84068,2024-01-01,2024-03-31,1,2\n"
    )
    extract = run("943 476 5919.csv", rows, dry_run=True)
    assert [e["column"] for e in extract.errors] == ["the file's name", None]
    extract.refresh_from_db()
    assert extract.file_name == "\u2022\u2022\u2022 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022.csv"
    assert extract.stored_file == "" and extract.file_deleted_at is not None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as made:
        info = zipfile.ZipInfo("data.csv")
        info.comment = b"patient 943 476 5919"
        made.writestr(info, rows)
    extract = run("download.zip", out.getvalue(), dry_run=True)
    assert [e["column"] for e in extract.errors] == ["the comment of 'data.csv' in the ZIP archive", None]
    assert extract.file_deleted_at is not None


def test_a_bad_row_in_a_member_is_refused_with_its_line_and_column():
    header = "indicator_code,org_code,period_start,period_end,numerator,denominator,value\n"
    good = "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,600,1000,60.0\n"
    bad = "OUT3_CARE_EXPERIENCE,E09000015,2020-04-01,2021-03-31,abc,1000,60.0\n"
    before = Observation.objects.count()
    extract = run("survey.zip", zipped({"survey.csv": (header + good + bad).encode()}))
    assert extract.status == Extract.Status.REFUSED
    assert [(e["line"], e["column"], e["code"]) for e in extract.errors] == [(3, "numerator", "not_a_number")]
    assert Observation.objects.count() == before  # all or nothing: the good row was not loaded either


def test_the_upload_row_limit_applies_to_the_member(settings):
    settings.INGEST_MAX_UPLOAD_ROWS = 5
    extract = run("epraccur.zip", zipped({"epraccur.csv": EPRACCUR.read_bytes()}))
    assert [e["code"] for e in extract.errors] == ["too_many_rows"]


# ------------------------------------------------------------------------------------------ hostile archives


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    bomb = zipped({"data.csv": b"indicator_code," + b"0" * (64 * 1024 * 1024)})  # 64 MB packed in ~64 KB
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, *a, **k: opened.append(a) or real_open(self, *a, **k))
    extract = run("bomb.zip", bomb)
    assert [e["code"] for e in extract.errors] == ["zip_suspicious"]
    assert "ZIP bomb" in extract.errors[0]["message"]
    assert opened == []  # refused from the archive's directory: not a byte was decompressed


def test_a_member_over_the_unzipped_size_limit_is_refused(settings):
    settings.INGEST_MAX_UNZIPPED_BYTES = 1000
    extract = run("epraccur.zip", zipped({"epraccur.csv": EPRACCUR.read_bytes()}))
    assert [e["code"] for e in extract.errors] == ["zip_too_large"]
    assert "INGEST_MAX_UNZIPPED_BYTES" in extract.errors[0]["message"]


@pytest.mark.parametrize(
    "name", ["../epraccur.csv", "data/../../epraccur.csv", "/etc/epraccur.csv", "C:/epraccur.csv", "..\\x.csv"]
)
def test_member_names_leading_out_of_the_archive_are_refused(name):
    extract = run("epraccur.zip", zipped({name: EPRACCUR.read_bytes()}))
    assert [e["code"] for e in extract.errors] == ["zip_unsafe_path"]


def test_a_zip_inside_a_zip_is_refused():
    inner = zipped({"epraccur.csv": EPRACCUR.read_bytes()})
    assert [e["code"] for e in run("outer.zip", zipped({"epraccur.zip": inner})).errors] == ["zip_nested"]
    # the same, hidden under a data file's name
    assert [e["code"] for e in run("outer.zip", zipped({"epraccur.csv": inner})).errors] == ["zip_nested"]


def test_an_encrypted_member_is_refused():
    archive = bytearray(zipped({"epraccur.csv": EPRACCUR.read_bytes()}))
    central = archive.rindex(b"PK\x01\x02")
    archive[central + 8] |= 0x01  # the central directory's "encrypted" flag, as a password-protected ZIP sets it
    archive[6] |= 0x01  # and the local header's
    extract = run("epraccur.zip", bytes(archive))
    assert [e["code"] for e in extract.errors] == ["zip_encrypted"]


@pytest.mark.parametrize("damage", ["truncated", "corrupt-data", "bad-crc", "empty"])
def test_a_damaged_zip_is_refused_with_a_reason(damage):
    good = zipped({"epraccur.csv": EPRACCUR.read_bytes()})
    if damage == "truncated":
        content = good[: len(good) // 2]
    elif damage == "corrupt-data":
        content = bytearray(good)
        content[60:400] = bytes(340)  # the deflated rows
        content = bytes(content)
    elif damage == "bad-crc":
        content = zipped({"epraccur.csv": EPRACCUR.read_bytes()}, zipfile.ZIP_STORED)
        content = content.replace(b"E84068", b"E84069", 1)  # the stored bytes no longer match their CRC
    else:
        content = zipped({})
    before = Observation.objects.count(), Area.objects.count()
    extract = run("epraccur.zip", content)
    assert extract.status == Extract.Status.REFUSED
    assert extract.errors and extract.errors[0]["message"]
    codes = {e["code"] for e in extract.errors}
    assert codes & {"bad_zip", "not_a_table", "zip_empty"}, codes
    assert (Observation.objects.count(), Area.objects.count()) == before


# --------------------------------------------------------------------------------------------- the command


def test_the_command_loads_a_zip_and_names_the_file_read(tmp_path):
    path = tmp_path / "epraccur.zip"
    path.write_bytes(zipped({"epraccur.csv": EPRACCUR.read_bytes()}))
    out = StringIO()
    call_command("ingest", str(path), "--dry-run", stdout=out, stderr=StringIO())
    assert "Valid (dry run, no data changed) epraccur.zip \u203a epraccur.csv as epraccur:" in out.getvalue()


def test_the_command_takes_the_member_to_read(tmp_path):
    path = tmp_path / "QOF_2021.zip"
    path.write_bytes(qof_zip())
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest", str(path), "--dry-run", stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1 and "[zip_several_files]" in err.getvalue()
    out = StringIO()
    call_command("ingest", str(path), "--dry-run", "--member", "PREVALENCE_2021.csv", stdout=out, stderr=StringIO())
    assert "QOF_2021.zip \u203a PREVALENCE_2021.csv as qof_prevalence:" in out.getvalue()


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04" + bytes(100), b"PK\x05\x06" + bytes(18), b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\xff" * 40],
    ids=["zeros", "empty-directory", "garbage"],
)
def test_the_command_never_crashes_on_a_broken_zip(tmp_path, content):
    path = tmp_path / "broken.zip"
    path.write_bytes(content)
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest", str(path), stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1
    assert "Refused broken.zip" in err.getvalue() and "Traceback" not in err.getvalue()
    assert Extract.objects.latest("pk").status == Extract.Status.REFUSED


# ------------------------------------------------------------------------------------------- the drop folder


@pytest.mark.usefixtures("eager_celery")
def test_zips_dropped_in_the_folder_load_and_a_patient_data_zip_leaves_no_copy(settings, tmp_path):
    settings.INGEST_DROP_FOLDER = tmp_path / "drop"
    settings.MEDIA_ROOT = tmp_path / "media"
    incoming = tmp_path / "drop" / "incoming"
    incoming.mkdir(parents=True)
    (incoming / "epraccur.zip").write_bytes(zipped({"epraccur.csv": EPRACCUR.read_bytes()}))
    rows = b"practice_code,patient name,date of birth\nE84068,A B,1961-01-01\n"
    (incoming / "clinic.zip").write_bytes(zipped({"clinic_list.csv": rows}))

    assert scan_drop_folder() == 2

    loaded = Extract.objects.get(file_name="epraccur.zip")
    assert (loaded.source, loaded.status, loaded.member) == ("drop_folder", "loaded", "epraccur.csv")
    refused = Extract.objects.get(file_name="clinic.zip")
    assert {"patient_identifiable", "file_deleted"} <= {e["code"] for e in refused.errors}
    assert refused.stored_file == ""
    assert [p.name.split("-", 1)[1] for p in (tmp_path / "drop" / "taken").iterdir()] == ["epraccur.zip"]
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file() and p.name.startswith("clinic")]


def test_a_member_with_a_very_long_name_is_read_and_recorded_clipped():
    name = "d" * 300 + "/epraccur.csv"
    extract = run("epraccur.zip", zipped({name: EPRACCUR.read_bytes()}), dry_run=True)
    assert extract.status == Extract.Status.VALID, extract.errors
    assert extract.member == name[:255]
    with pytest.raises(CommandError, match="at most 255 characters"):
        call_command("ingest", str(EPRACCUR), "--member", "x" * 300)


def test_a_qof_lookup_on_its_own_is_refused_naming_it_and_the_files_to_load():
    """It has an INDICATOR_CODE column, so it was read as the generic template: "org_code is missing"."""
    extract = run("MAPPING_INDICATORS_2021.csv", INDICATORS)
    assert extract.status == Extract.Status.REFUSED
    assert [e["code"] for e in extract.errors] == ["not_a_data_file"]
    assert "QOF's indicator lookup" in extract.errors[0]["message"]
    assert "PREVALENCE_YYZZ.csv" in extract.errors[0]["message"]
