"""The partnership's member organisations and the named people who lead its work."""

from django.db import models
from django.db.models import Q

from audit.history import AuditedHistory


class PartnerKind(models.TextChoices):
    NHS_TRUST = "nhs_trust", "NHS trust"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PRIMARY_CARE = "primary_care", "Primary care"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    ICS = "ics", "Integrated care system"
    HOSPICE = "hospice", "Hospice"
    OTHER = "other", "Other"


class Partner(models.Model):
    Kind = PartnerKind

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    pcn_area = models.OneToOneField(
        "outcomes.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        limit_choices_to={"level": "pcn"},
        help_text="For a PCN partner: its area.",
    )
    history = AuditedHistory()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=PartnerKind.values), name="partner_kind_valid")]

    def __str__(self) -> str:
        return self.short_name or self.name


class Person(models.Model):
    """A named lead (SRO, management or clinical lead, risk owner). Staff, never patients.

    ``is_placeholder`` marks the "to be confirmed" records created where the plan names nobody, so the
    board can see which roles are still unfilled.
    """

    name = models.CharField(max_length=120, unique=True)
    job_title = models.CharField(max_length=200, blank=True)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The login this person uses, so they can report on their own workstreams.",
    )
    is_placeholder = models.BooleanField(default=False)
    history = AuditedHistory()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name
