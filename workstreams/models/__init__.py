"""Governance models: partners and people, workstreams and their delivery, risks."""

from .delivery import Milestone, StatusReport
from .organisation import Partner, Person
from .risks import Risk
from .workstreams import Workstream

__all__ = ["Milestone", "Partner", "Person", "Risk", "StatusReport", "Workstream"]
