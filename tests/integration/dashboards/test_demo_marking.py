"""Figures generated for the demo are tagged "Demo data" on every outcome tile and chart; real ones are not."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from outcomes.models import Extract, Indicator, Observation
from outcomes.selectors import indicators_with_demo_data, outcome_indicators

pytestmark = pytest.mark.django_db

TAG = '<strong class="app-tag app-tag--demo">Demo data</strong>'


def test_the_selector_names_indicators_whose_current_values_are_demo():
    demo = indicators_with_demo_data()
    assert {i.pk for i in outcome_indicators()} <= demo
    real = Indicator.objects.exclude(pk__in=demo)
    assert not Observation.objects.filter(indicator__in=real, is_current=True, extract__source="demo").exists()


def test_the_selector_agrees_with_reading_every_current_row():
    """The probe (first demo row per indicator) gives what a full read gives, also once an indicator's current
    rows come from a real extract and another's only partly do."""

    def every_current_row() -> set[int]:
        rows = Observation.objects.filter(is_current=True, extract__source="demo").order_by()
        return set(rows.values_list("indicator_id", flat=True).distinct())

    assert indicators_with_demo_data() == every_current_row()
    real = Extract.objects.create(file_name="real.csv", sha256="0" * 64, format="generic", source="command")
    wholly, partly = sorted(every_current_row())[:2]
    Observation.objects.filter(indicator_id=wholly).update(extract=real)
    first = Observation.objects.filter(indicator_id=partly, is_current=True).order_by("-area_id", "-period_start")[
        0
    ]  # the last the probe reaches
    Observation.objects.filter(indicator_id=partly).exclude(pk=first.pk).update(extract=real)
    found = indicators_with_demo_data()
    assert found == every_current_row()
    assert wholly not in found and partly in found


def test_every_outcome_tile_carries_the_tag(board_client):
    html = board_client.get(reverse("dashboards:board")).content.decode()
    for indicator in outcome_indicators():
        tile = html.split(f'id="outcome-{indicator.code}"')[0].rsplit('<section class="nhsuk-card app-outcome"', 1)[1]
        assert TAG in tile, indicator.code
    assert "are generated for demonstration and are not real" in html


def test_every_chart_on_an_indicator_and_pcn_page_carries_the_tag(role_client):
    client = role_client("analyst")
    for url in (
        reverse("dashboards:indicator", args=["OUT5_ACSC_ADMISSIONS"]),
        reverse("dashboards:pcn", args=["U84846"]),
    ):
        html = client.get(url).content.decode()
        figures = html.split('<figure class="app-figure"')[1:]
        assert figures and all(TAG in f.split("</figure>")[0] for f in figures), url


def test_real_figures_are_not_tagged(board_client):
    """Once no current value comes from a demo extract, no tile, chart or footer says demo."""
    Extract.objects.filter(source="demo").update(source=Extract.Source.COMMAND)
    html = board_client.get(reverse("dashboards:board")).content.decode()
    assert TAG not in html and "generated for demonstration" not in html
    html = board_client.get(reverse("dashboards:indicator", args=["OUT5_ACSC_ADMISSIONS"])).content.decode()
    assert TAG not in html


def test_the_board_pack_tags_each_demo_outcome_page():
    import datetime as dt

    from dashboards.board_pack import content

    gathered = content.gather(dt.date.today().replace(day=1) - dt.timedelta(days=1))
    html = content.render_html(gathered)
    pages = re.split(r'<section[^>]* class="section outcome"', html)[1:]
    assert pages and len(pages) == len(gathered.outcomes)
    assert all('<strong class="demo-tag">Demo data</strong>' in p.split("</section>")[0] for p in pages)
