"""Real published NHS files (small excerpts, Open Government Licence) through the real pipeline.

Provenance of every excerpt (repository, path, commit): tests/data/real-files/SOURCES.md. The rows are copied
verbatim from public GitHub copies of the published files; they hold organisations only, nothing about patients.
No real ePCN membership file or GP Patient Survey practice file was found, so neither has a test here.
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.ingest.readers import detect_reader
from outcomes.ingest.readers.fingertips import Tracked, convert
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table
from outcomes.models import Area, Extract, Indicator, Observation, PracticeMembership

pytestmark = pytest.mark.django_db
REAL = Path(__file__).resolve().parents[4] / "tests" / "data" / "real-files"
EPRACCUR = REAL / "epraccur_harrow_excerpt.csv"  # classic layout (A/C status, QRV, setting 4)
EPRACCUR_2025 = REAL / "epraccur_2025_layout_harrow_excerpt.csv"  # ODS DSE layout seen in a 2025 copy
FINGERTIPS = REAL / "fingertips_93553_harrow_excerpt.csv"
OURS_IN_EPRACCUR = 28  # all 29 Harrow practices except Y05080 (its row is not in the excerpt)


def run(path: Path) -> Extract:
    extract = actions.receive_extract(
        file_name=path.name, content=path.read_bytes(), format="auto", source=Extract.Source.UPLOAD
    )
    return pipeline.run_extract(extract.pk).extract


def state():
    areas = sorted(Area.objects.values_list("code", "name", "level", "parent__code"))
    memberships = sorted(PracticeMembership.objects.values_list("practice__code", "pcn__code", "start", "end"))
    return areas, memberships


# ------------------------------------------------------------------------------------------------ epraccur


def test_real_epraccur_loads_and_records_the_enterprise_practice_closure():
    extract = run(EPRACCUR)
    assert extract.format == "epraccur"
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.errors == []
    # The excerpt's two other practices (Brent's E84002; E84062, not in the plan's list): counted, not read.
    assert [(w["code"], w["message"][:51]) for w in extract.warnings] == [
        ("untracked_area", "2 practices that are not ours (e.g. E84002, E84062)")
    ]
    # 30 rows: our 28 practices, Brent's E84002 and Harrow's E84062 (not in the plan's list), both left alone.
    assert extract.rows_read == 30
    assert (extract.rows_inserted, extract.rows_superseded, extract.rows_unchanged) == (0, 1, OURS_IN_EPRACCUR - 1)
    assert set(Area.objects.filter(level="practice", code__startswith="E84").values_list("ods_status", flat=True)) >= {
        "active",
        "closed",
    }
    # E84713 closed 31 December 2023 (ODS date inclusive, our end exclusive).
    closed = PracticeMembership.objects.get(practice__code="E84713")
    assert (closed.pcn.code, closed.start, closed.end) == ("U60450", dt.date(2019, 10, 1), dt.date(2024, 1, 1))
    # ODS abbreviates 'CTR.': a name that differs only by ODS's abbreviations is the same name, and ours is kept.
    assert Area.objects.get(code="E84061").name == "Elliott Hall Medical Centre"
    # 'KENTON BRIDGE MEDICAL CENTRE DR GOLDEN' is the same name as ours once punctuation is ignored.
    assert Area.objects.get(code="E84601").name == "Kenton Bridge Medical Centre (Dr Golden)"
    assert not Area.objects.filter(code__in=["E84002", "E84062"]).exists()
    assert run(EPRACCUR).rows_unchanged == OURS_IN_EPRACCUR  # loading it again changes nothing


def test_real_epraccur_through_the_ingest_command():
    out = StringIO()
    call_command("ingest", str(EPRACCUR), stdout=out, stderr=StringIO())
    assert "as epraccur:" in out.getvalue() and "0 inserted, 1 superseded, 27 unchanged" in out.getvalue()


def test_the_2025_ods_layout_of_epraccur_loads_and_records_real_closures():
    """A 2025 copy of epraccur spells status ACTIVE/INACTIVE/DORMANT (not A/C/D/P), puts Z9B2Z (not QRV) in
    column 4 and RO76 (not 4) in column 26. INACTIVE with a close date is a closure: Savita Medical Centre
    (E84681) closed on 31 July 2025 and The Enterprise Practice (E84713) on 31 December 2023."""
    extract = run(EPRACCUR_2025)
    assert extract.format == "epraccur"
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert not extract.errors
    for code, closed in (("E84681", dt.date(2025, 7, 31)), ("E84713", dt.date(2023, 12, 31))):
        membership = PracticeMembership.objects.filter(practice__code=code).order_by("-start").first()
        assert membership.end is not None and membership.end - closed <= dt.timedelta(days=1), code
    open_practice = PracticeMembership.objects.filter(practice__code="E84068").order_by("-start").first()
    assert open_practice.end is None
    assert not Area.objects.filter(code="E84620").exists()  # a Brent practice: not ours, not added


# ------------------------------------------------------------------------------------------------ Fingertips


def test_real_fingertips_export_for_an_untracked_indicator_is_refused_as_nothing_loaded():
    """Loading nothing is not a success: the file is refused with one error naming the indicator and what to do."""
    before = Observation.objects.count()
    extract = run(FINGERTIPS)
    assert extract.format == "fingertips"
    assert extract.status == Extract.Status.REFUSED
    assert (extract.rows_read, extract.rows_inserted) == (13, 0)
    assert [e["code"] for e in extract.errors] == ["nothing_loaded"]
    assert "93553 (Deprivation score (IMD 2019))" in extract.errors[0]["message"]
    assert "fixtures/indicators/" in extract.errors[0]["message"]
    assert [(w["code"], w["line"]) for w in extract.warnings] == [("untracked_indicator", 2)]
    assert Observation.objects.count() == before


def test_real_fingertips_rows_are_read_when_the_indicator_is_tracked():
    """The same real rows through the reader's pure conversion with 93553 tracked at every level: the real
    column set (incl. 'Compared to percentiles'), blank CIs and counts, and '2019' / 20190000 / '1y' all read."""
    content = FINGERTIPS.read_bytes()
    table = read_table(content, sniff(content))
    assert detect_reader(table).name == "fingertips"
    tracked = [Tracked("TEST_IMD_SCORE", 93553, None, None, 1.0, frozenset())]
    output = convert(table, tracked, dict(Area.objects.values_list("code", "level")))
    assert [p for p in output.problems if p.severity == "error"] == []
    assert sorted(p.code for p in output.problems) == ["repeated_rows", "untracked_area"]  # England twice; Brent
    frame = output.frame.set_index("org_code")
    ours = ["E84601", "E84617", "E84646", "E84647", "E84653", "E84663", "E84676", "E84680", "E84681", "E84713"]
    assert sorted(frame.index) == sorted(["E92000001", *ours])
    assert set(frame["period_start"]) == {"2019-01-01"} and set(frame["period_end"]) == {"2019-12-31"}
    assert frame.loc["E84663", "value"] == "14.1386450873675"
    assert set(frame["lower_ci"]) == {""} and set(frame["numerator"]) == {""}


# ------------------------------------------------------------------------------------------------ national files

NATIONAL_EPRACCUR = REAL / "epraccur_2024_excerpt.csv"  # NWL + all Channel Islands + all D/P + every 50th line
EPCN_2023 = REAL / "ePCN_2023-02_excerpt.xlsx"  # as downloaded: PCNDetails first, Core Partner Details second
EPCN_2019 = REAL / "ePCN_2019-12_excerpt.xlsx"  # CCG era: PCN Name a VLOOKUP formula with its saved value
FINGERTIPS_QOF = REAL / "fingertips_91547_excerpt.csv"  # QOF smoking prevalence, fractional denominators
HARROW_PCN_CODES = {  # our PCN areas -> their ODS codes in the real ePCN workbooks
    "Healthsense PCN": "U84846",
    "Health Alliance PCN": "U60450",
    "Harrow East PCN": "U51050",
    "Harrow Collaborative Network": "U10339",
    "Sphere PCN": "U89806",
}


@pytest.mark.parametrize(
    ("excerpt", "rows", "channel_islands", "not_ours"),
    [("epraccur_2024_excerpt.csv", 1229, 140, 1060), ("epraccur_2019-12_excerpt.csv", 379, 135, 216)],
)
def test_the_national_epraccur_loads_with_the_channel_islands_skipped_in_one_warning(
    excerpt, rows, channel_islands, not_ours
):
    """The full national file carries the Channel Islands practices (ALD/GUE/JER codes): never a refusal."""
    extract = run(REAL / excerpt)
    assert extract.format == "epraccur"
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.rows_read == rows and extract.errors == []
    assert [(w["code"], w["message"][:36]) for w in extract.warnings] == [
        ("outside_england", f"{channel_islands} practices outside England (e.g. ALD200"[:36]),
        ("untracked_area", f"{not_ours:,} practices that are not ours (e.g. A8"[:36]),
    ]
    statuses = dict(Area.objects.filter(level="practice").values_list("code", "ods_status"))
    assert statuses["E84068"] == "active"
    assert statuses["E84713"] == ("closed" if excerpt.startswith("epraccur_2024") else "active")


def test_the_2026_national_epraccur_with_a_ward_listed_as_a_cost_centre_loads():
    """ODS's Data Search and Export file of 2026 lists K0E995 (a hospital ward, INACTIVE) among the practices: one
    row that is not a practice is skipped with a count, never a refusal of the national file."""
    extract = run(REAL / "epraccur_2026_excerpt.csv")
    assert extract.format == "epraccur"
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert [(w["code"], w["message"][:63]) for w in extract.warnings] == [
        ("outside_england", "47 practices outside England (e.g. ALD200, ALD210, GUE010: Chan"),
        ("not_a_practice", "1 row whose code is not a GP practice code (e.g. K0E995) was sk"),
        ("untracked_area", "244 practices that are not ours (e.g. A82026, A83049, A85021) w"),
    ]
    statuses = dict(Area.objects.filter(level="practice").values_list("code", "ods_status"))
    assert statuses["E84068"] == "active" and statuses["E84713"] == "closed"


def test_a_part_of_the_national_file_with_none_of_our_practices_is_nothing_loaded(tmp_path):
    """The first lines of a national epraccur (a copy cut short) hold no practice of ours: loading nothing is not
    a success, for the command, a script or the drop folder."""
    lines = NATIONAL_EPRACCUR.read_bytes().splitlines(keepends=True)
    part = b"".join([line for line in lines if not line.startswith((b'"E84', b'"Y05080'))][:60])
    path = tmp_path / "epraccur.csv"
    path.write_bytes(part)
    extract = run(path)
    assert extract.status == Extract.Status.REFUSED
    assert [e["code"] for e in extract.errors] == ["nothing_loaded"]
    assert "none of them is one of our practices or PCNs" in extract.errors[0]["message"]
    code, out, err = ingest(str(path), "--dry-run")
    assert code == 1 and "Nothing loaded from epraccur.csv" in err and not out


def test_the_upload_page_says_nothing_loaded_for_a_reference_file_with_none_of_ours(role_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    lines = NATIONAL_EPRACCUR.read_bytes().splitlines(keepends=True)
    part = b"".join([line for line in lines if not line.startswith((b'"E84', b'"Y05080'))][:60])
    client = role_client("analyst")
    upload = SimpleUploadedFile("epraccur.csv", part, content_type="text/csv")
    response = client.post(reverse("dashboards:upload"), {"file": upload, "format": "auto"})
    page = client.get(response.url).content.decode()
    assert "Nothing loaded" in page and "one of our practices or PCNs" in page
    assert "The file was refused" not in page


def test_a_real_older_fingertips_export_with_one_field_fewer_per_row_is_read():
    """An export of the older layout as published (26 column names, each data row one field short, a line break
    inside every quoted indicator name): recognised, no row refused as ragged, and nothing loaded since 93356 is
    not tracked; the draft an analyst would start from names it, its area type and its period."""
    from outcomes.ingest.fingertips_proposal import propose

    path = REAL / "fingertips_93356_older_layout_excerpt.csv"
    extract = run(path)
    assert extract.format == "fingertips"
    assert extract.rows_read == 93
    assert [e["code"] for e in extract.errors] == ["nothing_loaded"]
    assert "93356 (Campylobacter incidence rate/100,000)" in extract.errors[0]["message"]
    assert [(w["code"], w["line"]) for w in extract.warnings] == [
        ("older_fingertips_layout", None),
        ("untracked_indicator", 2),
    ]
    content = path.read_bytes()
    proposal = propose(read_table(content, sniff(content)), 93356)
    assert proposal is not None and proposal.rows == 93
    assert proposal.name == "Campylobacter incidence rate/100,000" and proposal.multiplier == 100_000
    assert "County & UA" in proposal.area_types and "borough" in proposal.levels


def test_a_dormant_practice_is_recorded_as_dormant_not_active():
    """E85625 (Chiswick Family Doctors Practice) is D with no close date in the real file: made ours here, it is
    recorded as dormant (shown on its PCN's page and in the admin) and its membership stays open."""
    pcn = Area.objects.get(code="U89806")
    practice = actions.upsert_area(code="E85625", name="Chiswick Family Drs Practice", level="practice", parent=pcn)
    actions.set_practice_membership(practice=practice, pcn=pcn, start=dt.date(2019, 10, 1))
    assert run(NATIONAL_EPRACCUR).status == Extract.Status.LOADED
    practice.refresh_from_db()
    assert practice.ods_status == "dormant" and practice.status_note == " (dormant)"
    assert PracticeMembership.objects.get(practice=practice).end is None


@pytest.mark.parametrize("workbook", [EPCN_2023, EPCN_2019], ids=["2023-02", "2019-12"])
def test_the_epcn_workbook_as_downloaded_loads_from_its_core_partner_sheet(workbook):
    extract = run(workbook)
    assert extract.format == "epcn"
    assert extract.status == Extract.Status.LOADED, extract.errors
    sheet = [w["message"] for w in extract.warnings if w["code"] == "sheet_read"]
    assert len(sheet) == 1 and "sheet 2 of 2, 'PCN Core Partner Details'" in sheet[0]
    codes = {a.name: a.code for a in Area.objects.filter(level="pcn", parent__code="E09000015")}
    assert codes == HARROW_PCN_CODES
    assert extract.stored_file  # organisation addresses are not patient data: nothing refused, nothing deleted


def test_the_2023_epcn_workbook_records_the_real_moves_and_closures():
    extract = run(EPCN_2023)
    warnings = {w["code"]: w["message"] for w in extract.warnings}
    # The other PCNs' rows are counted, and the practices ODS puts in our PCNs are named as they are added.
    assert re.match(r"[\d,]+ rows for [\d,]+ PCNs that are not ours \(e\.g\. U\d{5}", warnings["untracked_area"])
    assert "E84022 (Roxbourne Medical Centre) to U84846" in warnings["practices_added"]
    assert Area.objects.get(code="E84022").parent.code == "U84846"
    # The Enterprise Practice left Health Alliance PCN on 31 December 2022 (the workbook's end date, inclusive).
    enterprise = PracticeMembership.objects.filter(practice__code="E84713").order_by("-start").first()
    assert (enterprise.pcn.code, enterprise.start, enterprise.end) == (
        "U60450",
        dt.date(2019, 10, 1),
        dt.date(2023, 1, 1),
    )
    # The Civic Medical Centre's spell in Harrow Collaborative PCN ended on 30 November 2022.
    civic = PracticeMembership.objects.get(practice__code="E84617", start=dt.date(2019, 10, 1))
    assert (civic.pcn.code, civic.end) == ("U10339", dt.date(2022, 12, 1))


def test_the_2019_workbook_reads_the_saved_values_of_its_formulas():
    extract = run(EPCN_2019)
    formulas = {w["column"] for w in extract.warnings if w["code"] == "formula_values"}
    assert formulas == {"PCN Name", "Practice CCG and PCN CCG match?"}


def test_a_dry_run_of_the_epcn_workbook_writes_nothing_and_leaves_the_file(tmp_path):
    copy = tmp_path / "ePCN.xlsx"
    copy.write_bytes(EPCN_2023.read_bytes())
    before = state()
    out, err = StringIO(), StringIO()
    call_command("ingest", str(copy), "--dry-run", stdout=out, stderr=err)
    assert out.getvalue().startswith("Valid (dry run, no data changed) ePCN.xlsx as epcn:")
    assert "sheet 2 of 2, 'PCN Core Partner Details'" in err.getvalue()
    assert copy.read_bytes() == EPCN_2023.read_bytes() and state() == before


def track_91547() -> None:
    """Make one of our borough-level percentages track Fingertips 91547 (QOF smoking prevalence) for the test."""
    Indicator.objects.filter(code="JSNA_SMOKING_LTMHC").update(fingertips={"id": 91547, "age": "15+ yrs"})


def test_a_real_qof_based_fingertips_export_loads_with_its_fractional_denominators_exact():
    """England 2013/14: 8935216 smokers of 46608551.5 (a QOF-derived denominator, as published); kept exactly,
    so value = count / denominator x 100 holds and the file is not refused."""
    track_91547()
    extract = run(FINGERTIPS_QOF)
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.rows_inserted > 0
    england = Observation.objects.get(
        indicator__code="JSNA_SMOKING_LTMHC", area__code="E92000001", period_start=dt.date(2013, 4, 1), is_current=True
    )
    assert (england.numerator, england.denominator) == (8935216, 46608551.5)
    harrow = Observation.objects.filter(indicator__code="JSNA_SMOKING_LTMHC", area__code="E09000015", is_current=True)
    assert harrow.count() >= 9  # 2013/14 to 2022/23 (one year's Harrow row may not carry counts)
    skipped = {w["code"] for w in extract.warnings}
    assert {"untracked_area", "rows_skipped"} <= skipped  # other areas; practice rows (not a practice indicator)


# ------------------------------------------------------------------------------------------------ the command


def ingest(*args: str) -> tuple[int, str, str]:
    """Run `manage.py ingest` as a script would: (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("ingest", *args, stdout=out, stderr=err)
    except SystemExit as exit_info:
        return int(exit_info.code), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_nothing_loaded_exits_1_naming_the_untracked_indicator_and_what_to_do():
    status, out, err = ingest(str(FINGERTIPS))
    assert (status, out) == (1, "")
    assert "Fingertips indicator 93553 (Deprivation score (IMD 2019))" in err
    assert "fingertips = { id = ... }" in err and "load_reference_data" in err
    assert "start tracking it from this extract's page" in err
    assert err.rstrip().endswith("Nothing loaded from fingertips_93553_harrow_excerpt.csv: nothing was written.")


@pytest.mark.usefixtures("eager_celery")
def test_the_upload_page_says_nothing_loaded_with_next_steps(role_client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = role_client("analyst")
    upload = SimpleUploadedFile(FINGERTIPS.name, FINGERTIPS.read_bytes(), content_type="text/csv")
    response = client.post(reverse("dashboards:upload"), {"file": upload, "format": "auto"})
    page = client.get(response.url).content.decode()
    assert "Nothing loaded" in page and "The file was refused" not in page
    assert "93553 (Deprivation score (IMD 2019))" in page and "fixtures/indicators/" in page


def test_a_file_with_old_mac_line_endings_loads(tmp_path):
    """CR-only line ends (Excel for Mac's 'CSV (Macintosh)') crashed the command with a traceback."""
    path = tmp_path / "epraccur.csv"
    path.write_bytes(EPRACCUR.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    status, out, _ = ingest(str(path))
    assert status == 0 and "30 rows read, 0 inserted, 1 superseded, 27 unchanged" in out


@pytest.mark.parametrize(("name", "reader"), [("ods_epraccur", "epraccur"), ("ods_pcn", "epcn")])
def test_the_readme_format_names_are_accepted(name, reader, tmp_path):
    workbook = tmp_path / "ePCN.xlsx"
    workbook.write_bytes(EPCN_2023.read_bytes())
    path = EPRACCUR if reader == "epraccur" else workbook
    status, out, err = ingest(str(path), "--format", name, "--dry-run")
    assert status == 0, err
    assert f"as {reader}:" in out


def test_a_dry_run_never_deletes_the_file_it_was_given_even_when_refused_as_patient_data(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("practice_code,patient name,date of birth\nE84068,A B,1961-01-01\n")
    status, _, err = ingest(str(path), "--dry-run")
    assert status == 1 and "patient_identifiable" in err
    assert path.read_text().startswith("practice_code,")  # only the system's own copy is deleted
    assert Extract.objects.latest("pk").stored_file == ""


def test_the_ods_postcode_directory_is_refused_as_a_list_of_places_and_kept():
    extract = run(REAL / "ods_pcodey63_excerpt.csv")
    assert extract.status == Extract.Status.REFUSED
    assert [e["code"] for e in extract.errors] == ["not_a_data_file"]
    assert "postcode directory" in extract.errors[0]["message"]
    assert extract.stored_file != "" and extract.file_deleted_at is None  # a list of places, not patient data


def test_a_list_of_people_s_postcodes_with_their_practice_is_still_deleted(tmp_path):
    lines = (REAL / "ods_pcodey63_excerpt.csv").read_bytes().splitlines(keepends=True)[:60]
    content = b"".join(line.replace(b'"36J"', b'"E84004"') for line in lines)
    path = tmp_path / "patients.csv"
    path.write_bytes(content)
    extract = run(path)
    codes = {e["code"] for e in extract.errors}
    assert {"patient_identifiable", "file_deleted"} <= codes
    # the first line is data too: its postcode is named, not taken for a column name
    assert any(e["line"] == 1 and "column name is a full postcode" in e["message"] for e in extract.errors)
    assert extract.stored_file == ""


def test_patient_data_in_epraccur_is_placed_by_column_number_not_by_the_first_line_s_cells(tmp_path):
    lines = EPRACCUR.read_bytes().splitlines(keepends=True)
    first = lines[0].split(b",")
    lines[1] = lines[1].replace(lines[1].split(b",")[1], b'"PATIENT 943 476 5919"', 1)
    path = tmp_path / "epraccur.csv"
    path.write_bytes(b"".join(lines))
    extract = run(path)
    [found] = [e for e in extract.errors if e["code"] == "patient_identifiable"]
    assert (found["line"], found["column"]) == (2, "column 2")
    assert first[1].strip(b'"').decode() not in str(extract.errors)  # never line 1's practice name


def test_epraccur_s_first_line_repeated_is_a_duplicate_line_not_a_repeated_header(tmp_path):
    lines = EPRACCUR.read_bytes().splitlines(keepends=True)
    path = tmp_path / "epraccur.csv"
    path.write_bytes(b"".join([*lines, lines[0]]))
    extract = run(path)
    assert extract.status == Extract.Status.LOADED, extract.errors
    codes = {w["code"]: w for w in extract.warnings}
    assert "repeated_header" not in codes and codes["duplicate_line"]["line"] == len(lines) + 1


def test_the_obesity_indicators_map_to_fingertips_obesity_not_overweight():
    """The plan's 9.5% (age 4-5) and 21% (age 10-11) are obesity: Fingertips 90319 and 90323. 20601 and 20602
    are overweight including obesity, a different and larger measure."""
    ids = dict(Indicator.objects.filter(code__startswith="JSNA_OBESITY").values_list("code", "fingertips"))
    assert {code: spec["id"] for code, spec in ids.items()} == {
        "JSNA_OBESITY_RECEPTION": 90319,
        "JSNA_OBESITY_YEAR6": 90323,
    }


@pytest.mark.usefixtures("eager_celery")
def test_the_drop_folder_files_a_nothing_loaded_file_as_refused(settings, tmp_path):
    from outcomes.tasks import scan_drop_folder

    settings.INGEST_DROP_FOLDER = tmp_path
    (tmp_path / "incoming").mkdir()
    (tmp_path / "incoming" / FINGERTIPS.name).write_bytes(FINGERTIPS.read_bytes())
    assert scan_drop_folder() == 1
    extract = Extract.objects.get(file_name=FINGERTIPS.name)
    assert extract.source == Extract.Source.DROP_FOLDER
    assert extract.status == Extract.Status.REFUSED and [e["code"] for e in extract.errors] == ["nothing_loaded"]
