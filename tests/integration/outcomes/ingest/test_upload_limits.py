"""Limits of the upload page and the drop folder, checked while a file is read; `manage.py ingest` has none
unless given --max-rows."""

from __future__ import annotations

import io
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract, Observation
from outcomes.tasks import scan_drop_folder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery"), pytest.mark.world("reference")]

HEADER = "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator,value,note"
ROW1 = "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,all,all,600,1000,60.0,"
ROW2 = "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,imd_quintile,1,100,200,50.0,"
GOOD = f"{HEADER}\n{ROW1}\n{ROW2}\n"


def run(content: bytes | str, source=Extract.Source.UPLOAD) -> Extract:
    data = content.encode() if isinstance(content, str) else content
    extract = actions.receive_extract(file_name="x.csv", content=data, format="auto", source=source)
    return pipeline.run_extract(extract.pk).extract


def xlsx(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)  # no <dimension>: the rows must be counted
    sheet = book.create_sheet("data")
    sheet.append(HEADER.split(","))
    for _ in range(rows):
        sheet.append(ROW1.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def codes(extract: Extract) -> list[str]:
    return [e["code"] for e in extract.errors]


def test_an_upload_over_the_row_limit_is_refused_at_the_first_row_over(settings):
    settings.INGEST_MAX_UPLOAD_ROWS = 1
    extract = run(GOOD)
    assert extract.status == Extract.Status.REFUSED and codes(extract) == ["too_many_rows"]
    assert extract.errors[0]["line"] == 3 and "refused at row 2" in extract.errors[0]["message"]
    assert extract.rows_read == 1


def test_a_workbook_over_the_row_limit_is_refused(settings):
    settings.INGEST_MAX_UPLOAD_ROWS = 5
    extract = run(xlsx(8))
    assert extract.status == Extract.Status.REFUSED and codes(extract) == ["too_many_rows"]


def test_a_workbook_over_the_uncompressed_cap_is_refused(settings):
    settings.INGEST_MAX_XLSX_UNCOMPRESSED_BYTES = 2000
    extract = run(xlsx(2))
    assert extract.status == Extract.Status.REFUSED and codes(extract) == ["workbook_too_large"]
    assert extract.stored_file  # not patient data: kept until the retention task deletes it


def test_the_drop_folder_has_the_upload_row_limit(settings, tmp_path):
    settings.INGEST_DROP_FOLDER = tmp_path
    settings.INGEST_MAX_UPLOAD_ROWS = 1
    (tmp_path / "incoming").mkdir()
    (tmp_path / "incoming" / "two_rows.csv").write_text(GOOD)
    assert scan_drop_folder() == 1
    extract = Extract.objects.get(file_name="two_rows.csv")
    assert extract.status == Extract.Status.REFUSED and codes(extract) == ["too_many_rows"]


def test_the_drop_folder_refuses_an_oversized_file_before_reading_it(settings, tmp_path, monkeypatch):
    settings.INGEST_DROP_FOLDER = tmp_path
    settings.INGEST_MAX_UPLOAD_BYTES = 100
    (tmp_path / "incoming").mkdir()
    (tmp_path / "incoming" / "big.csv").write_text(GOOD + ROW1 * 5)
    (tmp_path / "incoming" / "small.csv").write_text("a,b\n1,2\n")
    read = []
    real = type(tmp_path).read_bytes
    monkeypatch.setattr(type(tmp_path), "read_bytes", lambda self: read.append(self.name) or real(self))

    assert scan_drop_folder() == 2

    big = Extract.objects.get(file_name="big.csv")
    assert big.status == Extract.Status.REFUSED and codes(big) == ["file_too_large"]
    assert big.size_bytes > 100 and big.stored_file == "" and Observation.objects.filter(extract=big).count() == 0
    assert "big.csv" not in read and "small.csv" in read
    assert [p.name for p in (tmp_path / "taken").iterdir() if "big" in p.name] == [f"{big.pk}-big.csv"]


def test_the_ingest_command_has_no_row_limit_unless_given_one(settings, tmp_path):
    settings.INGEST_MAX_UPLOAD_ROWS = 1
    path = tmp_path / "two_rows.csv"
    path.write_text(GOOD)
    out = StringIO()
    call_command("ingest", str(path), "--dry-run", stdout=out, stderr=StringIO())
    assert "2 rows read" in out.getvalue()
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("ingest", str(path), "--max-rows", "1", stdout=StringIO(), stderr=err)
    assert exit_info.value.code == 1 and "[too_many_rows]" in err.getvalue()


def test_a_patient_level_workbook_refused_from_its_dimension_is_still_refused_as_patient_data(settings):
    settings.INGEST_MAX_UPLOAD_ROWS = 2
    book = openpyxl.Workbook()  # writes <dimension>: refused before its rows are read, but a sample is scanned
    book.active.append([*HEADER.split(","), "Date of birth"])
    for day in range(1, 6):
        book.active.append([*ROW1.split(","), f"1970-02-0{day}"])
    buffer = io.BytesIO()
    book.save(buffer)
    extract = run(buffer.getvalue())
    assert extract.status == Extract.Status.REFUSED
    assert {"patient_identifiable", "file_deleted"} <= set(codes(extract))
    assert extract.stored_file == "" and extract.file_deleted_at is not None
