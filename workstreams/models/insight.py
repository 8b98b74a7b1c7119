"""Community insight: what we heard in community conversations and what the partnership did about it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.history import AuditedHistory


class InsightTheme(models.Model):
    """A theme the conversations keep returning to (plan Appendix A: access to primary care, ...)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200, unique=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InsightStatus(models.TextChoices):
    HEARD = "heard", "Heard: no action yet"
    ACTING = "acting", "Acting on it"
    DONE = "done", "Done: we told people what we did"


class CommunityInsight(models.Model):
    """One thing heard at a community conversation, and the response. Aggregate, never about a named person."""

    Status = InsightStatus

    theme = models.ForeignKey(InsightTheme, on_delete=models.PROTECT, related_name="insights")
    heard_on = models.DateField(help_text="When the conversation took place.")
    source = models.CharField(
        max_length=200, help_text="The conversation or event, e.g. 'Harrow Citizen Forum' or 'Outreach in Edgware'."
    )
    what_we_heard = models.TextField()
    what_we_did = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=InsightStatus.choices, default=InsightStatus.HEARD)
    workstreams = models.ManyToManyField("workstreams.Workstream", blank=True, related_name="insights")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = AuditedHistory(m2m_fields=["workstreams"])

    class Meta:
        ordering = ["-heard_on", "theme__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InsightStatus.values), name="insight_status_valid"),
            models.CheckConstraint(
                condition=Q(status=InsightStatus.HEARD) | ~Q(what_we_did=""),
                name="insight_action_described_once_acting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme}: {self.what_we_heard[:60]}"
