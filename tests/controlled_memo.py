"""Disclosure control computed once per distinct input in a test process, not once per test.

``dashboards.controlled.control_hierarchy`` is a pure function of an indicator's hierarchy observations (its
rows, the practices' memberships and the PCNs' borough) and of the indicator's multiplier, interval method and
decimals. Pages cache its result by data version, but each test starts with an empty cache, so every page test
of the demo world recomputed the same frames: about a third of those tests' time. Here the result is kept under
a hash of everything it reads, so a test that changes a row, a membership or the indicator gets a frame computed
afresh, and any other gets the one computed before (a copy, so no test can change another's).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from dashboards import controlled
from outcomes.selectors.hierarchy import HierarchyObservations

_computed: dict[str, pd.DataFrame] = {}
_control = controlled.control_hierarchy


def _fingerprint(observations: HierarchyObservations) -> str:
    """A hash of the content itself (tests change rows in place and in memory, which the application never does:
    `dashboards.controlled.fingerprint` identifies rows by primary key)."""
    indicator = observations.indicator
    digest = hashlib.sha256()
    settings = (indicator.pk, indicator.multiplier, indicator.interval_method, indicator.decimal_places)
    digest.update(repr((settings, sorted(observations.pcn_parent.items()))).encode())
    for frame in (observations.frame, observations.memberships):
        digest.update(repr((list(frame.columns), [str(t) for t in frame.dtypes], len(frame))).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return digest.hexdigest()


def control_hierarchy(observations: HierarchyObservations) -> pd.DataFrame:
    key = _fingerprint(observations)
    if key not in _computed:
        _computed[key] = _control(observations)
    return _computed[key].copy()


def install() -> None:
    controlled.control_hierarchy = control_hierarchy
