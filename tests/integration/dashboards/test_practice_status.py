"""A practice's ODS status (from epraccur) is shown where practices are listed: the PCN page and the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outcomes import actions
from outcomes.models import Area

pytestmark = pytest.mark.django_db


def test_a_dormant_practice_says_so_in_its_pcns_practice_table(role_client):
    practice = Area.objects.get(code="E84068")  # The Ridgeway Surgery, Healthsense PCN
    actions.set_area_status(area=practice, status="dormant")
    page = role_client("analyst").get(reverse("dashboards:pcn", args=["U84846"])).context["page"]
    names = {row["practice"] for row in page.practice_rows}
    assert f"{practice.display_name} (dormant)" in names
    assert all("(dormant)" not in name for name in names - {f"{practice.display_name} (dormant)"})


def test_an_active_practice_carries_no_note(role_client):
    actions.set_area_status(area=Area.objects.get(code="E84068"), status="active")
    page = role_client("analyst").get(reverse("dashboards:pcn", args=["U84846"])).context["page"]
    names = {row["practice"] for row in page.practice_rows}
    assert "The Ridgeway Surgery" in names
    assert not any(n.endswith(("(dormant)", "(closed)", "(proposed)", "(active)")) for n in names)


def test_the_admin_lists_and_filters_areas_by_ods_status(role_client):
    actions.set_area_status(area=Area.objects.get(code="E84068"), status="dormant")
    response = role_client("admin").get(reverse("admin:outcomes_area_changelist"), {"ods_status": "dormant"})
    assert response.status_code == 200
    listed = [area.code for area in response.context["cl"].result_list]
    assert listed == ["E84068"]


def test_a_practices_own_indicator_page_says_its_status(role_client):
    """The practice page (an indicator at the practice) names the status in its title and caption; set back to
    active, the note goes."""
    practice = Area.objects.get(code="E84068")
    actions.set_area_status(area=practice, status="closed")
    url = reverse("dashboards:indicator_area", args=["PERF_DIABETES_9CP", "E84068"])
    html = role_client("analyst").get(url).content.decode()
    assert f"{practice.display_name} (closed)" in html.split("</title>", 1)[0]
    assert f'nhsuk-caption-l">{practice.display_name} (closed)' in html
    actions.set_area_status(area=practice, status="active")
    html = role_client("analyst").get(url).content.decode()
    assert "(closed)" not in html
