"""After new data, the most-read pages are built into the cache so readers never wait for a build."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards import jsna_page, pages, tasks, warm
from outcomes.selectors import outcome_indicator_codes
from outcomes.signals import extract_loaded

pytestmark = pytest.mark.django_db

PCNS = ("U84846", "U60450", "U51050", "U10339", "U89806")


@pytest.mark.slow  # builds every page for every role
def test_warmed_pages_are_served_without_building(board_client, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    count = warm.warm_pages()
    # board, changes since last month, the matrix's icons, overdue list, JSNA page and its counts; outcome
    # indicators x areas x levels; PCN pages x scopes
    assert count == 6 + 7 * 6 * 2 + 5 * 3
    # ... and the controlled frames are stored, so a page built after the cache empties reads them back
    from dashboards.models import ControlledFrame

    assert ControlledFrame.objects.filter(indicator__code="OUT5_ACSC_ADMISSIONS", rows__gt=0).exists()
    # ... and so are the overview's summaries (ADR 0032)
    from dashboards.models import StoredSummary

    names = set(StoredSummary.objects.values_list("name", flat=True))
    assert {"board_changes", "tracked_icons", "jsna_counts", "overdue"} <= names
    # ... with the controlled rows of every warmed page under disclosure control: each PCN page's two controlled
    # scopes and each outcome's page for Harrow and each PCN
    assert {f"pcn_controlled:{code}:{scope}" for code in PCNS for scope in ("pcns", "practices")} <= names
    # ... and what each PCN page shows of its practices, at both disclosure levels
    assert {f"pcn_practices:{code}:{level}" for code in PCNS for level in ("controlled", "exact")} <= names
    assert {n for n in names if n.startswith("indicator_controlled:")} == {
        f"indicator_controlled:{code}:{area}" for code in outcome_indicator_codes() for area in ("E09000015", *PCNS)
    }

    def fail(*args, **kwargs):
        raise AssertionError("the board was built again instead of served from the cache")

    monkeypatch.setattr(pages, "board_tiles", fail)
    monkeypatch.setattr(pages, "overdue_indicators", fail)
    monkeypatch.setattr(jsna_page, "build", fail)
    assert board_client.get(reverse("dashboards:board")).status_code == 200
    assert board_client.get(reverse("dashboards:jsna")).status_code == 200


def test_a_load_queues_warming_only_when_enabled(settings, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.warm_pages_task, "delay", lambda: sent.append(1))
    settings.DASHBOARD_WARM_AFTER_LOAD = False
    extract_loaded.send(sender=None, extract=None)
    assert sent == []
    settings.DASHBOARD_WARM_AFTER_LOAD = True
    extract_loaded.send(sender=None, extract=None)
    assert sent == [1]
