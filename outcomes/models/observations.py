"""Observations (one value of one indicator for one area, period, breakdown and category) and extracts.

History is never overwritten: a new value for the same key supersedes the old row, which is kept with the
extract that replaced it. The database itself enforces at most one current row per key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from audit.history import AuditedHistory

OBSERVATION_KEY = ("indicator", "area", "period_start", "period_end", "breakdown", "category")
#: What a derived (PCN or borough) row records of the member practices it covers; zero/blank on other rows.
COVERAGE_COLUMNS = ("covered_practices", "member_practices", "coverage_share", "coverage_basis", "missing_practices")


class ExtractStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    VALIDATING = "validating", "Validating"
    LOADING = "loading", "Loading"
    LOADED = "loaded", "Loaded"
    VALID = "valid", "Valid (dry run, no data changed)"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class ExtractSource(models.TextChoices):
    UPLOAD = "upload", "Upload page"
    COMMAND = "command", "manage.py ingest"
    DROP_FOLDER = "drop_folder", "Watched drop folder"
    REFERENCE = "reference", "Reference data"
    DEMO = "demo", "Generated demo data"


#: Between a ZIP download's name and the name of the file read inside it (a single right-pointing angle quote).
MEMBER_SEPARATOR = " \u203a "


class Extract(models.Model):
    """Provenance of every file that has fed the tracker (upload, command, drop folder or reference data)."""

    Status = ExtractStatus
    Source = ExtractSource

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField(default=0)
    format = models.CharField(max_length=40)
    member = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="For a ZIP download: the file inside it that was read (or that the sender named).",
    )
    source = models.CharField(max_length=12, choices=Source.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    dry_run = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="extracts"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_inserted = models.PositiveIntegerField(default=0)
    rows_superseded = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    warning_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="Line, column, code and message of each error.")
    warnings = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    stored_file = models.CharField(
        max_length=500, blank=True, help_text="Path of the file's bytes under MEDIA_ROOT while it is processed."
    )
    file_deleted_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the file's bytes were deleted (patient-identifiable, or refused and past retention).",
    )
    task_id = models.CharField(max_length=64, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done, for the upload page.")
    stage = models.CharField(max_length=60, blank=True, help_text="What the task is doing now, in words.")
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ExtractStatus.values), name="extract_status_valid"),
            models.CheckConstraint(condition=Q(source__in=ExtractSource.values), name="extract_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.shown_name} ({self.get_status_display()})"

    @property
    def shown_name(self) -> str:
        """The file's name, and for a ZIP download the file read inside it: "epraccur.zip \u203a epraccur.csv"."""
        return f"{self.file_name}{MEMBER_SEPARATOR}{self.member}" if self.member else self.file_name


class Observation(models.Model):
    """One value. ``breakdown``/``category`` are ``all``/``all`` for the headline row.

    Counts are floats because some sources publish weighted or survey-estimated counts. A suppressed row
    has no value, numerator or denominator: suppression is stored as such, never as zero.
    """

    # Indexes are kept to those reads need: every index costs each of a million inserted rows. Reads of
    # current rows by indicator and area use the unique key's index (a separate series index cost a third of
    # a million-row load and saved the pages a few milliseconds, docs/benchmarks.md), so every read names its
    # indicators; the extract has obs_extract_idx. An index on the area alone cost a sixth of storing a million
    # rows and served only the check that an area being deleted has no observations (migration 0009).
    # The four references are enforced by the database with triggers that check each statement's distinct
    # ids at once (migration 0006, docs/adr/0006): a foreign key constraint would check every row.
    indicator = models.ForeignKey(
        "outcomes.Indicator", on_delete=models.PROTECT, related_name="observations", db_index=False, db_constraint=False
    )
    area = models.ForeignKey(
        "outcomes.Area", on_delete=models.PROTECT, related_name="observations", db_index=False, db_constraint=False
    )
    period_start = models.DateField()
    period_end = models.DateField()
    breakdown = models.CharField(max_length=20, default="all")
    category = models.CharField(max_length=40, default="all")
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    lower_ci = models.FloatField(null=True, blank=True)
    upper_ci = models.FloatField(null=True, blank=True)
    suppressed = models.BooleanField(default=False)
    is_derived = models.BooleanField(default=False, help_text="Computed by roll-up from practice rows.")
    note = models.CharField(max_length=255, blank=True)
    # Coverage of a derived row (docs/adr/0018): which members in force it sums and what share of their weight.
    covered_practices = models.PositiveIntegerField(default=0, help_text="Member practices with a row (derived).")
    member_practices = models.PositiveIntegerField(default=0, help_text="Member practices in force (derived).")
    coverage_share = models.FloatField(
        null=True, blank=True, help_text="Covered share (0..1) of the members' weight; see coverage_basis."
    )
    coverage_basis = models.CharField(
        max_length=20, blank=True, help_text="What weighs the share: registered patients, denominator or practices."
    )
    missing_practices = models.TextField(blank=True, help_text="Codes of members in force with no row, comma-separated")
    extract = models.ForeignKey(
        Extract, on_delete=models.PROTECT, related_name="observations", db_index=False, db_constraint=False
    )
    is_current = models.BooleanField(default=True)
    superseded_by = models.ForeignKey(
        Extract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_observations",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["indicator_id", "area_id", "period_start", "breakdown", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=list(OBSERVATION_KEY),
                condition=Q(is_current=True),
                name="observation_one_current_per_key",
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="observation_period_order"),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0),
                name="observation_numerator_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="observation_denominator_positive",
            ),
            models.CheckConstraint(
                condition=~Q(suppressed=True) | (Q(value__isnull=True) & Q(numerator__isnull=True)),
                name="observation_suppressed_has_no_value",
            ),
            models.CheckConstraint(
                condition=Q(lower_ci__isnull=True) | Q(upper_ci__isnull=True) | Q(lower_ci__lte=F("upper_ci")),
                name="observation_ci_ordered",
            ),
            models.CheckConstraint(
                condition=Q(coverage_share__isnull=True) | (Q(coverage_share__gte=0) & Q(coverage_share__lte=1)),
                name="observation_coverage_share_range",
            ),
            models.CheckConstraint(
                condition=Q(is_current=True) | Q(superseded_by__isnull=False),
                name="observation_superseded_has_extract",
            ),
        ]
        indexes = [
            models.Index(fields=["extract"], name="obs_extract_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.area_id} {self.period_start}..{self.period_end} {self.category}"


class Commentary(models.Model):
    """An analyst's narrative on an indicator for one area and period; everyone reads it."""

    indicator = models.ForeignKey("outcomes.Indicator", on_delete=models.CASCADE, related_name="commentaries")
    area = models.ForeignKey("outcomes.Area", on_delete=models.CASCADE, related_name="commentaries")
    period_end = models.DateField(help_text="The period the commentary speaks to.")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["-period_end", "-created_at"]
        verbose_name_plural = "commentaries"
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="commentary_text_not_blank")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.period_end}"


class CoverageAcceptance(models.Model):
    """An analyst's acceptance that a PCN or borough value may be derived for one period although its members'
    rows cover less than ROLLUP_MIN_COVERAGE of them, with the reason. It holds while coverage does not fall
    below the share accepted."""

    indicator = models.ForeignKey("outcomes.Indicator", on_delete=models.PROTECT, related_name="coverage_acceptances")
    area = models.ForeignKey("outcomes.Area", on_delete=models.PROTECT, related_name="coverage_acceptances")
    period_end = models.DateField()
    coverage_share = models.FloatField(help_text="The covered share accepted (0..1).")
    covered_practices = models.PositiveIntegerField(default=0)
    member_practices = models.PositiveIntegerField(default=0)
    reason = models.TextField()
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    accepted_at = models.DateTimeField(auto_now_add=True)
    history = AuditedHistory()

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "area", "period_end"], name="coverage_acceptance_one_per_key"),
            models.CheckConstraint(condition=~Q(reason=""), name="coverage_acceptance_reason_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.period_end} ({self.coverage_share:.0%})"


#: A row's bookkeeping, not what its source said: its id, the extract that brought it, and whether it is current.
_BOOKKEEPING = frozenset({"id", "extract_id", "is_current", "superseded_by_id"})


def observation_columns() -> tuple[str, ...]:
    """The columns of an observation as loaded, selected and exported (key, then values), in the model's order.

    Derived from the model, so a field added to Observation reaches the load (ORM and COPY), the selectors and the
    downloads without a list to update by hand."""
    return tuple(f.attname for f in Observation._meta.concrete_fields if f.attname not in _BOOKKEEPING)


#: Column names shared by loading, selectors and exports (from the model: ``observation_columns``).
KEY_COLUMNS = tuple(Observation._meta.get_field(name).attname for name in OBSERVATION_KEY)
VALUE_COLUMNS = tuple(c for c in observation_columns() if c not in KEY_COLUMNS)
#: The numbers a source gives (counts, value and its interval): the float columns that are not coverage.
NUMBER_COLUMNS = tuple(
    c
    for c in VALUE_COLUMNS
    if Observation._meta.get_field(c).get_internal_type() == "FloatField" and c not in COVERAGE_COLUMNS
)
