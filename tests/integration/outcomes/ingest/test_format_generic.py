"""The generic template and its filled example, as docs/formats/generic.md describes them."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract, Observation

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
SAMPLES = Path(__file__).resolve().parents[4] / "fixtures" / "samples"


def test_the_filled_example_loads():
    out = StringIO()
    call_command("ingest", str(SAMPLES / "generic_example.csv"), stdout=out, stderr=StringIO())
    assert "Loaded generic_example.csv as generic: 7 rows read" in out.getvalue()
    extract = Extract.objects.latest("pk")
    rows = Observation.objects.filter(extract=extract, is_derived=False)
    assert rows.count() == 7
    suppressed = rows.get(breakdown="imd_quintile", category="5")
    assert suppressed.suppressed and suppressed.value is None and suppressed.numerator is None
    assert rows.get(indicator__code="OUT5_ACSC_ADMISSIONS").value == pytest.approx(12 / 10450 * 1000)


def test_the_template_has_the_columns_and_no_rows():
    content = (SAMPLES / "generic_template.csv").read_bytes()
    assert content.decode().strip().split(",")[:4] == ["indicator_code", "org_code", "period_start", "period_end"]
    extract = actions.receive_extract(
        file_name="generic_template.csv", content=content, format="auto", source=Extract.Source.UPLOAD
    )
    extract = pipeline.run_extract(extract.pk).extract
    assert extract.status == Extract.Status.REFUSED
    assert [e["code"] for e in extract.errors] == ["no_rows"]
