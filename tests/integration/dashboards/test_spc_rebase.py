"""A recorded SPC rebase splits the indicator page's chart into two processes and says why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from outcomes.models import Area, Indicator, SpcRebase

pytestmark = pytest.mark.django_db
CODE = "OUT5_ACSC_ADMISSIONS"


def spc_rows(client, area_code: str) -> tuple[list[dict], str]:
    cache.clear()
    response = client.get(reverse("dashboards:indicator_area", args=[CODE, area_code]))
    assert response.status_code == 200
    chart = response.context["page"].spc_chart
    return chart.table, chart.summary


def test_without_a_rebase_the_chart_is_one_process(role_client):
    rows, summary = spc_rows(role_client("analyst"), "E09000015")
    assert {str(r["group"]) for r in rows} == {"1"}
    assert "recalculated" not in summary


def test_a_rebase_starts_a_second_process_with_its_own_mean_and_the_reason(role_client):
    SpcRebase.objects.create(
        indicator=Indicator.objects.get(code=CODE),
        area=Area.objects.get(code="E09000015"),
        starts=dt.date(2025, 4, 1),
        reason="Integrated diabetes teams live in every PCN.",
    )
    rows, summary = spc_rows(role_client("analyst"), "E09000015")
    before = [r for r in rows if r["period_end"] < "2025-04-01"]
    after = [r for r in rows if r["period_end"] >= "2025-04-01"]
    assert before and after
    assert {str(r["group"]) for r in before} == {"1"} and {str(r["group"]) for r in after} == {"2"}
    assert len({r["mean"] for r in before}) == 1 and len({r["mean"] for r in after}) == 1
    assert before[0]["mean"] != after[0]["mean"]
    assert "recalculated from Apr 2025: Integrated diabetes teams live in every PCN." in summary


def test_the_demo_records_its_step_change_as_a_rebase_for_one_pcn(role_client):
    rows, summary = spc_rows(role_client("analyst"), "U84846")
    assert {str(r["group"]) for r in rows} == {"1", "2"}
    assert "(demo)" in summary
