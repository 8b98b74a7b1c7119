"""Models of the measurement core, split by concern."""

from .areas import Area, PracticeMembership
from .drafts import IndicatorDraft
from .indicators import Indicator, SpcRebase, Target
from .observations import (
    KEY_COLUMNS,
    NUMBER_COLUMNS,
    OBSERVATION_KEY,
    VALUE_COLUMNS,
    Commentary,
    Extract,
    Observation,
)

__all__ = [
    "KEY_COLUMNS",
    "NUMBER_COLUMNS",
    "OBSERVATION_KEY",
    "VALUE_COLUMNS",
    "Area",
    "Commentary",
    "Extract",
    "Indicator",
    "IndicatorDraft",
    "Observation",
    "PracticeMembership",
    "SpcRebase",
    "Target",
]
