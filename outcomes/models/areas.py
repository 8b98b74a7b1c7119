"""Areas (England down to GP practice) and dated practice-to-PCN membership."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from audit.history import AuditedHistory

from .choices import AreaLevel, OdsStatus


class Area(models.Model):
    """A geography or organisation that indicators are reported for.

    ``code`` is the ODS or ONS code (England E92000001, Harrow E09000015, NWL ICB QRV, practices E84xxx).
    ``parent`` is the standing hierarchy; a practice's PCN over time is in PracticeMembership.
    """

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    level = models.CharField(max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_comparator = models.BooleanField(
        default=False, help_text="Shown beside Harrow as a benchmark (NWL, London, England)."
    )
    sort_order = models.PositiveIntegerField(default=0)
    ods_status = models.CharField(
        max_length=10,
        choices=OdsStatus.choices,
        blank=True,
        default="",
        help_text="The status NHS ODS gives the organisation (practices: from epraccur); blank until a file says.",
    )
    history = AuditedHistory()

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=AreaLevel.values), name="area_level_valid"),
            models.CheckConstraint(condition=~Q(code=""), name="area_code_not_blank"),
            models.CheckConstraint(
                condition=Q(level=AreaLevel.COUNTRY) | Q(parent__isnull=False),
                name="area_parent_required_below_country",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.code and AreaAlias.objects.filter(alias=self.code).exclude(area_id=self.pk).exists():
            raise ValidationError({"code": f"{self.code} is a former code of another area (an area alias)."})

    @property
    def status_note(self) -> str:
        """' (dormant)', ' (closed)', ' (proposed)' after a name; '' for an active or unknown status."""
        if self.ods_status in ("", OdsStatus.ACTIVE):
            return ""
        return f" ({OdsStatus(self.ods_status).label.lower()})"


class AreaAlias(models.Model):
    """A code an area was known by: an old link carrying it redirects to the area's page, and a file that uses it
    loads onto the area with a warning naming the mapping (our PCNs' former local codes, ADR 0017).

    An alias is never an area's current code, so a code always names one area."""

    alias = models.CharField(max_length=16, unique=True, help_text="The former code, e.g. HRW-PCN-HS.")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="aliases")
    note = models.CharField(max_length=200, blank=True, help_text="Why the code changed.")
    history = AuditedHistory()

    class Meta:
        ordering = ["alias"]
        verbose_name_plural = "area aliases"
        constraints = [models.CheckConstraint(condition=~Q(alias=""), name="area_alias_not_blank")]

    def __str__(self) -> str:
        return f"{self.alias} -> {self.area.code}"

    def clean(self) -> None:
        if self.alias and Area.objects.filter(code=self.alias).exists():
            raise ValidationError({"alias": f"{self.alias} is an area's current code, so it cannot be an alias."})


class PracticeMembership(models.Model):
    """Which PCN a practice belonged to, from ``start`` until ``end`` (exclusive; open if null).

    Roll-ups use the membership in force in each period, so a practice moving PCN does not rewrite history.
    """

    practice = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="memberships", limit_choices_to={"level": "practice"}
    )
    pcn = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="member_practices", limit_choices_to={"level": "pcn"}
    )
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["practice__code", "start"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "start"], name="membership_unique_start"),
            models.UniqueConstraint(
                fields=["practice"], condition=Q(end__isnull=True), name="membership_one_open_per_practice"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="membership_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice.code} in {self.pcn.code} from {self.start}"

    def clean(self) -> None:
        if self.practice_id and self.practice.level != AreaLevel.PRACTICE:
            raise ValidationError({"practice": "Only a GP practice can be a PCN member."})
        if self.pcn_id and self.pcn.level != AreaLevel.PCN:
            raise ValidationError({"pcn": "A practice can only be a member of a PCN."})
        far_future = dt.date.max
        overlapping = PracticeMembership.objects.filter(practice_id=self.practice_id).exclude(pk=self.pk)
        for other in overlapping:
            if self.start < (other.end or far_future) and other.start < (self.end or far_future):
                raise ValidationError(f"Overlaps the membership {other}.")
