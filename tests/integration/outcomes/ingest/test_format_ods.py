"""NHS ODS reference files: epraccur (headerless, with organisation addresses) and the ePCN membership file.

The ePCN file goes through `manage.py ingest` as it is. epraccur needs two pipeline changes the lead owns
(skip header problems for a headerless format; pass the reader's PII-exempt columns to the scan): until
then it is exercised stage by stage exactly as the pipeline will run it, and the end-to-end test switches
itself on once ``pipeline.run_extract`` passes ``exempt_columns``.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from outcomes import actions
from outcomes.actions import LoadResult
from outcomes.ingest import pipeline, reference_load
from outcomes.ingest.pii import find_identifiers
from outcomes.ingest.readers import detect_reader
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table
from outcomes.models import Area, Extract, PracticeMembership
from outcomes.pcn_codes import FORMER_PCN_CODES
from outcomes.problems import FileRefused

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"
EPRACCUR = SAMPLES / "epraccur_sample.csv"
HARROW_PCNS = {
    "Healthsense PCN": "U84846",
    "Health Alliance PCN": "U60450",
    "Harrow East PCN": "U51050",
    "Harrow Collaborative Network": "U10339",
    "Sphere PCN": "U89806",
}
EPCN = SAMPLES / "epcn_sample.csv"


def state():
    """Everything an ODS file may change."""
    areas = sorted(Area.objects.values_list("code", "name", "level", "parent__code"))
    memberships = sorted(PracticeMembership.objects.values_list("practice__code", "pcn__code", "start", "end"))
    return areas, memberships


def open_membership(code: str) -> tuple[str, dt.date, dt.date | None]:
    m = PracticeMembership.objects.select_related("pcn").get(practice__code=code, end__isnull=True)
    return m.pcn.code, m.start, m.end


def apply_epraccur(content: bytes) -> LoadResult:
    """The pipeline's stages for a reference file, with the PII exemption and the headerless rule applied."""
    table = read_table(content, sniff(content))
    reader = detect_reader(table)
    assert reader is not None and reader.name == "epraccur"
    exempt_headers = reader.pii_exempt_headers(table)  # line 1 is a practice's row, its postcode included
    assert find_identifiers(table, exempt_columns=reader.pii_exempt_columns(table), exempt_headers=exempt_headers) == []
    assert {p.line for p in table.problems} <= {1}, "only the header problems a headerless reader ignores"
    output = reader.read(table)
    assert [p for p in output.problems if p.severity == "error"] == []
    with transaction.atomic():
        return reference_load.apply(output)


# ------------------------------------------------------------------------------------------------ epraccur


def test_the_pii_scan_skips_exactly_the_declared_organisation_address_columns():
    content = EPRACCUR.read_bytes()
    table = read_table(content, sniff(content))
    without = find_identifiers(table)
    assert without and {p.code for p in without} == {"patient_identifiable"}  # practice postcodes, as it stands
    reader = detect_reader(table)
    exempt = reader.pii_exempt_columns(table)
    assert len(exempt) == 7
    assert find_identifiers(table, exempt_columns=exempt, exempt_headers=reader.pii_exempt_headers(table)) == []
    # A postcode anywhere else (here in the practice name column) is still refused.
    tampered = content.replace(b'"THE PINN MEDICAL CENTRE"', b'"HA5 1AA"')
    table = read_table(tampered, sniff(tampered))
    found = find_identifiers(
        table, exempt_columns=reader.pii_exempt_columns(table), exempt_headers=reader.pii_exempt_headers(table)
    )
    assert [(p.line, p.code) for p in found] == [(2, "patient_identifiable")]


def test_the_exemption_is_not_granted_to_a_file_of_another_shape():
    content = b"indicator_code,org_code,postcode\nOUT3_CARE_EXPERIENCE,E09000015,HA1 1AA\n"
    table = read_table(content, sniff(content))
    from outcomes.ingest.readers import get_reader

    assert get_reader("epraccur").pii_exempt_columns(table) == frozenset()


def test_the_epraccur_sample_renames_and_closes_only_our_practices():
    result = apply_epraccur(EPRACCUR.read_bytes())
    # E84004 renamed and E84663's closure recorded; E84068, E84024 and E84601 (same name, other punctuation) as
    # they were; the NWL practice E86001 and the non-NWL A81001 are not ours and are not added.
    assert result == LoadResult(inserted=0, superseded=2, unchanged=3)
    assert Area.objects.get(code="E84004").name == "Circle Health Practice"
    assert Area.objects.get(code="E84601").name == "Kenton Bridge Medical Centre (Dr Golden)"
    closed = PracticeMembership.objects.get(practice__code="E84663")
    assert (closed.pcn.code, closed.start, closed.end) == ("U84846", dt.date(2019, 10, 1), dt.date(2024, 4, 1))
    assert not Area.objects.filter(code__in=["E86001", "A81001"]).exists()
    assert apply_epraccur(EPRACCUR.read_bytes()) == LoadResult(inserted=0, superseded=0, unchanged=5)


@pytest.mark.parametrize(
    ("close", "code", "said"),
    [
        (
            b"20190331",
            "closed_before_membership",
            "closed on 31 March 2019, but its membership of U60450 starts on 01 October 2019",
        ),
        (b"19700101", "closed_before_opening", "before it opened on 01 April 1974"),
    ],
    ids=["before-its-membership", "before-it-opened"],
)
def test_a_closure_before_the_membership_or_the_opening_is_refused_and_nothing_changes(close, code, said):
    content = EPRACCUR.read_bytes().replace(
        b'"CIRCLE HEALTH PRACTICE","Y56","QRV","4 EXAMPLE ROAD","HARROW","MIDDLESEX","","","HA2 1AA","19740401",""',
        b'"CIRCLE HEALTH PRACTICE","Y56","QRV","4 EXAMPLE ROAD","HARROW","MIDDLESEX","","","HA2 1AA","19740401",'
        b'"' + close + b'"',
    )
    assert content != EPRACCUR.read_bytes()
    before = state()
    with pytest.raises(FileRefused) as refused:
        apply_epraccur(content)
    assert [(p.line, p.code) for p in refused.value.problems] == [(5, code)]
    assert said in refused.value.problems[0].message
    assert state() == before


def test_an_epraccur_of_one_practice_one_line_and_no_header_is_read():
    line = next(row for row in EPRACCUR.read_bytes().splitlines() if row.startswith(b'"E84004"'))
    result = apply_epraccur(line + b"\r\n")
    assert result == LoadResult(inserted=0, superseded=1, unchanged=0)
    assert Area.objects.get(code="E84004").name == "Circle Health Practice"


def test_a_bad_date_in_epraccur_is_an_error_on_its_line():
    content = EPRACCUR.read_bytes().replace(b'"19920401"', b'"1992-13-45"')
    table = read_table(content, sniff(content))
    output = detect_reader(table).read(table)
    assert [(p.line, p.code) for p in output.problems if p.severity == "error"] == [(4, "bad_date")]


def test_a_practice_given_twice_with_different_details_is_refused_and_nothing_changes():
    """The last line would otherwise win silently (apply_practices reads the lines in order)."""
    lines = EPRACCUR.read_bytes().splitlines(keepends=True)
    first = next(i for i, row in enumerate(lines) if row.startswith(b'"E84004"'))
    content = b"".join(lines) + lines[first].replace(b'"E84004","', b'"E84004","ANOTHER NAME ', 1)
    before = state()
    extract = actions.receive_extract(file_name="epraccur.csv", content=content, format="auto", source="upload")
    extract = pipeline.run_extract(extract.pk).extract
    assert extract.status == Extract.Status.REFUSED
    assert [(e["line"], e["code"]) for e in extract.errors] == [(len(lines) + 1, "duplicate_practice")]
    assert f"on line {first + 1}" in extract.errors[0]["message"]
    assert state() == before


def test_epraccur_through_the_ingest_command():
    out = StringIO()
    call_command("ingest", str(EPRACCUR), stdout=out, stderr=StringIO())
    assert "as epraccur:" in out.getvalue() and "0 inserted, 2 superseded, 3 unchanged" in out.getvalue()


# ------------------------------------------------------------------------------------------------ ePCN


def test_the_epcn_sample_records_dated_memberships_on_our_ods_codes():
    out = StringIO()
    call_command("ingest", str(EPCN), stdout=out, stderr=StringIO())
    # Our PCNs carry their ODS codes and the memberships start when ODS says (1 October 2019): only the real
    # changes count (Bacon Lane's move: its old spell closed and its parent; Kenton Bridge (Dr Raja) ending).
    assert "Loaded epcn_sample.csv as epcn: 33 rows read, 3 inserted, 3 superseded, 27 unchanged" in out.getvalue()
    assert dict(Area.objects.filter(level="pcn").values_list("name", "code")) == HARROW_PCNS
    bacon_lane = list(
        PracticeMembership.objects.filter(practice__code="E84014").values_list("pcn__code", "start", "end")
    )
    assert bacon_lane == [
        ("U51050", dt.date(2019, 10, 1), dt.date(2024, 4, 1)),
        ("U60450", dt.date(2024, 4, 1), None),
    ]
    assert Area.objects.get(code="E84014").parent.code == "U60450"
    new = Area.objects.get(code="Y09876")
    assert (new.name, new.level, new.parent.code) == ("Harrow New Health Practice", "practice", "U89806")
    assert open_membership("Y09876") == ("U89806", dt.date(2025, 10, 1), None)
    assert PracticeMembership.objects.get(practice__code="E84663").end == dt.date(2024, 4, 1)
    assert not Area.objects.filter(code__in=["E86001", "A81001", "U20001", "U30001"]).exists()
    # Loading the same file again changes nothing.
    again = actions.receive_extract(
        file_name=EPCN.name, content=EPCN.read_bytes(), format="auto", source=Extract.Source.COMMAND
    )
    extract = pipeline.run_extract(again.pk).extract
    assert (extract.rows_inserted, extract.rows_superseded, extract.rows_unchanged) == (0, 0, 31)


def test_pcns_with_local_codes_are_matched_by_name_or_members_and_given_their_ods_codes():
    """A PCN area added with a local code (as ours once were) takes its ODS code from the file: four by name,
    Harrow Collaborative Network ('HARROW C.N. PCN' in the sample) by its current members."""
    for old, new in FORMER_PCN_CODES.items():
        actions.set_area_code(area=Area.objects.get(code=new), code=old)
    out = StringIO()
    call_command("ingest", str(EPCN), stdout=out, stderr=StringIO())
    assert "33 rows read, 3 inserted, 8 superseded, 27 unchanged" in out.getvalue()  # 5 codes set, 3 changes
    assert dict(Area.objects.filter(level="pcn").values_list("name", "code")) == HARROW_PCNS


def apply_epcn(content: bytes) -> LoadResult:
    table = read_table(content, sniff(content))
    output = detect_reader(table).read(table)
    assert [p for p in output.problems if p.severity == "error"] == []
    with transaction.atomic():
        return reference_load.apply(output)


def refused(content: bytes) -> list[tuple[int, str]]:
    before = state()
    with pytest.raises(FileRefused) as refusal:
        apply_epcn(content)
    assert state() == before, "a refused file must change nothing"
    return [(p.line, p.code) for p in refusal.value.problems]


def with_lines(edit) -> bytes:
    lines = EPCN.read_text().splitlines()
    edit(lines)
    return ("\n".join(lines) + "\n").encode()


def test_a_practice_in_two_pcns_at_once_is_refused_and_nothing_changes():
    # Line 2 puts E84068 in Healthsense from July 2019, open-ended; a new line 35 puts it in Sphere from 2022.
    content = with_lines(
        lambda lines: lines.append(
            lines[1].replace("U84846,HEALTHSENSE PCN", "U89806,SPHERE PCN").replace("20191001", "20220401")
        )
    )
    assert refused(content) == [(35, "membership_overlap")]


def test_one_of_our_practices_in_a_pcn_we_cannot_place_is_refused():
    def edit(lines):
        lines[1] = lines[1].replace("U84846,HEALTHSENSE PCN", "U99999,ELSEWHERE PCN")

    assert refused(with_lines(edit)) == [(2, "unknown_pcn")]


def test_a_membership_overlapping_a_later_recorded_one_is_refused():
    def edit(lines):  # E84014 in Harrow East from 2019 open-ended, although we record a move in 2024
        lines[:] = [line for line in lines if not (line.startswith("E84014") and "20240401" in line)]
        lines[:] = [
            line.replace("20191001,20240331", "20191001,") if line.startswith("E84014") else line for line in lines
        ]

    actions.set_practice_membership(
        practice=Area.objects.get(code="E84014"),
        pcn=Area.objects.get(code="U51050"),
        start=dt.date(2019, 10, 1),
        end=dt.date(2024, 4, 1),
    )
    actions.set_practice_membership(
        practice=Area.objects.get(code="E84014"), pcn=Area.objects.get(code="U60450"), start=dt.date(2024, 4, 1)
    )
    assert refused(with_lines(edit)) == [(13, "membership_conflict")]


def test_a_refused_membership_file_is_recorded_as_refused_by_the_pipeline():
    content = with_lines(lambda lines: lines.__setitem__(1, lines[1].replace("U84846,HEALTHSENSE", "U99999,ELSEWHERE")))
    before = state()
    extract = actions.receive_extract(file_name="epcn.csv", content=content, format="auto", source="upload")
    extract = pipeline.run_extract(extract.pk).extract
    assert extract.status == Extract.Status.REFUSED
    assert [(e["line"], e["code"]) for e in extract.errors] == [(2, "unknown_pcn")]
    assert state() == before


def test_an_epcn_practice_code_in_lower_case_is_refused_not_re_cased():
    content = with_lines(lambda lines: lines.__setitem__(1, "e" + lines[1][1:]))  # e84068
    before = state()
    extract = actions.receive_extract(file_name="epcn.csv", content=content, format="auto", source="upload")
    extract = pipeline.run_extract(extract.pk).extract
    assert extract.status == Extract.Status.REFUSED
    assert [(e["line"], e["column"], e["code"]) for e in extract.errors] == [
        (2, "Partner Organisation Code", "code_not_canonical")
    ]
    assert "did you mean 'E84068'" in extract.errors[0]["message"]
    assert state() == before


def _national(sample: bytes, newest: str) -> bytes:
    """The sample's Harrow rows among 1,000 other practices (synthetic codes), the newest opened on ``newest``."""
    other = (
        '"Y9{:04d}","PRACTICE {}","Y63","Q74","1 ROAD","","","","","","{}","","A","B","01H",'
        '"","","","","","","0","","01H","","4",""'
    )
    rows = [other.format(i, i, "20100101") for i in range(999)] + [other.format(999, 999, newest)]
    return sample + ("\n".join(rows) + "\n").encode()


def test_a_national_epraccur_older_than_the_memberships_held_is_refused_and_changes_nothing():
    """A 2015 copy loaded after current data put back three practices' old names, with no word. A national
    file's newest open or close date says how old it is; this one's (2015) predates the memberships held (2019)."""
    before = state()
    sample_of_2015 = EPRACCUR.read_bytes().replace(b"20240331", b"20140331")  # the sample's closure, ten years back
    with pytest.raises(FileRefused) as refused:
        apply_epraccur(_national(sample_of_2015, "20150101"))
    problem = refused.value.problems[0]
    assert problem.code == "older_than_held"
    assert "01 January 2015" in problem.message and "Download the current epraccur" in problem.message
    assert state() == before
    apply_epraccur(_national(EPRACCUR.read_bytes(), "20260101"))  # a current national file loads


def test_a_short_epraccur_is_not_judged_by_its_dates():
    """A cut of a few practices (every one opened in 1974) tells nothing of the file's age: it loads."""
    apply_epraccur(EPRACCUR.read_bytes())
