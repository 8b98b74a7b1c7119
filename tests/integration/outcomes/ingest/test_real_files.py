"""Real published NHS files (small excerpts, Open Government Licence) through the real pipeline.

Provenance of every excerpt (repository, path, commit): fixtures/samples/real/README.md. The rows are copied
verbatim from public GitHub copies of the published files; they hold organisations only, nothing about patients.
No real ePCN membership file or GP Patient Survey practice file was found, so neither has a test here.
"""

from __future__ import annotations

import datetime as dt
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
from outcomes.models import Area, Extract, Observation, PracticeMembership

pytestmark = pytest.mark.django_db
REAL = Path(__file__).resolve().parents[4] / "fixtures" / "samples" / "real"
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
    assert (extract.errors, extract.warnings) == ([], [])
    # 30 rows: our 28 practices, Brent's E84002 and Harrow's E84062 (not in the plan's list), both left alone.
    assert extract.rows_read == 30
    assert (extract.rows_inserted, extract.rows_superseded, extract.rows_unchanged) == (0, 2, OURS_IN_EPRACCUR - 2)
    # E84713 closed 31 December 2023 (ODS date inclusive, our end exclusive).
    closed = PracticeMembership.objects.get(practice__code="E84713")
    assert (closed.pcn.code, closed.start, closed.end) == ("HRW-PCN-HA", dt.date(2019, 7, 1), dt.date(2024, 1, 1))
    # ODS abbreviates 'CTR.': the name comparison ignores case and punctuation, not abbreviations, so it is renamed.
    assert Area.objects.get(code="E84061").name == "Elliott Hall Medical Ctr."
    # 'KENTON BRIDGE MEDICAL CENTRE DR GOLDEN' is the same name as ours once punctuation is ignored.
    assert Area.objects.get(code="E84601").name == "Kenton Bridge Medical Centre (Dr Golden)"
    assert not Area.objects.filter(code__in=["E84002", "E84062"]).exists()
    assert run(EPRACCUR).rows_unchanged == OURS_IN_EPRACCUR  # loading it again changes nothing


def test_real_epraccur_through_the_ingest_command():
    out = StringIO()
    call_command("ingest", str(EPRACCUR), stdout=out, stderr=StringIO())
    assert "as epraccur:" in out.getvalue() and "0 inserted, 2 superseded, 26 unchanged" in out.getvalue()


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


def test_real_fingertips_export_for_an_untracked_indicator_loads_nothing_with_one_warning():
    before = Observation.objects.count()
    extract = run(FINGERTIPS)
    assert extract.format == "fingertips"
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert (extract.rows_read, extract.rows_inserted) == (13, 0)
    assert [(w["code"], w["line"]) for w in extract.warnings] == [("untracked_indicator", 2)]
    assert "93553 (Deprivation score (IMD 2019))" in extract.warnings[0]["message"]
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
