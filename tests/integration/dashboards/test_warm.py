"""After new data, the most-read pages are built into the cache so readers never wait for a build."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards import board, warm
from outcomes.signals import extract_loaded

pytestmark = pytest.mark.django_db


def test_warmed_pages_are_served_without_building(board_client, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    count = warm.warm_pages()
    assert count == 1 + 7 * 6 * 2 + 5 * 3  # board, outcome indicators x areas x levels, PCN pages x scopes

    def fail(*args, **kwargs):
        raise AssertionError("the board was built again instead of served from the cache")

    monkeypatch.setattr(board, "board_tiles", fail)
    assert board_client.get(reverse("dashboards:board")).status_code == 200


def test_a_load_queues_warming_only_when_enabled(settings, monkeypatch):
    sent = []
    monkeypatch.setattr(warm.warm_pages_task, "delay", lambda: sent.append(1))
    settings.DASHBOARD_WARM_AFTER_LOAD = False
    extract_loaded.send(sender=None, extract=None)
    assert sent == []
    settings.DASHBOARD_WARM_AFTER_LOAD = True
    extract_loaded.send(sender=None, extract=None)
    assert sent == [1]
