"""Governance models: partners and people, workstreams and their delivery, risks, community insight."""

from .delivery import Milestone, StatusReport
from .insight import CommunityInsight, InsightTheme
from .organisation import Partner, Person
from .risks import Risk, RiskReview
from .workstreams import Workstream

__all__ = [
    "CommunityInsight",
    "InsightTheme",
    "Milestone",
    "Partner",
    "Person",
    "Risk",
    "RiskReview",
    "StatusReport",
    "Workstream",
]
