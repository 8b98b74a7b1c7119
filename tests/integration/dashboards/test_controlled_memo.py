"""The tests' memo of disclosure control (tests/controlled_memo.py) gives what computing afresh gives, and
computes afresh whenever anything the control reads has changed."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from dashboards import controlled
from outcomes.models import Indicator
from outcomes.selectors.hierarchy import hierarchy_observations
from tests import controlled_memo

pytestmark = pytest.mark.django_db


@pytest.fixture
def observations():
    return hierarchy_observations(Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS"))


def test_the_memo_is_installed_and_gives_the_frame_computed_afresh(observations):
    assert controlled.control_hierarchy is controlled_memo.control_hierarchy
    remembered = controlled.control_hierarchy(observations)
    pd.testing.assert_frame_equal(remembered, controlled_memo._control(observations))
    remembered.loc[:, "numerator_display"] = None  # a test that changes its copy changes no other test's
    pd.testing.assert_frame_equal(controlled.control_hierarchy(observations), controlled_memo._control(observations))


def test_any_change_to_what_the_control_reads_is_a_new_input(observations):
    same = controlled_memo._fingerprint(observations)
    assert controlled_memo._fingerprint(hierarchy_observations(observations.indicator)) == same
    frame = observations.frame.copy()
    frame.loc[frame["numerator"].notna().idxmax(), "numerator"] += 1
    changed = [
        dataclasses.replace(observations, frame=frame),
        dataclasses.replace(observations, memberships=observations.memberships.iloc[1:]),
        dataclasses.replace(observations, pcn_parent=dict(list(observations.pcn_parent.items())[1:])),
    ]
    indicator = Indicator.objects.get(pk=observations.indicator.pk)
    indicator.decimal_places += 1
    changed.append(dataclasses.replace(observations, indicator=indicator))
    assert len({controlled_memo._fingerprint(o) for o in changed} | {same}) == 5
