"""What a PCN page shows of its practices (`dashboards.pcn_practices`): computed alone, as the stored part is
(ADR 0032), it is the part the page computes beside its spine; the practices' rows are read only when needed."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboards import pcn_page
from dashboards.controlled import controlled_for
from dashboards.pcn_practices import PracticesPart, practices_part
from outcomes.selectors import pcn_data

pytestmark = pytest.mark.django_db

OWN_PCN = "U84846"  # the demo PCN lead's


@pytest.mark.parametrize("unsuppressed", [False, True], ids=["controlled", "exact"])
def test_the_part_computed_alone_is_the_part_the_page_computes_beside_its_spine(unsuppressed):
    """The stored part is computed without the spine's rows (it overlays the PCNs' values itself); every row,
    funnel, matrix cell and download cell is the one the page computes with them."""
    data = pcn_data(OWN_PCN)
    controlled = None if unsuppressed else controlled_for(data.indicators)
    page = pcn_page.build(data, shows_practices=True, unsuppressed=unsuppressed, controlled_frame=controlled)
    alone = practices_part(data, unsuppressed=unsuppressed, controlled_frame=controlled)
    assert alone.rows == page.practice_rows and alone.columns == page.practice_columns
    assert alone.links == page.practice_links
    assert alone.funnels == page.funnels  # figures, tables, links and summaries
    assert alone.matrix == page.matrix
    pd.testing.assert_frame_equal(alone.export, page.practice_export)
    assert alone.export_decimals == page.practice_export_decimals
    # ... and not an empty part that would agree trivially: funnels drawn, the PCN's value beside each practice's
    assert alone.funnels and alone.matrix.rows
    assert {row["pcn_value"] for row in alone.rows} - {"", "—"}


def test_a_pcn_without_practices_shows_none_and_its_page_still_builds():
    data = dataclasses.replace(pcn_data(OWN_PCN), practices=[])
    assert practices_part(data, unsuppressed=True, controlled_frame=None) == PracticesPart()
    page = pcn_page.build(data, shows_practices=True, unsuppressed=True)
    assert page.spine is not None  # the PCN against the others, as before
    assert page.funnels == [] and page.practice_rows == [] and page.matrix is None and page.practice_export is None


def test_the_practices_rows_are_read_once_and_only_when_used():
    data = pcn_data(OWN_PCN)
    with CaptureQueriesContext(connection) as first:
        rows = data.practice_latest
    with CaptureQueriesContext(connection) as again:
        assert data.practice_latest is rows
    assert len(first) == 1 and len(again) == 0
    assert set(rows["area_id"]) == {p.pk for p in data.practices}
