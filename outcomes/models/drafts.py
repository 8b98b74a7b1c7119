"""A definition an analyst has started from a Fingertips export, waiting for a second pair of eyes.

Approving a draft creates the ``Indicator`` (with its Fingertips mapping); it is then exported to
``fixtures/indicators/<CODE>.toml`` (``manage.py export_indicator_definitions``) and reviewed in git like
every other definition. The draft row stays as the record of who proposed and who approved it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.history import AuditedHistory

from .choices import Frequency, IntervalMethod, Polarity, Unit
from .indicators import _validate_levels


class IndicatorDraft(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Waiting for approval"
        APPROVED = "approved", "Approved"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    fingertips_id = models.PositiveIntegerField("Fingertips indicator id")
    code = models.SlugField(
        max_length=64, help_text="Our code for the indicator: capitals, digits and underscores (e.g. FT_90366_LE)."
    )
    name = models.CharField(max_length=255)
    definition = models.TextField(help_text="What is measured, in a sentence or two.")
    unit = models.CharField(max_length=10, choices=Unit.choices, blank=True)
    multiplier = models.PositiveIntegerField(default=1, help_text="100 for a percentage; 1,000 or 100,000 for a rate.")
    polarity = models.CharField(
        max_length=12, choices=Polarity.choices, blank=True, help_text="Not in the export: choose before approval."
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    period_months = models.PositiveSmallIntegerField(null=True, blank=True)
    interval_method = models.CharField(max_length=10, choices=IntervalMethod.choices, default=IntervalMethod.SUPPLIED)
    levels = models.JSONField(default=list, validators=[_validate_levels])
    fingertips_sex = models.CharField("sex", max_length=40, blank=True, help_text="Blank takes every sex's rows.")
    fingertips_age = models.CharField("age", max_length=60, blank=True, help_text="Blank takes every age's rows.")
    seen = models.JSONField(
        default=dict, blank=True, help_text="What the export held: sexes, ages and area types (for the form)."
    )
    source = models.CharField(max_length=255, default="OHID Fingertips")
    source_url = models.URLField(blank=True)
    extract = models.ForeignKey(
        "outcomes.Extract", null=True, blank=True, on_delete=models.SET_NULL, related_name="indicator_drafts"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="indicator_drafts")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_indicator_drafts",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    indicator = models.OneToOneField(
        "outcomes.Indicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )
    history = AuditedHistory()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="indicator_draft_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} (Fingertips {self.fingertips_id}, {self.get_status_display().lower()})"
