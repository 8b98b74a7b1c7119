"""Transformation workstreams: each under a plan objective, led by an SRO, moving indicators."""

from django.db import models
from django.db.models import Q

from audit.history import AuditedHistory


class Workstream(models.Model):
    class Objective(models.IntegerChoices):
        INEQUALITIES = 1, "Reduce health inequalities through population health management"
        NEIGHBOURHOOD_TEAMS = 2, "Integrated out-of-hospital neighbourhood teams"
        CARE_PATHWAYS = 3, "Transformational change in care pathways"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    objective = models.PositiveSmallIntegerField(choices=Objective.choices)
    description = models.TextField()
    activities = models.TextField(blank=True, help_text="Implementation activities (logic model), one per line.")
    outputs = models.TextField(blank=True, help_text="Outputs: short-term implementation measures, one per line.")
    sro = models.ForeignKey(
        "workstreams.Person",
        on_delete=models.PROTECT,
        related_name="sro_of",
        verbose_name="senior responsible owner",
    )
    management_lead = models.ForeignKey(
        "workstreams.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="manages"
    )
    clinical_lead = models.ForeignKey(
        "workstreams.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="clinically_leads"
    )
    partners = models.ManyToManyField("workstreams.Partner", blank=True, related_name="workstreams")
    indicators = models.ManyToManyField("outcomes.Indicator", blank=True, related_name="workstreams")
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)
    history = AuditedHistory(m2m_fields=["partners", "indicators"])

    class Meta:
        ordering = ["objective", "sort_order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(objective__in=[1, 2, 3]), name="workstream_objective_1_to_3"),
        ]

    def __str__(self) -> str:
        return self.name
