"""Controlled vocabularies shared by models, fixtures, ingestion and statistics.

The string values are part of the contract with ``outcomes.stats`` (polarity, target kinds) and with the
fixture files, so they are spelled once here.
"""

from django.db import models

from ..vocabulary import BREAKDOWN_NAMES


class AreaLevel(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region"
    ICB = "icb", "Integrated care board"
    BOROUGH = "borough", "Borough"
    PCN = "pcn", "Primary care network"
    PRACTICE = "practice", "GP practice"


class OdsStatus(models.TextChoices):
    """An organisation's status as NHS ODS publishes it (epraccur column 13: A, C, D, P)."""

    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
    DORMANT = "dormant", "Dormant"
    PROPOSED = "proposed", "Proposed"


AREA_LEVEL_DEPTH = {
    AreaLevel.COUNTRY: 0,
    AreaLevel.REGION: 1,
    AreaLevel.ICB: 2,
    AreaLevel.BOROUGH: 3,
    AreaLevel.PCN: 4,
    AreaLevel.PRACTICE: 5,
}


class Unit(models.TextChoices):
    PERCENT = "percent", "Percentage"
    RATE = "rate", "Rate"
    RATIO = "ratio", "Ratio"
    COUNT = "count", "Count"
    YEARS = "years", "Years"
    SCORE = "score", "Score"


class Polarity(models.TextChoices):
    HIGH_IS_GOOD = "high_is_good", "Higher is better"
    LOW_IS_GOOD = "low_is_good", "Lower is better"
    NO_JUDGEMENT = "no_judgement", "No judgement"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"
    BIENNIAL = "biennial", "Every two years"
    AD_HOC = "ad_hoc", "Ad hoc"


FREQUENCY_MONTHS = {
    Frequency.MONTHLY: 1,
    Frequency.QUARTERLY: 3,
    Frequency.ANNUAL: 12,
    Frequency.BIENNIAL: 24,
}


class IntervalMethod(models.TextChoices):
    WILSON = "wilson", "Wilson score (proportions)"
    POISSON_BYAR = "byar", "Exact Poisson below 10, Byar from 10 (rates)"
    DSR = "dsr", "Directly standardised rate (Dobson)"
    MEAN_T = "mean_t", "Student t (means)"
    SUPPLIED = "supplied", "As supplied by the source"
    NONE = "none", "No interval"


class LifeStage(models.TextChoices):
    START_WELL = "start_well", "Start Well"
    LIVE_WELL = "live_well", "Live Well"
    WORK_WELL = "work_well", "Work Well"
    AGE_WELL = "age_well", "Age Well"


class LogicTier(models.TextChoices):
    """Appendix D logic model: activity -> output -> short-term -> medium-term (partnership) -> long-term."""

    OUTPUT = "output", "Output (short-term implementation measure)"
    SHORT_TERM = "short_term", "Short-term outcome"
    MEDIUM_TERM = "medium_term", "Medium-term outcome (partnership metric)"
    LONG_TERM = "long_term", "Long-term outcome and impact"


class Breakdown(models.TextChoices):
    """Breakdown dimensions. ``all`` is the headline row; its only category is ``all``. Names: ``vocabulary``."""

    ALL = "all", BREAKDOWN_NAMES["all"]
    AGE = "age", BREAKDOWN_NAMES["age"]
    SEX = "sex", BREAKDOWN_NAMES["sex"]
    ETHNICITY = "ethnicity", BREAKDOWN_NAMES["ethnicity"]
    IMD_QUINTILE = "imd_quintile", BREAKDOWN_NAMES["imd_quintile"]
    PARTNER = "partner", BREAKDOWN_NAMES["partner"]


class TargetKind(models.TextChoices):
    ABSOLUTE = "absolute", "Reach a value"
    RELATIVE_CHANGE = "relative_change", "Change from a baseline"
    COMPARATOR = "comparator", "Reach a comparator area's value"
    BAND = "band", "Stay within a band"
    BASELINE = "baseline", "Establish a baseline"


class RelativeUnit(models.TextChoices):
    PERCENT = "percent", "Relative per cent of the baseline"
    POINTS = "points", "Percentage points"
