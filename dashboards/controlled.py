"""The one controlled frame per indicator: what every page, chart and download below borough level shows to
anyone but an analyst (see `outcomes.disclosure.control_observations` and ADR 0008).

Built once per data version and cached, so the indicator pages of every area, the PCN page and the CSV
downloads all show the same cells suppressed: a cell hidden on one page and shown on another would undo the
complementary suppression. Computing it takes seconds for a large indicator, and the page cache keeps it only for
minutes, so the result is also stored in the database (``ControlledFrame``) under a fingerprint of its inputs and
read back, not recomputed, while they are unchanged (ADR 0031).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from outcomes import disclosure, disclosure_groups, disclosure_secondary, rollup
from outcomes.disclosure import control_observations
from outcomes.disclosure_groups import additive_groups
from outcomes.models import KEY_COLUMNS, Indicator
from outcomes.rollup import interval_function
from outcomes.selectors.hierarchy import (
    HierarchyIdentity,
    HierarchyObservations,
    hierarchy_identities,
    hierarchy_observations,
)

from .actions import store_controlled_frame
from .cache import cached, data_version
from .selectors import stored_controlled_frames

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


@functools.cache
def rules_digest() -> str:
    """SHA-256 of the source of the code that computes a controlled frame: a change to the rules is a new input."""
    digest = hashlib.sha256()
    for module in (disclosure, disclosure_groups, disclosure_secondary, rollup):
        digest.update(Path(module.__file__).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def fingerprint(observations: HierarchyObservations | HierarchyIdentity) -> str:
    """SHA-256 of everything `control_hierarchy` reads: the indicator's current rows (by their keys' identity:
    `outcomes.selectors.hierarchy.HierarchyIdentity`), the practices' memberships, the PCNs' borough, the indicator's
    multiplier, interval method and decimals, and the rules (`rules_digest`). The same for an indicator's rows
    and for their identity, so a stored frame is found without reading the rows."""
    indicator = observations.indicator
    digest = hashlib.sha256(rules_digest().encode())
    settings = (indicator.pk, indicator.multiplier, indicator.interval_method, indicator.decimal_places)
    digest.update(repr((settings, sorted(observations.pcn_parent.items()))).encode())
    memberships = observations.memberships
    digest.update(repr((list(memberships.columns), len(memberships))).encode())
    digest.update(pd.util.hash_pandas_object(memberships, index=False).to_numpy().tobytes())
    digest.update(repr(tuple(observations.row_identity)).encode())
    return digest.hexdigest()


def stored_or_controlled(observations: HierarchyObservations) -> pd.DataFrame:
    """`control_hierarchy`'s frame, read from the database when it was stored for exactly these inputs, else
    computed and stored for the next reader."""
    if observations.frame.empty:
        return control_hierarchy(observations)
    key = fingerprint(observations)
    indicator_id = observations.indicator.pk
    stored = stored_controlled_frames({indicator_id: key}).get(indicator_id)
    if stored is not None:
        return stored
    started = time.perf_counter()
    frame = control_hierarchy(observations)
    seconds = time.perf_counter() - started
    store_controlled_frame(indicator_id=indicator_id, fingerprint=key, frame=frame, seconds=seconds)
    return frame


def controlled_observations(indicator: Indicator, version: str | None = None) -> pd.DataFrame:
    """The indicator's controlled frame in Harrow (`controlled_for` of one indicator)."""
    return _controlled([indicator], version)[0]


def controlled_for(indicators: Iterable[Indicator], version: str | None = None) -> pd.DataFrame:
    """The controlled frames of several indicators in one frame (the PCN page's)."""
    frames = [f for f in _controlled(list(indicators), version) if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=KEYS)


def _controlled(indicators: list[Indicator], version: str | None) -> list[pd.DataFrame]:
    """Each indicator's controlled frame: from the page cache (by data version); else the frame stored for its
    current inputs, found by their identity without reading the rows; else computed from the rows and stored.
    The identities and stored frames of all the indicators not in the cache are read together, on the first
    one missing (a few queries for a PCN page's dozen indicators, not a few per indicator)."""
    version = version or data_version()
    stored: dict[int, pd.DataFrame] | None = None
    identities: dict[int, HierarchyIdentity] = {}

    def build(indicator: Indicator) -> pd.DataFrame:
        nonlocal stored
        if stored is None:
            identities.update(hierarchy_identities(indicators))
            keys = {pk: fingerprint(i) for pk, i in identities.items() if i.row_identity[0]}
            stored = stored_controlled_frames(keys)
        if indicator.pk in stored:
            return stored.pop(indicator.pk)
        if not identities[indicator.pk].row_identity[0]:  # no rows in the hierarchy: nothing to read or control
            return control_hierarchy(identities[indicator.pk].without_rows())
        return stored_or_controlled(hierarchy_observations(indicator))

    return [cached(("controlled", i.pk), lambda i=i: build(i), version) for i in indicators]
