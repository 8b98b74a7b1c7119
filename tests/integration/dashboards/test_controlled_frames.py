"""Controlled frames are stored by a fingerprint of their inputs and read back, not recomputed, while the inputs
are unchanged (dashboards.controlled.stored_or_controlled, ADR 0031)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from django.core.cache import cache
from django.db import IntegrityError
from django.urls import reverse

from dashboards import actions, controlled
from dashboards.models import ControlledFrame
from dashboards.selectors import stored_controlled_frame
from outcomes.models import Indicator, Observation
from outcomes.selectors.hierarchy import hierarchy_identity, hierarchy_observations

pytestmark = pytest.mark.django_db

CODE = "OUT5_ACSC_ADMISSIONS"


@pytest.fixture
def observations():
    return hierarchy_observations(Indicator.objects.get(code=CODE))


@pytest.fixture
def computations(monkeypatch):
    """Each call of the control itself on an indicator with rows, by indicator code (no rows is no work)."""
    calls: list[str] = []
    compute = controlled.control_hierarchy

    def counted(observations):
        if not observations.frame.empty:
            calls.append(observations.indicator.code)
        return compute(observations)

    monkeypatch.setattr(controlled, "control_hierarchy", counted)
    return calls


def test_a_frame_is_stored_once_and_read_back_unchanged_for_the_same_inputs(observations, computations):
    first = controlled.stored_or_controlled(observations)
    stored = ControlledFrame.objects.get(indicator=observations.indicator)
    assert (stored.fingerprint, stored.rows) == (controlled.fingerprint(observations), len(first))
    again = controlled.stored_or_controlled(hierarchy_observations(observations.indicator))
    assert computations == [CODE]
    pd.testing.assert_frame_equal(again, first)
    assert again["disclosure_suppressed"].any()  # the frame read back hides cells, as computed


def _supersede(row: Observation, numerator: float) -> None:
    """What a newer extract does to a row (ADR 0001): the old row stays, no longer current; a new one is stored."""
    Observation.objects.filter(pk=row.pk).update(is_current=False, superseded_by=row.extract)
    row.pk, row.numerator, row.is_current, row.superseded_by = None, numerator, True, None
    row.save()


def test_a_superseded_row_is_computed_afresh_and_replaces_the_stored_frame(observations, computations):
    controlled.stored_or_controlled(observations)
    row = Observation.objects.filter(
        indicator=observations.indicator, area__level="practice", is_current=True, numerator__gt=20
    ).first()
    _supersede(row, row.numerator - 15)
    changed = hierarchy_observations(observations.indicator)
    assert controlled.fingerprint(changed) != controlled.fingerprint(observations)
    frame = controlled.stored_or_controlled(changed)
    assert computations == [CODE, CODE]
    assert ControlledFrame.objects.filter(indicator=observations.indicator).count() == 1
    assert ControlledFrame.objects.get(indicator=observations.indicator).fingerprint == controlled.fingerprint(changed)
    pd.testing.assert_frame_equal(frame, controlled.control_hierarchy(changed))


def test_the_identity_read_without_the_rows_gives_the_fingerprint_of_the_rows(observations):
    identity = hierarchy_identity(observations.indicator)
    assert identity.row_identity[0] == len(observations.frame) > 1000
    assert controlled.fingerprint(identity) == controlled.fingerprint(observations)
    row = Observation.objects.filter(indicator=observations.indicator, area__level="pcn", is_current=True).first()
    _supersede(row, row.numerator)  # the same count, in a newer row: a new input all the same
    assert controlled.fingerprint(hierarchy_identity(observations.indicator)) != controlled.fingerprint(observations)
    assert controlled.fingerprint(hierarchy_identity(observations.indicator)) == controlled.fingerprint(
        hierarchy_observations(observations.indicator)
    )


def test_a_page_finds_the_stored_frame_without_reading_the_rows(observations, monkeypatch):
    controlled.stored_or_controlled(observations)

    def refuse(*args, **kwargs):
        raise AssertionError("the rows were read although a frame is stored for them")

    monkeypatch.setattr(controlled, "hierarchy_observations", refuse)
    frame = controlled.controlled_observations(observations.indicator)
    pd.testing.assert_frame_equal(frame, controlled.control_hierarchy(observations))


def test_any_change_to_what_the_control_reads_is_a_new_fingerprint(observations, monkeypatch):
    same = controlled.fingerprint(observations)
    assert controlled.fingerprint(hierarchy_observations(observations.indicator)) == same
    count, total, largest = observations.row_identity
    changed = [
        dataclasses.replace(observations, row_identity=(count, total + 1, largest + 1)),
        dataclasses.replace(observations, memberships=observations.memberships.iloc[1:]),
        dataclasses.replace(observations, pcn_parent=dict(list(observations.pcn_parent.items())[1:])),
    ]
    indicator = Indicator.objects.get(pk=observations.indicator.pk)
    indicator.decimal_places += 1
    changed.append(dataclasses.replace(observations, indicator=indicator))
    fingerprints = {controlled.fingerprint(o) for o in changed} | {same}
    monkeypatch.setattr(controlled, "rules_digest", lambda: "rules as changed")  # a change to the rules' code
    fingerprints.add(controlled.fingerprint(observations))
    assert len(fingerprints) == 6


def test_the_stored_frame_reads_back_with_the_columns_and_types_computed(observations):
    frame = controlled.control_hierarchy(observations)
    actions.store_controlled_frame(indicator_id=observations.indicator.pk, fingerprint="f", frame=frame, seconds=1)
    back = stored_controlled_frame(observations.indicator.pk, "f")
    assert list(back.dtypes.astype(str)) == list(frame.dtypes.astype(str))
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert type(back["period_start"].iloc[0]) is type(frame["period_start"].iloc[0])
    assert stored_controlled_frame(observations.indicator.pk, "another") is None


def test_the_rules_digest_covers_the_suppression_code():
    from pathlib import Path

    from outcomes import disclosure_secondary

    source = Path(disclosure_secondary.__file__).read_bytes()
    assert b"def complementary_suppression" in source
    assert len(controlled.rules_digest()) == 64


def test_a_page_built_after_the_cache_is_cleared_reads_the_stored_frames(board_client, computations):
    url = reverse("dashboards:pcn", args=["U84846"])
    first = board_client.get(url)
    assert first.status_code == 200 and computations
    computed = list(computations)
    cache.clear()
    second = board_client.get(url)
    assert second.status_code == 200
    assert computations == computed, computations  # built again, every frame read from the database
    assert ControlledFrame.objects.filter(indicator__code__in=computed).count() == len(set(computed))


def test_analysts_unsuppressed_pages_neither_compute_nor_store_a_frame(role_client, computations):
    url = reverse("dashboards:indicator_area", args=[CODE, "U84846"])
    assert role_client("analyst").get(url).status_code == 200
    assert computations == [] and not ControlledFrame.objects.exists()


def test_a_frame_stored_by_another_process_at_the_same_moment_is_not_an_error(observations, monkeypatch):
    def raced(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(ControlledFrame.objects, "update_or_create", raced)
    frame = controlled.control_hierarchy(observations)
    actions.store_controlled_frame(indicator_id=observations.indicator.pk, fingerprint="f", frame=frame, seconds=0.1)
    assert not ControlledFrame.objects.exists()


def test_a_pages_indicators_find_their_stored_frames_in_a_few_queries_whatever_their_number(computations):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    indicators = list(Indicator.objects.order_by("code"))
    first = controlled.controlled_for(indicators)
    computed = len(computations)
    assert computed >= 5
    for many in (indicators[:2], indicators):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            frame = controlled.controlled_for(many)
        # the data version (3), the hierarchy and every identity (4), the stored frames (1, if any has rows)
        assert len(queries) <= 8, "\n".join(q["sql"][:150] for q in queries)
    assert len(computations) == computed  # none computed again
    pd.testing.assert_frame_equal(frame, first)


def test_after_a_real_load_a_page_shows_the_new_count_not_the_stored_frame(board_client, computations):
    from tests.integration.dashboards.loading import replace_latest

    url = reverse("dashboards:indicator_csv", args=[CODE, "U84846"])
    assert board_client.get(url).status_code == 200
    before = ControlledFrame.objects.get(indicator__code=CODE).fingerprint
    old = replace_latest(CODE, "U84846", 4321)  # the PCN's latest headline, superseded by a new extract
    body = board_client.get(url).content.decode()
    assert ControlledFrame.objects.get(indicator__code=CODE).fingerprint != before
    assert computations == [CODE, CODE]
    trend = [line.split(",") for line in body.splitlines() if line.startswith("trend,U84846,")]
    latest = next(row for row in trend if row[3] == old.period_end.isoformat() and row[4:6] == ["all", "all"])
    assert latest[6] == "4320"  # the new count 4,321, rounded to 5 as every count below borough level is
