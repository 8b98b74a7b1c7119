"""An NHS number anywhere in an upload refuses it and deletes the stored copy, even in a part not read as data: a
workbook's hidden sheet, a ZIP download's notes. Real multi-sheet downloads (the ePCN workbook) still load."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract, Observation
from tests.archives import zipped
from tests.unit.outcomes.ingest.test_unread_parts import VALID, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
REAL = Path(__file__).resolve().parents[4] / "tests" / "data" / "real-files"
HEADER = ["indicator_code", "org_code", "period_start", "period_end", "breakdown", "category", "numerator",
          "denominator", "value", "note"]  # fmt: skip
ROW = ["OUT3_CARE_EXPERIENCE", "E09000015", "2019-04-01", "2020-03-31", "all", "all", 600, 1000, 60.0, ""]
CSV = (",".join(HEADER) + "\n" + ",".join(str(v) for v in ROW) + "\n").encode()


def run(name: str, content: bytes) -> Extract:
    extract = actions.receive_extract(file_name=name, content=content, format="auto", source=Extract.Source.UPLOAD)
    return pipeline.run_extract(extract.pk).extract


def refused_and_deleted(extract: Extract) -> list[dict]:
    assert extract.status == Extract.Status.REFUSED, extract.errors
    assert not extract.stored_file, "the stored copy must be deleted"
    assert Observation.objects.filter(extract=extract).count() == 0
    assert "file_deleted" in {e["code"] for e in extract.errors}
    return [e for e in extract.errors if e["code"] == "patient_identifiable"]


def test_a_workbook_whose_very_hidden_sheet_holds_an_nhs_number_is_refused_and_deleted():
    raw = workbook(
        {"Data": [HEADER, ROW], "x": [["ref"], [f"{VALID[:3]} {VALID[3:6]} {VALID[6:]}"]]}, {"x": "veryHidden"}
    )
    [finding] = refused_and_deleted(run("extract.xlsx", raw))
    assert (finding["line"], finding["column"]) == (2, "Sheet 'x' (very hidden), column A")
    assert VALID[6:] not in str(finding)


def test_the_same_workbook_without_it_loads():
    raw = workbook({"Data": [HEADER, ROW], "x": [["ref"], ["not a number"]]}, {"x": "veryHidden"})
    extract = run("extract.xlsx", raw)
    assert extract.status == Extract.Status.LOADED, extract.errors


def test_a_zip_whose_notes_hold_an_nhs_number_is_refused_and_deleted():
    notes = f"Notes\nExcluded: {VALID}\n".encode()
    [finding] = refused_and_deleted(run("download.zip", zipped({"data.csv": CSV, "readme.txt": notes})))
    assert (finding["line"], finding["column"]) == (2, "'readme.txt' in the ZIP archive")


def test_a_zip_with_ordinary_notes_loads():
    notes = b"Published by NHS England, 0300 311 22 33, 7 December 2026. Total 1234567890.5\n"
    extract = run("download.zip", zipped({"data.csv": CSV, "readme.txt": notes}))
    assert extract.status == Extract.Status.LOADED, extract.errors


def test_the_real_epcn_workbook_with_its_address_sheet_is_not_refused():
    extract = run("ePCN.xlsx", (REAL / "ePCN_2023-02_excerpt.xlsx").read_bytes())
    assert "patient_identifiable" not in {e["code"] for e in extract.errors}, extract.errors
    assert extract.status == Extract.Status.LOADED, extract.errors


def test_a_title_line_holding_an_nhs_number_refuses_the_csv_and_deletes_it():
    [finding] = refused_and_deleted(run("extract.csv", f"Patient NHS number {VALID}\n".encode() + CSV))
    assert finding["line"] == 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_nhs_number_beyond_the_last_named_column_is_refused_and_deleted_not_only_as_ragged(kind):
    rows = [HEADER, [*ROW, VALID]]
    raw = workbook({"Data": rows}) if kind == "xlsx" else "\n".join(",".join(map(str, r)) for r in rows).encode()
    [finding] = refused_and_deleted(run(f"extract.{kind}", raw))
    assert finding["line"] == 2 and "beyond the last named column" in finding["message"]


def test_a_date_of_birth_beyond_the_last_named_column_is_refused_too():
    text = ",".join(HEADER) + "\n" + ",".join(str(v) for v in ROW) + ",DOB 12/03/1954\n"
    [finding] = refused_and_deleted(run("extract.csv", text.encode()))
    assert finding["line"] == 2


def test_an_nhs_number_as_a_column_name_is_refused_and_deleted():
    text = ",".join([*HEADER, VALID]) + "\n" + ",".join(str(v) for v in ROW) + ",\n"
    [finding] = refused_and_deleted(run("extract.csv", text.encode()))
    assert finding["line"] == 1 and "column name looks like an NHS number" in finding["message"]
