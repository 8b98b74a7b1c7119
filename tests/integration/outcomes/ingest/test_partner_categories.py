"""The partner breakdown's categories come from governance through a registered source, not an import
(docs/adr/0015-layering.md): added partners are valid at once, unknown ones are refused with their line."""

from __future__ import annotations

import pytest

from outcomes import actions
from outcomes.ingest import pipeline, reference
from outcomes.models import Extract
from workstreams.models import Partner

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]

HEADER = "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator,value,note"


def run(partner: str) -> Extract:
    row = f"OUT4_STAFF_TURNOVER,E09000015,2025-10-01,2026-09-30,partner,{partner},12,100,12.0,"
    extract = actions.receive_extract(
        file_name="staff.csv", content=f"{HEADER}\n{row}\n".encode(), format="auto", source=Extract.Source.UPLOAD
    )
    return pipeline.run_extract(extract.pk).extract


def test_partner_codes_are_read_afresh_from_governance():
    before = reference.current().categories["partner"]
    assert before == frozenset(Partner.objects.values_list("code", flat=True))
    assert "harrow-council" in before
    Partner.objects.create(code="new-partner", name="A partner added after start-up", kind="voluntary")
    assert "new-partner" in reference.current().categories["partner"]


def test_a_known_partner_loads_and_an_unknown_one_is_refused_with_its_line():
    assert run("harrow-council").status == Extract.Status.LOADED
    refused = run("not-a-partner")
    assert refused.status == Extract.Status.REFUSED
    assert [(e["line"], e["column"]) for e in refused.errors] == [(2, "category")]
