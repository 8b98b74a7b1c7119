"""GP Patient Survey practice files through the pipeline: year from the file name, fractions to per cent,
counts only where they reproduce the value, the 2024 series break noted, bad files refused unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract, Observation

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"
SAMPLE_2023 = SAMPLES / "GPPS_2023_Practice_data_sample.csv"
SAMPLE_2024 = SAMPLES / "GPPS_2024_Practice_data_sample.csv"
BREAK_NOTE = "GPPS 2024 redesign: not comparable with earlier years"


def run(content: bytes, name: str) -> Extract:
    extract = actions.receive_extract(file_name=name, content=content, format="auto", source=Extract.Source.UPLOAD)
    return pipeline.run_extract(extract.pk).extract


def obs(code: str, practice: str, year: int) -> Observation:
    return Observation.objects.get(
        indicator__code=code,
        area__code=practice,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 3, 31),
        is_current=True,
    )


def snapshot():
    return Observation.objects.count(), Observation.objects.filter(is_current=True).count()


def test_the_2023_sample_loads_good_and_poor_for_our_practices():
    practices = {"E84068", "E84024", "E84039", "E84053", "E84070"}
    demo = Observation.objects.filter(
        indicator__code__in=["OUT2_GP_ACCESS", "OUT2_GP_ACCESS_POOR"],
        area__code__in=practices,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 3, 31),
        breakdown="all",
        is_current=True,
    ).count()
    extract = run(SAMPLE_2023.read_bytes(), SAMPLE_2023.name)
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.format == "gpps"
    assert (extract.rows_read, extract.rows_inserted, extract.rows_superseded) == (7, 10, demo)
    loaded = Observation.objects.filter(extract=extract)
    assert set(loaded.values_list("area__code", flat=True)) == practices
    good = obs("OUT2_GP_ACCESS", "E84068", 2023)
    assert (good.value, good.numerator, good.denominator, good.note) == (68.18, 75, 110, "")
    assert good.lower_ci is not None and good.lower_ci < 68.18 < good.upper_ci  # Wilson, from the counts
    poor = obs("OUT2_GP_ACCESS_POOR", "E84068", 2023)
    assert (poor.value, poor.numerator, poor.denominator) == (14.55, 16, 110)
    # round(0.534167 x 97) / 97 is not 53.4167%: the value is kept and the base goes to the note.
    honeypot = obs("OUT2_GP_ACCESS", "E84039", 2023)
    assert (honeypot.value, honeypot.numerator, honeypot.note) == (53.4167, None, "GPPS base 97 respondents")
    hatch_end = obs("OUT2_GP_ACCESS", "E84053", 2023)
    assert hatch_end.suppressed and hatch_end.value is None
    assert [w["code"] for w in extract.warnings] == ["untracked_area"]
    assert not loaded.filter(note__contains="2024").exists()


def test_every_2024_row_carries_the_series_break_note():
    extract = run(SAMPLE_2024.read_bytes(), SAMPLE_2024.name)
    assert extract.status == Extract.Status.LOADED, extract.errors
    loaded = Observation.objects.filter(extract=extract)
    assert loaded.count() == 6
    assert all(o.note.startswith(BREAK_NOTE) for o in loaded)
    good = obs("OUT2_GP_ACCESS", "E84068", 2024)
    assert (good.value, good.numerator, good.denominator) == (63.48, 73, 115)
    poor = obs("OUT2_GP_ACCESS_POOR", "E84068", 2024)  # 0.0696 + 0.0522; 14/115 is not 12.18%
    assert (poor.value, poor.numerator) == (12.18, None)
    assert poor.note == f"{BREAK_NOTE}; GPPS base 115 respondents"


def test_an_xlsx_file_loads_like_the_csv():
    book = openpyxl.Workbook()
    sheet = book.active
    for i, row in enumerate(csv.reader(io.StringIO(SAMPLE_2023.read_text()))):
        sheet.append([float(c) if i and c.replace(".", "", 1).isdigit() and "." in c else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    extract = run(buffer.getvalue(), "GPPS_2023_Practice_data.xlsx")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert obs("OUT2_GP_ACCESS", "E84068", 2023).value == 68.18


def test_a_file_name_without_the_survey_year_is_refused():
    before = snapshot()
    extract = run(SAMPLE_2023.read_bytes(), "practice_results.csv")
    assert extract.status == Extract.Status.REFUSED
    assert [e["code"] for e in extract.errors] == ["gpps_year_unknown"]
    assert snapshot() == before


def test_percentages_instead_of_fractions_are_refused_by_line():
    text = SAMPLE_2023.read_text().replace(",0.6818,", ",68.18,").replace(",0.7426,", ",74.26,")
    before = snapshot()
    extract = run(text.encode(), SAMPLE_2023.name)
    assert extract.status == Extract.Status.REFUSED
    assert {(e["line"], e["code"], e["column"]) for e in extract.errors} == {
        (2, "not_a_fraction", "Q18_12pct"),
        (3, "not_a_fraction", "Q18_12pct"),
    }
    assert snapshot() == before


def test_a_practice_code_in_lower_case_is_refused_not_re_cased():
    text = SAMPLE_2023.read_text().replace("\nE84024,", "\ne84024,")
    before = snapshot()
    extract = run(text.encode(), SAMPLE_2023.name)
    assert extract.status == Extract.Status.REFUSED
    assert [(e["line"], e["column"], e["code"]) for e in extract.errors] == [(3, "Practice_Code", "code_not_canonical")]
    assert "did you mean 'E84024'" in extract.errors[0]["message"]
    assert snapshot() == before


REAL_2026 = Path(__file__).resolve().parents[4] / "tests" / "data" / "real-files"
REAL_2026 = REAL_2026 / "GPPS_2026_Practice_data_columns_excerpt.csv"


def test_the_real_2026_file_is_detected_and_its_practices_not_ours_are_named_not_loaded():
    """The real file as published (189 of its columns): detected as GPPS by its columns, 2026 from its name; its
    two practices are not ours, so nothing is loaded and the extract is refused as such, never called a success."""
    extract = run(REAL_2026.read_bytes(), REAL_2026.name)
    assert extract.format == "gpps"
    assert extract.status == Extract.Status.REFUSED
    assert [e["code"] for e in extract.errors] == ["nothing_loaded"]
    assert [(w["code"], w["column"]) for w in extract.warnings] == [("untracked_area", "ad_practicecode")]


def test_a_real_2026_row_for_one_of_our_practices_loads_with_its_published_interval():
    """The real A84002 row under one of our codes (E84068): the good value with the file's own 95% interval and
    the unweighted respondents in the note, the poor value (no 'fairly' or 'very poor' answers) as 0 of 111;
    the 2-response practice (-97 everywhere) is not ours and is skipped."""
    content = REAL_2026.read_bytes().replace(b"\nA84002,", b"\nE84068,")
    extract = run(content, REAL_2026.name)
    assert extract.status == Extract.Status.LOADED, extract.errors
    good, poor = obs("OUT2_GP_ACCESS", "E84068", 2026), obs("OUT2_GP_ACCESS_POOR", "E84068", 2026)
    assert (good.value, good.lower_ci, good.upper_ci) == (93.978006, 89.331903, 96.67596)
    assert (good.numerator, good.denominator) == (None, None)
    assert good.note == f"{BREAK_NOTE}; GPPS base 111 respondents"
    assert (poor.value, poor.numerator, poor.denominator) == (0, 0, 111)
