"""The risk register, scored on the NHS 5x5 likelihood x impact matrix."""

from django.db import models
from django.db.models import F, Q

from audit.history import AuditedHistory

SCORE_RANGE = Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5)


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Risk(models.Model):
    Status = RiskStatus

    reference = models.SlugField(max_length=20, unique=True)
    title = models.CharField(max_length=255)
    description = models.TextField()
    workstream = models.ForeignKey(
        "workstreams.Workstream", null=True, blank=True, on_delete=models.SET_NULL, related_name="risks"
    )
    owner = models.ForeignKey("workstreams.Person", on_delete=models.PROTECT, related_name="risks")
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    target_likelihood = models.PositiveSmallIntegerField()
    target_impact = models.PositiveSmallIntegerField()
    mitigations = models.TextField(blank=True)
    review_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField()
    history = AuditedHistory()

    class Meta:
        ordering = ["-status", "reference"]
        constraints = [
            models.CheckConstraint(condition=SCORE_RANGE, name="risk_scores_1_to_5"),
            models.CheckConstraint(
                condition=Q(
                    target_likelihood__gte=1,
                    target_likelihood__lte=5,
                    target_impact__gte=1,
                    target_impact__lte=5,
                ),
                name="risk_target_scores_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(target_likelihood__lte=F("likelihood")) | Q(target_impact__lte=F("impact")),
                name="risk_target_not_above_current_on_both_axes",
            ),
            models.CheckConstraint(condition=Q(status__in=RiskStatus.values), name="risk_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_impact


class RiskReview(models.Model):
    """One review of a risk at a JMB cycle: the score it was given then. The register's history of scores.

    Rows are appended by ``actions.open_risk`` and ``actions.review_risk`` and never edited, so the board can
    see how a risk moved between meetings.
    """

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=8, choices=RiskStatus.choices)
    note = models.TextField(blank=True)
    next_review = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=SCORE_RANGE, name="risk_review_scores_1_to_5"),
            models.CheckConstraint(condition=Q(status__in=RiskStatus.values), name="risk_review_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.risk.reference} {self.reviewed_on}: {self.score}"

    @property
    def score(self) -> int:
        return self.likelihood * self.impact
