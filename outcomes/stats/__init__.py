"""Statistics engine: pure functions (numpy/scipy/pandas only, no Django imports).

Methods follow NHS England "Making Data Count" (SPC) and OHID/PHE Fingertips indicator methods, tested
against the published reference vectors in ``tests/data/reference-vectors``; each module's docstring records the
choices made where the references disagree.
"""

from .benchmark import compare_to_benchmark
from .funnel import funnel_comparisons, funnel_limits, funnel_significance
from .inequality import sii
from .intervals import byar_ci, dsr, dsr_non_independent, mean_ci, rate_ci, wilson_ci
from .overdispersed_funnel import proportion_funnel, sr_funnel, sr_funnel_limits
from .spc import SPCBatchResult, SPCResult, spc, spc_many
from .targets import TargetAssessment, assess_target
from .trend import RecentTrend, recent_trend

__all__ = [
    "RecentTrend",
    "SPCBatchResult",
    "SPCResult",
    "TargetAssessment",
    "assess_target",
    "byar_ci",
    "compare_to_benchmark",
    "dsr",
    "dsr_non_independent",
    "funnel_comparisons",
    "funnel_limits",
    "funnel_significance",
    "mean_ci",
    "proportion_funnel",
    "rate_ci",
    "recent_trend",
    "sii",
    "spc",
    "spc_many",
    "sr_funnel",
    "sr_funnel_limits",
    "wilson_ci",
]
