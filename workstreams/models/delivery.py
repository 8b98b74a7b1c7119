"""Delivery: milestones and the monthly status report each workstream gives the board."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.history import AuditedHistory


class Milestone(models.Model):
    workstream = models.ForeignKey("workstreams.Workstream", on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=255)
    due = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.title


class Rag(models.TextChoices):
    RED = "red", "Red: off track, needs board help"
    AMBER = "amber", "Amber: at risk, recoverable"
    GREEN = "green", "Green: on track"
    COMPLETE = "complete", "Complete"


class StatusReport(models.Model):
    """A month's delivery report. Reports are appended, never edited: the latest for a month counts."""

    Rag = Rag

    workstream = models.ForeignKey("workstreams.Workstream", on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(help_text="First day of the month reported on.")
    rag = models.CharField("delivery status", max_length=8, choices=Rag.choices)
    achievements = models.TextField()
    next_steps = models.TextField()
    escalations = models.TextField(blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["-month", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(rag__in=Rag.values), name="status_report_rag_valid"),
            models.CheckConstraint(condition=Q(month__day=1), name="status_report_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.workstream} {self.month:%B %Y}: {self.rag}"
