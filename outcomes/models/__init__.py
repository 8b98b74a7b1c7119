"""Models of the measurement core, split by concern."""

from .areas import Area, AreaAlias, PracticeMembership
from .drafts import IndicatorDraft
from .indicators import Indicator, SpcRebase, Target
from .observations import (
    COVERAGE_COLUMNS,
    KEY_COLUMNS,
    NUMBER_COLUMNS,
    OBSERVATION_KEY,
    VALUE_COLUMNS,
    Commentary,
    CoverageAcceptance,
    Extract,
    Observation,
    observation_columns,
)

__all__ = [
    "COVERAGE_COLUMNS",
    "KEY_COLUMNS",
    "NUMBER_COLUMNS",
    "OBSERVATION_KEY",
    "VALUE_COLUMNS",
    "Area",
    "AreaAlias",
    "Commentary",
    "CoverageAcceptance",
    "Extract",
    "Indicator",
    "IndicatorDraft",
    "Observation",
    "PracticeMembership",
    "SpcRebase",
    "Target",
    "observation_columns",
]
