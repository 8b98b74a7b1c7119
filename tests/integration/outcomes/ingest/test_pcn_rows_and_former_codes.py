"""Published PCN rows load onto our PCN areas now that they carry their ODS codes, and a file that still uses a
PCN's former local code loads onto the PCN with a warning naming the mapping (ADR 0017).

``fingertips_93930_pcn_excerpt.csv`` is a real Fingertips export (A&E attendances, 0 to 4 years, 2021/22) with
area type "PCNs (v. 27/10/23)": the five Harrow PCN rows (U84846, U60450, U51050, U10339, U89806), the Harrow
and Brent practice rows under them, England, and every 100th line (source: tests/data/real-files/SOURCES.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.ingest.readers import detect_reader
from outcomes.ingest.readers.fingertips import Tracked, convert, lookup
from outcomes.ingest.sniff import sniff
from outcomes.ingest.table import read_table
from outcomes.models import Area, Extract, Indicator, Observation, PracticeMembership
from outcomes.pcn_codes import FORMER_MEMBERSHIP_START, FORMER_PCN_CODES, ODS_MEMBERSHIP_START

pytestmark = pytest.mark.django_db
REAL = Path(__file__).resolve().parents[4] / "tests" / "data" / "real-files"
PCN_EXPORT = REAL / "fingertips_93930_pcn_excerpt.csv"
#: The export's Harrow PCN rows: ODS code -> (count, denominator, value per 1,000), as published.
HARROW_PCN_ROWS = {
    "U84846": (3795, 4323, 877.8626),
    "U60450": (2880, 3253, 885.33661),
    "U51050": (1925, 2009, 958.18815),
    "U10339": (2585, 2702, 956.69874),
    "U89806": (3240, 3934, 823.58922),
}
FY_2021 = (dt.date(2021, 4, 1), dt.date(2022, 3, 31))


def run(name: str, content: bytes) -> Extract:
    extract = actions.receive_extract(file_name=name, content=content, format="auto", source=Extract.Source.UPLOAD)
    return pipeline.run_extract(extract.pk).extract


def track_93930() -> Indicator:
    """Track Fingertips 93930 (A&E attendances aged 0 to 4 per 1,000) by practice and PCN, as an analyst would."""
    return Indicator.objects.create(
        code="FT_93930_AE_0_4",
        name="A&E attendances (0 to 4 years)",
        definition="A&E attendances of children aged 0 to 4 per 1,000 registered children aged 0 to 4.",
        unit="rate",
        multiplier=1000,
        polarity="low_is_good",
        frequency="annual",
        period_months=12,
        interval_method="byar",
        levels=["practice", "pcn", "country"],
        source="OHID Fingertips",
        fingertips={"id": 93930, "sex": "Persons", "age": "0-4 yrs"},
    )


def test_the_real_export_is_read_with_its_pcn_rows_on_our_pcn_areas():
    content = PCN_EXPORT.read_bytes()
    table = read_table(content, sniff(content))
    assert detect_reader(table).name == "fingertips"
    tracked = [Tracked("FT_93930_AE_0_4", 93930, "Persons", "0-4 yrs", 1000.0, frozenset(), frozenset({"pcn"}))]
    output = convert(table, tracked, lookup()[1])
    assert [p for p in output.problems if p.severity == "error"] == []
    pcn_rows = output.frame.set_index("org_code")
    assert sorted(pcn_rows.index) == sorted(HARROW_PCN_ROWS)
    assert pcn_rows.loc["U84846", "value"] == "877.8626"
    assert (pcn_rows.loc["U84846", "numerator"], pcn_rows.loc["U84846", "denominator"]) == ("3795", "4323")


def test_published_pcn_rows_load_onto_our_pcn_areas():
    indicator = track_93930()
    extract = run(PCN_EXPORT.name, PCN_EXPORT.read_bytes())
    assert extract.status == Extract.Status.LOADED, extract.errors
    rows = Observation.objects.filter(indicator=indicator, is_current=True, breakdown="all")
    pcns = {o.area.code: (o.numerator, o.denominator, o.value) for o in rows.filter(area__level="pcn")}
    assert pcns == HARROW_PCN_ROWS
    assert {(o.period_start, o.period_end) for o in rows.filter(area__level="pcn")} == {FY_2021}
    assert not rows.filter(area__level="pcn", is_derived=True).exists()  # published, not rolled up
    # Our practices under them load too; other PCNs (12 in the excerpt) and Brent practices are not ours.
    assert rows.get(area__code="E84004").numerator == 480
    # 27 of our 29: Y05080 is not an E84 line (not kept in the excerpt), E84713 has no 2021/22 row.
    assert rows.filter(area__level="practice").count() == 27
    untracked = [w["message"] for w in extract.warnings if w["code"] == "untracked_area"]
    assert len(untracked) == 1 and untracked[0].startswith("126 rows for 126 areas we do not track")


def test_an_export_with_a_former_pcn_code_loads_onto_the_pcn_with_a_warning():
    """A file written before the change (here the real export with Healthsense's row given its old code)."""
    indicator = track_93930()
    row = b",E92000001,England,U84846,Healthsense PCN,"
    content = PCN_EXPORT.read_bytes().replace(row, row.replace(b"U84846", b"HRW-PCN-HS"))
    assert content.count(b"HRW-PCN-HS") == 1
    extract = run("old-codes.csv", content)
    assert extract.status == Extract.Status.LOADED, extract.errors
    former = [w for w in extract.warnings if w["code"] == "former_area_code"]
    assert len(former) == 1
    assert former[0]["message"].startswith(
        "'HRW-PCN-HS' is a former code of Healthsense PCN, now U84846: its 1 row was read as U84846."
    )
    healthsense = Observation.objects.get(indicator=indicator, area__code="U84846", is_current=True)
    assert healthsense.value == HARROW_PCN_ROWS["U84846"][2]


def test_a_generic_file_with_former_codes_loads_with_one_warning_per_code():
    rows = [
        "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator,value",
        *(
            f"OUT2_GP_ACCESS,{old},2025-01-01,2025-12-31,all,all,{60 + i},100,"
            for i, old in enumerate(sorted(FORMER_PCN_CODES))
        ),
        "OUT2_GP_ACCESS,HRW-PCN-HS,2024-01-01,2024-12-31,all,all,50,100,",
    ]
    extract = run("generic.csv", ("\n".join(rows) + "\n").encode())
    assert extract.status == Extract.Status.LOADED, extract.errors
    warnings = sorted(w["message"][:40] for w in extract.warnings if w["code"] == "former_area_code")
    assert len(warnings) == 5 and warnings[-1].startswith("'HRW-PCN-SP' is a former code of Sphere")
    assert "its 2 rows were read as U84846" in next(
        w["message"] for w in extract.warnings if w["message"].startswith("'HRW-PCN-HS'")
    )
    loaded = Observation.objects.filter(indicator__code="OUT2_GP_ACCESS", extract=extract)
    assert set(loaded.values_list("area__code", flat=True)) == set(FORMER_PCN_CODES.values())
    assert not Area.objects.filter(code__startswith="HRW-PCN-").exists()


def test_a_former_code_and_its_new_code_for_the_same_row_are_one_duplicate():
    rows = [
        "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator,value",
        "OUT2_GP_ACCESS,HRW-PCN-HS,2025-01-01,2025-12-31,all,all,60,100,",
        "OUT2_GP_ACCESS,U84846,2025-01-01,2025-12-31,all,all,61,100,",
    ]
    extract = run("generic.csv", ("\n".join(rows) + "\n").encode())
    assert extract.status == Extract.Status.REFUSED
    assert [(e["line"], e["code"]) for e in extract.errors] == [(3, "duplicate_row")]


# ------------------------------------------------------------------------------------------------ first ePCN import

EPCN_WORKBOOKS = {"2019-12": REAL / "ePCN_2019-12_excerpt.xlsx", "2023-02": REAL / "ePCN_2023-02_excerpt.xlsx"}


def import_counts(workbook: Path) -> tuple[int, int, int]:
    extract = run(workbook.name, workbook.read_bytes())
    assert extract.status == Extract.Status.LOADED, extract.errors
    return extract.rows_inserted, extract.rows_superseded, extract.rows_unchanged


def as_before_the_change() -> None:
    """Our reference data as it was: local PCN codes and memberships from the invented 1 July 2019."""
    for old, new in FORMER_PCN_CODES.items():
        actions.set_area_code(area=Area.objects.get(code=new), code=old)
    PracticeMembership.objects.filter(start=ODS_MEMBERSHIP_START).update(start=FORMER_MEMBERSHIP_START)


#: (inserted, superseded, unchanged) of the first import of each real workbook, before the change (local codes,
#: memberships from 1 July 2019) and now. Before, every membership was split (29) and every PCN renamed (5).
FIRST_IMPORT = {
    "2019-12": {"before": (37, 34, 0), "now": (8, 0, 29)},  # now: 4 practices of our PCNs not in the plan's list
    "2023-02": {"before": (38, 35, 0), "now": (9, 3, 27)},  # now: the Civic's move (2) and the Enterprise's end
}


@pytest.mark.parametrize("edition", sorted(EPCN_WORKBOOKS))
def test_the_first_real_epcn_import_reports_only_real_changes(edition):
    assert import_counts(EPCN_WORKBOOKS[edition]) == FIRST_IMPORT[edition]["now"]
    assert import_counts(EPCN_WORKBOOKS[edition])[1] == 0  # and a second import changes nothing


@pytest.mark.parametrize("edition", sorted(EPCN_WORKBOOKS))
def test_before_the_change_the_first_import_split_every_membership(edition):
    as_before_the_change()
    assert import_counts(EPCN_WORKBOOKS[edition]) == FIRST_IMPORT[edition]["before"]
