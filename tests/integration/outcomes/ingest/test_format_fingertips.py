"""The Fingertips sample through `manage.py ingest`: exactly what is loaded, skipped and refused."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract, Observation

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
REPO = Path(__file__).resolve().parents[4]
SAMPLE = REPO / "fixtures" / "samples" / "fingertips_example.csv"


def current(code: str, area: str, start: str, end: str) -> Observation:
    return Observation.objects.get(
        indicator__code=code,
        area__code=area,
        period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end),
        breakdown="all",
        category="all",
        is_current=True,
    )


def run(content: str, name: str = "indicators.csv") -> Extract:
    extract = actions.receive_extract(
        file_name=name, content=content.encode(), format="auto", source=Extract.Source.UPLOAD
    )
    return pipeline.run_extract(extract.pk).extract


def test_the_sample_loads_exactly_the_tracked_rows():
    out = StringIO()
    call_command("ingest", str(SAMPLE), stdout=out, stderr=StringIO())
    assert (
        "Loaded fingertips_example.csv as fingertips: 18 rows read, 13 inserted, 4 superseded, 0 unchanged, "
        "4 warnings." in out.getvalue()
    )
    extract = Extract.objects.latest("pk")
    loaded = Observation.objects.filter(extract=extract)
    assert loaded.count() == 13
    assert sorted(set(loaded.values_list("indicator__code", flat=True))) == [
        "JSNA_FALLS_65_PLUS",
        "JSNA_INFANT_MORTALITY",
        "JSNA_LIFE_EXPECTANCY_FEMALE",
        "JSNA_LIFE_EXPECTANCY_MALE",
    ]
    # Male and female rows of one Fingertips id go to two indicators; a 3-year pooled period is 3 calendar years.
    male = current("JSNA_LIFE_EXPECTANCY_MALE", "E09000015", "2018-01-01", "2020-12-31")
    assert (male.value, male.lower_ci, male.upper_ci, male.numerator) == (82.2, 81.6, 82.8, None)
    assert current("JSNA_LIFE_EXPECTANCY_FEMALE", "E09000015", "2018-01-01", "2020-12-31").value == 85.7
    # A crude rate whose value is count/denominator x 1,000 keeps its counts...
    infant = current("JSNA_INFANT_MORTALITY", "E09000015", "2018-01-01", "2020-12-31")
    assert (infant.numerator, infant.denominator, infant.value) == (41, 10512, 3.9)
    # ...a standardised rate does not: the counts go to the note, and the financial year runs April to March.
    falls = current("JSNA_FALLS_65_PLUS", "E09000015", "2019-04-01", "2020-03-31")
    assert (falls.value, falls.numerator, falls.denominator) == (2380, None, None)
    assert "count 780, denominator 38210" in falls.note
    suppressed = current("JSNA_INFANT_MORTALITY", "E09000015", "2021-01-01", "2021-12-31")
    assert suppressed.suppressed and suppressed.value is None
    # Skipped: Barnet (not ours), the untracked indicator 93553, the England decile row; England is read once.
    assert not loaded.filter(area__code="E09000003").exists()
    assert loaded.filter(area__code="E92000001", indicator__code="JSNA_LIFE_EXPECTANCY_MALE").count() == 1
    codes = [w["code"] for w in extract.warnings]
    assert sorted(codes) == ["repeated_rows", "rows_skipped", "untracked_area", "untracked_indicator"]
    # The plan's own 2018-20 values for Harrow are superseded by the source's (same value, new note).
    assert Observation.objects.filter(superseded_by=extract).count() == 4


def test_a_dynamically_named_comparison_column_is_recognised():
    text = SAMPLE.read_text().replace(
        "Compared to Region value or percentiles", "Compared to Counties & UAs (from Apr 2021) value or percentiles"
    )
    extract = run(text)
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert extract.format == "fingertips"


def test_a_bad_file_is_refused_with_lines_and_nothing_is_written():
    lines = SAMPLE.read_text().splitlines()
    lines[6] = lines[6].replace("2018 - 20", "2018 - 21")  # line 7: '3y' range but 4 years
    lines[13] = lines[13].replace("2019/20", "2019/21")  # line 14: not a financial year
    lines[14] = lines[14].replace(",20190000,", ",20200000,")  # line 15: sortable disagrees with the text
    before = (Observation.objects.count(), Observation.objects.filter(is_current=True).count())
    extract = run("\n".join(lines) + "\n")
    assert extract.status == Extract.Status.REFUSED
    assert {(e["line"], e["code"]) for e in extract.errors} == {
        (7, "bad_period"),
        (14, "bad_period"),
        (15, "bad_period"),
    }
    assert (Observation.objects.count(), Observation.objects.filter(is_current=True).count()) == before


def test_counts_that_disagree_with_the_value_go_to_the_note_not_to_validation():
    """A crude proportion whose published value disagrees with its counts keeps the value, not the counts."""
    lines = SAMPLE.read_text().splitlines()
    lines[11] = lines[11].replace(",41,10512,", ",45,10512,")  # Harrow infant mortality: 45/10512 = 4.28 != 3.9
    extract = run("\n".join(lines) + "\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    infant = current("JSNA_INFANT_MORTALITY", "E09000015", "2018-01-01", "2020-12-31")
    assert (infant.value, infant.numerator) == (3.9, None)
    assert "count 45" in infant.note


def test_a_tracked_area_s_code_in_lower_case_is_refused_as_mistyped_not_skipped_as_untracked():
    lines = SAMPLE.read_text().splitlines()
    ours = [i for i, line in enumerate(lines) if ",E09000015," in line]
    assert ours, "the sample has Harrow rows"
    for i in ours:
        lines[i] = lines[i].replace(",E09000015,", ",e09000015,")
    extract = run("\n".join(lines) + "\n")
    assert extract.status == Extract.Status.REFUSED
    [error] = [e for e in extract.errors if e["code"] == "bad_code"]
    assert error["line"] == ours[0] + 1 and "did you mean 'E09000015'" in error["message"]
