"""Free text is refused, never cut: notes over the stored length, markup, formulas; ODS practice and PCN names
get the same checks as any other text before they become area names."""

from __future__ import annotations

from pathlib import Path

import pytest

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Area, Extract, Observation, PracticeMembership

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"
HEADER = "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator,value,note"
ROW = "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,all,all,600,1000,60.0,"


def run(content: bytes | str, name: str = "x.csv") -> Extract:
    data = content.encode() if isinstance(content, str) else content
    extract = actions.receive_extract(file_name=name, content=data, format="auto", source=Extract.Source.UPLOAD)
    return pipeline.run_extract(extract.pk).extract


def errors(extract: Extract) -> list[tuple[int | None, str | None, str]]:
    return [(e["line"], e["column"], e["code"]) for e in extract.errors]


def state():
    return (
        sorted(Area.objects.values_list("code", "name")),
        PracticeMembership.objects.count(),
        Observation.objects.count(),
    )


def test_a_note_at_the_stored_length_loads_whole():
    note = "n" * 255
    extract = run(f"{HEADER}\n{ROW}{note}\n")
    assert extract.status == Extract.Status.LOADED, extract.errors
    assert Observation.objects.get(extract=extract).note == note


def test_an_overlong_note_is_refused_with_its_length_not_cut():
    before = state()
    extract = run(
        f"{HEADER}\n{ROW}{'n' * 256}\n{ROW.replace('2019-04-01,2020-03-31', '2020-04-01,2021-03-31')}{'m' * 40_000}\n"
    )
    assert extract.status == Extract.Status.REFUSED
    assert errors(extract) == [(2, "note", "too_long"), (3, "note", "too_long")]
    assert "40,000 characters long; the limit is 255" in extract.errors[1]["message"]
    assert "mmm" not in extract.errors[1]["message"]
    assert state() == before


def test_markup_in_a_note_is_refused():
    extract = run(f"{HEADER}\n{ROW}see <script>alert(1)</script>\n")
    assert errors(extract) == [(2, "note", "markup")]


@pytest.mark.parametrize(
    "hidden",
    ["\x07", "\x1b[31m", "\x7f", "\u202e", "\u2066"],
    ids=["bell", "escape", "del", "rlo", "lri"],
)
def test_an_invisible_control_character_in_a_note_is_refused(hidden):
    """(A NUL makes the whole file binary: refused as binary_file before any row is read.)"""
    before = state()
    extract = run(f"{HEADER}\n{ROW}Survey{hidden} 2019\n")
    assert errors(extract) == [(2, "note", "control_character")]
    assert state() == before


def test_a_tab_and_a_quoted_line_break_in_a_note_are_text():
    extract = run(f'{HEADER}\n{ROW}"Survey\t2019\nwave 2"\n')
    assert extract.status == Extract.Status.LOADED, extract.errors


def epraccur_with_name(name: str) -> bytes:
    content = (SAMPLES / "epraccur_sample.csv").read_bytes()
    return content.replace(b'"THE PINN MEDICAL CENTRE"', b'"' + name.encode() + b'"', 1)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ('=HYPERLINK(""http://evil.example"",""Pinn"")', "formula"),
        ("  @SUM(1)", "formula"),
        ("THE PINN <img src=x onerror=alert(1)>", "markup"),
        ("THE PINN " + "X" * 200, "too_long"),
        ("THE PINN\x08 MEDICAL CENTRE", "control_character"),
    ],
)
def test_epraccur_practice_names_get_the_text_checks(name, code):
    before = state()
    extract = run(epraccur_with_name(name), "epraccur.csv")
    assert extract.status == Extract.Status.REFUSED
    assert errors(extract) == [(2, "column 2 (name)", code)]
    assert state() == before


def test_epcn_practice_and_pcn_names_get_the_text_checks():
    lines = (SAMPLES / "epcn_sample.csv").read_text().splitlines()
    lines[1] = lines[1].replace("THE RIDGEWAY SURGERY", "<b>THE RIDGEWAY SURGERY</b>")
    lines[2] = lines[2].replace("HEALTHSENSE PCN", "-HEALTHSENSE+1")
    before = state()
    extract = run("\n".join(lines) + "\n", "epcn.csv")
    assert extract.status == Extract.Status.REFUSED
    assert errors(extract) == [(2, "Partner Name", "markup"), (3, "PCN Name", "formula")]
    assert state() == before


def test_the_epraccur_sample_still_loads():
    extract = run((SAMPLES / "epraccur_sample.csv").read_bytes(), "epraccur.csv")
    assert extract.status == Extract.Status.LOADED, extract.errors
