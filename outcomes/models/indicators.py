"""Indicator definitions (OpenPrescribing-style: one reviewed definition file each) and their targets."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from audit.history import AuditedHistory

from ..periods import period_label
from ..units import format_value, unit_suffix
from .choices import (
    AreaLevel,
    Breakdown,
    Frequency,
    IntervalMethod,
    LifeStage,
    LogicTier,
    Polarity,
    RelativeUnit,
    TargetKind,
    Unit,
)


def _validate_levels(value: object) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(AreaLevel.values):
        raise ValidationError(f"Levels must be a non-empty list drawn from {', '.join(AreaLevel.values)}.")


def _validate_breakdowns(value: object) -> None:
    if not isinstance(value, list) or not set(value) <= set(Breakdown.values):
        raise ValidationError(f"Breakdowns must be a list drawn from {', '.join(Breakdown.values)}.")


class Indicator(models.Model):
    """What is measured, how, and why it matters.

    ``multiplier`` scales a ratio of sums into the unit shown (100 for a percentage, 1,000 or 100,000 for
    a rate). ``is_additive`` says whether practice numerators and denominators may be summed into PCN and
    borough values (true for counts over a registered list; false for survey scores or supplied rates).
    """

    code = models.SlugField(max_length=64, unique=True, allow_unicode=False)
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=80, blank=True)
    definition = models.TextField()
    rationale = models.TextField("why it matters", blank=True)
    numerator_definition = models.TextField(blank=True)
    denominator_definition = models.TextField(blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    unit_label = models.CharField(
        max_length=60,
        blank=True,
        help_text="How the unit reads on a chart axis, e.g. 'per 1,000 weighted population'.",
    )
    multiplier = models.PositiveIntegerField(default=1)
    decimal_places = models.PositiveSmallIntegerField(default=1)
    polarity = models.CharField(max_length=12, choices=Polarity.choices)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    period_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Length of one reporting period in months (1 monthly, 12 for a rolling year, 15 for the diabetes "
        "care processes window); blank accepts any length.",
    )
    interval_method = models.CharField(max_length=10, choices=IntervalMethod.choices)
    levels = models.JSONField(
        default=list, validators=[_validate_levels], help_text="Area levels the indicator is reported at."
    )
    breakdowns = models.JSONField(
        default=list, blank=True, validators=[_validate_breakdowns], help_text="Breakdowns beyond 'all'."
    )
    is_additive = models.BooleanField(default=False)
    partnership_outcome = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Partnership outcome measure 1-5, if the indicator is one."
    )
    life_stage = models.CharField(max_length=10, choices=LifeStage.choices, blank=True, help_text="JSNA life stage.")
    is_jsna = models.BooleanField("JSNA headline indicator", default=False)
    is_core20plus5 = models.BooleanField("Core20PLUS5", default=False)
    is_performance = models.BooleanField("performance measure", default=False)
    logic_tier = models.CharField(max_length=12, choices=LogicTier.choices, blank=True)
    source = models.CharField(max_length=255)
    source_url = models.URLField(blank=True)
    fingertips = models.JSONField(
        default=dict,
        blank=True,
        help_text='Which rows of an OHID Fingertips export are this indicator: {"id": 90366, "sex": "Male", '
        '"age": "All ages"} (sex and age optional).',
    )
    owner = models.CharField(max_length=120, blank=True)
    review_date = models.DateField(null=True, blank=True)
    comparison_note = models.TextField(
        blank=True, help_text="The plan's own statement of how Harrow compares, where it gives one."
    )
    sort_order = models.PositiveIntegerField(default=0)
    history = AuditedHistory()

    class Meta:
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(multiplier__gte=1), name="indicator_multiplier_positive"),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="indicator_unit_valid"),
            models.CheckConstraint(condition=Q(polarity__in=Polarity.values), name="indicator_polarity_valid"),
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="indicator_frequency_valid"),
            models.CheckConstraint(
                condition=Q(interval_method__in=IntervalMethod.values), name="indicator_interval_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(partnership_outcome__isnull=True)
                | Q(partnership_outcome__gte=1, partnership_outcome__lte=5),
                name="indicator_outcome_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(life_stage="") | Q(life_stage__in=LifeStage.values),
                name="indicator_life_stage_valid",
            ),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PERCENT) | Q(multiplier=100), name="indicator_percent_multiplier_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def unit_suffix(self) -> str:
        """The words after a value: "%", "years", "per 100,000" (see `outcomes.units`)."""
        return unit_suffix(self.unit, self.multiplier)

    def format_value(self, value: float | None) -> str:
        """The value as the board reads it: the indicator's decimal places and its unit ('82.2 years')."""
        return format_value(value, decimals=self.decimal_places, suffix=self.unit_suffix)

    def period_label(self, start: dt.date, end: dt.date) -> str:
        """A period of this measure in words: a rolling window by its months, never as a named year."""
        return period_label(start, end, self.frequency)


class Target(models.Model):
    """A commitment against an indicator, of one of five kinds.

    The plan's wording is kept verbatim in ``source_text`` and the team's reading of it in
    ``interpretation``, so an ambiguous target (tooth decay: "improve the Harrow position by 5%") is
    recorded as a decision, not hidden in code.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    area = models.ForeignKey("outcomes.Area", on_delete=models.PROTECT, related_name="targets")
    applies_to_each_child = models.BooleanField(
        default=False,
        help_text="The target must hold in every child area (e.g. every PCN), not only in total.",
    )
    kind = models.CharField(max_length=16, choices=TargetKind.choices)
    value = models.FloatField(null=True, blank=True, help_text="Target value, or the size of a relative change.")
    relative_unit = models.CharField(max_length=8, choices=RelativeUnit.choices, blank=True)
    baseline_value = models.FloatField(null=True, blank=True)
    baseline_period_end = models.DateField(null=True, blank=True)
    comparator_area = models.ForeignKey(
        "outcomes.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="targets_as_comparator"
    )
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    groups = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_breakdowns],
        help_text="Breakdowns across which the target must hold (e.g. age, ethnicity, IMD quintile).",
    )
    source_text = models.TextField(help_text="The target as the plan words it.")
    interpretation = models.TextField(blank=True, help_text="How the partnership reads the target, and why.")
    is_active = models.BooleanField(default=True)
    definition_sha256 = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="The reviewed file's definition this target was last loaded from: while the file's definition is "
        "unchanged, edits made on the site (an interpretation decided by the board) are kept on re-loading.",
    )
    history = AuditedHistory()

    class Meta:
        ordering = ["indicator__sort_order", "indicator__code", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=TargetKind.values), name="target_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=TargetKind.ABSOLUTE) | Q(value__isnull=False),
                name="target_absolute_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(kind=TargetKind.RELATIVE_CHANGE)
                | (Q(value__isnull=False) & Q(baseline_value__isnull=False) & Q(relative_unit__in=RelativeUnit.values)),
                name="target_relative_has_value_baseline_unit",
            ),
            models.CheckConstraint(
                condition=~Q(kind=TargetKind.COMPARATOR) | Q(comparator_area__isnull=False),
                name="target_comparator_has_area",
            ),
            models.CheckConstraint(
                condition=~Q(kind=TargetKind.BAND)
                | (Q(lower__isnull=False) & Q(upper__isnull=False) & Q(lower__lte=F("upper"))),
                name="target_band_has_ordered_bounds",
            ),
            models.CheckConstraint(
                condition=~Q(kind=TargetKind.BASELINE) | Q(due_date__isnull=False),
                name="target_baseline_has_due_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.get_kind_display().lower()} ({self.area.code})"


class SpcRebase(models.Model):
    """A point from which an SPC chart's mean and limits are recalculated, for one indicator in one area.

    Making Data Count: rebase only after a known change to the process (a new pathway, a new definition) that
    the data show has lasted; the reason is kept so the chart can say why its limits move.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="spc_rebases")
    area = models.ForeignKey("outcomes.Area", on_delete=models.CASCADE, related_name="spc_rebases")
    starts = models.DateField(help_text="The first period (by its start date) of the new process.")
    reason = models.TextField(help_text="The change to the process that justifies new limits.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["indicator", "area", "starts"]
        verbose_name = "SPC rebase"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area", "starts"], name="spc_rebase_unique"),
            models.CheckConstraint(condition=~Q(reason=""), name="spc_rebase_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area.code} from {self.starts}"
