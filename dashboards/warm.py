"""Build the most-read pages into the cache after new data arrives, in a worker, so readers never wait.

Covers the board (with its overdue list and the JSNA counts, so the JSNA page too), the outcome indicators for
Harrow and each PCN (both disclosure levels) and the PCN pages (each practice scope). Building those computes and
stores the indicators' controlled frames (``dashboards.controlled``, ADR 0031), so a page built after the cache
has emptied reads them back instead of computing them, and stores the overview's summaries and the controlled
rows each page shows (``dashboards.stored``, ADR 0032); summaries of earlier data versions are then deleted.
Other pages are built on first request. The task (``dashboards.tasks.warm_pages_task``) runs only when a real
broker is configured (DASHBOARD_WARM_AFTER_LOAD), since in-process (eager) tasks would make every upload wait for
it.
"""

from __future__ import annotations

from django.utils import timezone

from outcomes.selectors import HARROW_CODE, harrow_pcns, outcome_indicator_codes

from .actions import forget_summaries_computed_before
from .cache import data_version


def warm_pages() -> int:
    """Build and cache the pages above at the current data version; returns how many were built or found."""
    from . import pages  # here, not at start-up: the page builders import scipy and plotly (seconds per command)

    started, today, version = timezone.now(), timezone.localdate(), data_version()
    count = 6
    borough, _ = pages.board(today, version)
    pages.board_changes(today, version)  # the overview's "since last month" and its matrix
    pages.tracked_icons(borough, version)
    pages.overdue(today, borough, version)
    pages.jsna(version)
    pages.jsna_counts(version)
    pcns = [pcn.code for pcn in harrow_pcns()]
    for code in outcome_indicator_codes():
        for area_code in (HARROW_CODE, *pcns):
            for unsuppressed in (False, True):
                pages.indicator(code, area_code, today, unsuppressed, version=version)
                count += 1
    for code in pcns:
        for shows, unsuppressed in ((False, False), (True, False), (True, True)):
            pages.pcn(code, shows, unsuppressed, version=version)
            count += 1
    forget_summaries_computed_before(when=started)  # computed for earlier data versions (ADR 0032)
    return count
