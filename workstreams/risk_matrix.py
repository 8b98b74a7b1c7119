"""The NHS 5x5 risk matrix: score bands and the heat map. Pure functions, no Django imports.

Score = likelihood x consequence (impact), each 1-5, as in the NPSA "Risk matrix for risk managers" (2008)
that NHS organisations use: 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

LIKELIHOOD_LABELS = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_LABELS = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}


def band(score: int) -> str:
    """The NPSA band of a score: low, moderate, high or extreme."""
    if not 1 <= score <= 25:
        raise ValueError(f"A 5x5 risk score is between 1 and 25, not {score}.")
    if score <= 3:
        return "low"
    if score <= 6:
        return "moderate"
    if score <= 12:
        return "high"
    return "extreme"


@dataclass(frozen=True)
class Cell:
    likelihood: int
    impact: int
    count: int
    references: tuple[str, ...]

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        return band(self.score)


@dataclass(frozen=True)
class HeatMap:
    """Rows from impact 5 (top) to 1, columns likelihood 1 to 5: the usual reading of the NHS matrix."""

    rows: tuple[tuple[Cell, ...], ...]
    total: int

    @property
    def likelihood_labels(self) -> list[tuple[int, str]]:
        return list(LIKELIHOOD_LABELS.items())


def heat_map(risks: Iterable[tuple[str, int, int]]) -> HeatMap:
    """Count risks given as (reference, likelihood, impact) into the 25 cells."""
    cells: dict[tuple[int, int], list[str]] = {}
    counts: Counter[tuple[int, int]] = Counter()
    for reference, likelihood, impact in risks:
        if not (1 <= likelihood <= 5 and 1 <= impact <= 5):
            raise ValueError(f"Risk {reference}: likelihood and impact are 1 to 5.")
        counts[(likelihood, impact)] += 1
        cells.setdefault((likelihood, impact), []).append(reference)
    rows = tuple(
        tuple(
            Cell(likelihood, impact, counts[(likelihood, impact)], tuple(sorted(cells.get((likelihood, impact), []))))
            for likelihood in range(1, 6)
        )
        for impact in range(5, 0, -1)
    )
    return HeatMap(rows=rows, total=sum(counts.values()))
