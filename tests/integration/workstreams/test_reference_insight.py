"""The plan's Appendix A loads as insight, once, however often the reference data are loaded."""

import os

import pytest
from django.core.management import call_command

from workstreams.models import CommunityInsight, InsightTheme

pytestmark = pytest.mark.django_db


def test_appendix_a_loads_once_with_its_themes_and_workstreams():
    with open(os.devnull, "w") as quiet:
        call_command("load_reference_data", stdout=quiet)
        call_command("load_reference_data", stdout=quiet)
    assert InsightTheme.objects.count() == 5
    plan = CommunityInsight.objects.filter(source__contains="plan Appendix A")
    assert plan.count() == 5
    vaccine = plan.get(theme__code="vaccine-promotion")
    assert "40% of those spoken with had not taken up the vaccine offer" in vaccine.what_we_heard
    assert "140 students" in vaccine.what_we_did and vaccine.status == "done"
    assert set(vaccine.workstreams.values_list("code", flat=True)) == {"community-champions", "core20plus5"}


def test_demo_governance_loads_once():
    from workstreams.models import Risk, StatusReport

    risks, reports = Risk.objects.count(), StatusReport.objects.count()
    with open(os.devnull, "w") as quiet:
        call_command("load_demo_governance", stdout=quiet)
    assert (Risk.objects.count(), StatusReport.objects.count()) == (risks, reports)
    assert risks >= 6 and reports > 100
