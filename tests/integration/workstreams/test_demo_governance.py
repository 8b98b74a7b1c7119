"""The demo world's governance is complete: an SRO for every workstream, a reporter on every report, commentary on
the outcomes and recent community insight; demo people are visibly demo; people are shown by name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Commentary
from outcomes.selectors import outcome_indicators
from workstreams.models import CommunityInsight, StatusReport, Workstream

pytestmark = pytest.mark.django_db


def test_every_active_workstream_has_a_named_demo_or_plan_sro():
    workstreams = list(Workstream.objects.filter(is_active=True).select_related("sro"))
    assert len(workstreams) == 16
    assert all(w.sro is not None and not w.sro.is_placeholder for w in workstreams)
    invented = [w.sro.name for w in workstreams if w.sro.name.startswith("Demo SRO (")]
    assert invented, "the workstreams the demo does not lead get a 'Demo SRO (partner)'"
    assert all("demo" in w.sro.name.lower() for w in workstreams), "demo people are visibly demo"


def test_the_fixture_still_says_to_be_confirmed():
    """The definition file is the plan's truth: the demo loader, not the fixture, fills the SROs."""
    import tomllib
    from pathlib import Path

    from django.conf import settings

    plan = tomllib.loads((Path(settings.BASE_DIR) / "fixtures" / "workstreams.toml").read_text())
    assert not any("demo" in str(w.get("sro", "")).lower() for w in plan["workstream"])


def test_every_demo_report_has_a_reporter():
    assert StatusReport.objects.exists()
    assert not StatusReport.objects.filter(reported_by__isnull=True).exists()


def test_outcomes_have_commentary_and_insight_is_recent():
    outcomes = list(outcome_indicators())
    noted = set(Commentary.objects.filter(indicator__in=outcomes).values_list("indicator_id", flat=True))
    assert noted == {i.pk for i in outcomes}
    newest = CommunityInsight.objects.order_by("-heard_on").first()
    assert newest is not None and newest.heard_on >= timezone.localdate() - dt.timedelta(days=62)
    assert newest.recorded_by is not None


def test_pages_name_people_not_logins(role_client):
    client = role_client("sro")
    workstream = Workstream.objects.get(code="frailty")
    page = client.get(reverse("dashboards:workstream", args=[workstream.code])).content.decode()
    assert "Reported by Priya Shah (demo)" in page
    assert "Reported by sro" not in page and "(unknown)" not in page
    assert "Sign out Priya Shah (demo)" in page


def test_a_user_without_person_shows_full_name_then_username(django_user_model):
    from harrow_bbp.people import display_name

    analyst = django_user_model.objects.get(username="analyst")
    assert display_name(analyst) == "Alex Analyst (demo)"
    analyst.first_name = analyst.last_name = ""
    assert display_name(analyst) == "analyst"
    assert display_name(None, "(system)") == "(system)"
