"""The one controlled frame per indicator: what every page, chart and download below borough level shows to
anyone but an analyst (see `outcomes.disclosure.control_observations` and ADR 0008).

Built once per data version and cached, so the indicator pages of every area, the PCN page and the CSV
downloads all show the same cells suppressed: a cell hidden on one page and shown on another would undo the
complementary suppression.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from outcomes.disclosure import control_observations
from outcomes.disclosure_groups import additive_groups
from outcomes.models import KEY_COLUMNS, Indicator
from outcomes.rollup import interval_function
from outcomes.selectors import HierarchyObservations, hierarchy_observations

from .cache import cached

#: How a page's rows are matched to the controlled frame.
KEYS = list(KEY_COLUMNS)


def control_hierarchy(observations: HierarchyObservations) -> pd.DataFrame:
    """The indicator's observations under disclosure control: counts below borough level (PCNs, practices, and
    every breakdown, the borough's too) suppressed or rounded with complementary suppression over every sum a
    reader could difference; the borough's headline counts stay exact."""
    frame = observations.frame
    indicator = observations.indicator
    if frame.empty:
        return frame.assign(numerator_display=[], denominator_display=[], disclosure_suppressed=[])
    groups = additive_groups(frame, memberships=observations.memberships, pcn_parent=observations.pcn_parent)
    controllable = (frame["level"] != "borough") | (frame["breakdown"] != "all")
    return control_observations(
        frame,
        groups,
        controllable=controllable.to_numpy(),
        multiplier=indicator.multiplier,
        interval=interval_function(indicator.interval_method, indicator.multiplier),
        decimals=indicator.decimal_places,
    )


def controlled_observations(indicator: Indicator, version: str | None = None) -> pd.DataFrame:
    """`control_hierarchy` for the indicator in Harrow, cached by data version."""
    return cached(("controlled", indicator.pk), lambda: control_hierarchy(hierarchy_observations(indicator)), version)


def controlled_for(indicators: Iterable[Indicator], version: str | None = None) -> pd.DataFrame:
    """The controlled frames of several indicators in one frame (the PCN page's)."""
    frames = [controlled_observations(i, version) for i in indicators]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=KEYS)
