"""Models of the measurement core, split by concern."""

from .areas import Area, PracticeMembership
from .indicators import Indicator, Target
from .observations import OBSERVATION_KEY, Commentary, Extract, Observation

__all__ = [
    "OBSERVATION_KEY",
    "Area",
    "Commentary",
    "Extract",
    "Indicator",
    "Observation",
    "PracticeMembership",
    "Target",
]
