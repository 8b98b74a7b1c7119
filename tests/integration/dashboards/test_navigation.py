"""Two clicks from the board overview to any indicator, any area and any breakdown."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from outcomes.models import Area, Indicator, PracticeMembership

pytestmark = pytest.mark.django_db

ACSC = "OUT5_ACSC_ADMISSIONS"
PCNS = ("U84846", "U60450", "U51050", "U10339", "U89806")


def hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_the_board_overview_links_the_indicators_index_and_every_pcn(board_client):
    links = hrefs(board_client.get(reverse("dashboards:board")).content.decode())
    assert reverse("dashboards:indicators") in links
    assert {reverse("dashboards:pcn", args=[code]) for code in PCNS} <= links


def test_the_index_links_every_indicator_its_pcn_pages_and_its_breakdowns(board_client):
    response = board_client.get(reverse("dashboards:indicators"))
    assert response.status_code == 200
    html = response.content.decode()
    links = hrefs(html)
    for title in ("Partnership outcome measures", "Performance measures", "Core20PLUS5", "JSNA headline indicators"):
        assert title in html
    for indicator in Indicator.objects.all():
        assert reverse("dashboards:indicator", args=[indicator.code]) in links, indicator.code
        for breakdown in indicator.breakdowns:
            assert f"{reverse('dashboards:indicator', args=[indicator.code])}#breakdown-{breakdown}" in links
        if "pcn" in indicator.levels:
            assert {reverse("dashboards:indicator_area", args=[indicator.code, code]) for code in PCNS} <= links


def test_breakdown_sections_have_ids_and_pcn_names_link_to_the_pcn_page(board_client):
    response = board_client.get(reverse("dashboards:indicator", args=[ACSC]))
    html = response.content.decode()
    for chart in response.context["page"].breakdown_charts:
        assert f'<section id="{chart.key}"' in html
    assert 'id="breakdown-imd_quintile"' in html
    links = hrefs(html)
    assert {reverse("dashboards:indicator_area", args=[ACSC, code]) for code in PCNS} <= links
    assert reverse("dashboards:indicators") in links


def test_pcn_spine_rows_link_to_the_indicator_page_for_that_pcn(board_client):
    response = board_client.get(reverse("dashboards:pcn", args=["U84846"]))
    spine = response.context["page"].spine
    codes = {i.display_name: i.code for i in Indicator.objects.all()}
    expected = [reverse("dashboards:indicator_area", args=[codes[r["indicator"]], "U84846"]) for r in spine.table]
    assert spine.links == expected
    assert set(expected) <= hrefs(response.content.decode())


def test_practice_rows_link_to_the_practice_page_for_those_allowed_to_see_it(role_client):
    client = role_client("pcnlead")
    response = client.get(reverse("dashboards:pcn", args=["U84846"]))
    links = hrefs(response.content.decode())
    practices = PracticeMembership.objects.filter(pcn__code="U84846", end__isnull=True)
    practice_codes = {m.practice.code for m in practices}
    practice_links = {link for link in links if any(f"/{code}/" in link for code in practice_codes)}
    assert practice_links and all(link.startswith("/indicators/") for link in practice_links)
    assert len(response.context["page"].practice_links) == len(response.context["page"].practice_rows)
    assert client.get(sorted(practice_links)[0]).status_code == 200
    # A board member sees no practice table, so no practice links.
    board_html = role_client("board").get(reverse("dashboards:pcn", args=["U84846"])).content.decode()
    assert not any(f"/{code}/" in link for link in hrefs(board_html) for code in practice_codes)
    assert Area.objects.filter(code__in=practice_codes, level="practice").count() == len(practice_codes)
