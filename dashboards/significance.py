"""How a practice's funnel comparison with Harrow looks and reads, the same in the matrix, the tables and the funnel
plots: one colour, one marker and one word per verdict, so colour is never the only cue.

The verdicts are `outcomes.stats.funnel.funnel_comparison`'s (Fingertips' words for the indicator's polarity):
"better"/"worse" where higher (or lower) is better, "higher"/"lower" where neither is, "similar" inside the 95%
limits, "not compared"; the pages add "suppressed" (a count hidden by disclosure control) and "no data". The level
("95%" or "99.8%") says which funnel limits the practice lies outside. Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

NHS_GREEN = "#007f3b"
NHS_RED = "#d5281b"
NHS_DARK_BLUE = "#003087"
NHS_BLUE = "#005eb8"
NHS_MID_GREY = "#768692"


@dataclass(frozen=True)
class Style:
    """One verdict's look: ``colour`` of its plot marks, the plotly marker ``symbol`` (filled beyond 99.8%,
    open between 95% and 99.8%), the ``text_symbol`` shown beside its word in tables, and its ``word``."""

    colour: str
    symbol: str
    text_symbol: str
    word: str


STYLES: dict[str, Style] = {
    "better": Style(NHS_GREEN, "star", "★", "Better"),
    "worse": Style(NHS_RED, "x", "✖", "Worse"),
    "higher": Style(NHS_DARK_BLUE, "triangle-up", "▲", "Higher"),
    "lower": Style(NHS_BLUE, "triangle-down", "▼", "Lower"),
    "similar": Style(NHS_MID_GREY, "circle", "●", "Similar"),
    "not compared": Style(NHS_MID_GREY, "circle", "", "Not compared"),
    "suppressed": Style(NHS_MID_GREY, "circle", "", "Suppressed"),
    "no data": Style(NHS_MID_GREY, "circle", "", "No data"),
}
OUTSIDE = ("better", "worse", "higher", "lower")


def marker_symbol(comparison: str, level: str) -> str:
    """The plotly symbol of a practice's mark: filled beyond the 99.8% limits, open between 95% and 99.8%."""
    symbol = STYLES.get(comparison, STYLES["not compared"]).symbol
    return symbol if level == "99.8%" or comparison not in OUTSIDE else f"{symbol}-open"


def short_words(comparison: str, level: str) -> str:
    """The matrix's words: "Better (99.8%)", "Similar", "Suppressed"."""
    word = STYLES.get(comparison, STYLES["not compared"]).word
    return f"{word} ({level})" if comparison in OUTSIDE and level else word


def words(comparison: str, level: str, benchmark: str = "Harrow") -> str:
    """The verdict as a sentence fragment for tables, hover and legends: "Better than Harrow (outside the 99.8%
    limits)", "Similar to Harrow (inside the 95% limits)", "Not compared", "Suppressed (small numbers)"."""
    if comparison in OUTSIDE:
        return f"{STYLES[comparison].word} than {benchmark} (outside the {level or '95%'} limits)"
    if comparison == "similar":
        return f"Similar to {benchmark} (inside the 95% limits)"
    if comparison == "suppressed":
        return "Suppressed (small numbers)"
    return STYLES.get(comparison, STYLES["not compared"]).word


def css_class(comparison: str, level: str) -> str:
    """The matrix cell's classes: its verdict, and ``app-sig--strong`` beyond the 99.8% limits."""
    slug = comparison.replace(" ", "-")
    strong = " app-sig--strong" if comparison in OUTSIDE and level == "99.8%" else ""
    return f"app-sig app-sig--{slug}{strong}"
