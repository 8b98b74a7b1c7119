"""The audit trail (one row per recorded change, across models), the practice-level access log, and users' history.

Each model's full snapshots are in its simple-history table (``HistoricalRisk`` ...); ``AuditEvent`` is the
searchable index over them that the admin lists and exports: who, when, what, from where, and which fields moved.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from simple_history import register

from .history import AuditedHistory


class AuditAction(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"


class AuditEvent(models.Model):
    """One change to audited data, written with the history row it indexes (same transaction)."""

    Action = AuditAction

    at = models.DateTimeField("when", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    model = models.CharField(max_length=100, db_index=True, help_text="app_label.model_name, e.g. workstreams.risk")
    model_name = models.CharField("record type", max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField("record", max_length=255)
    action = models.CharField(max_length=8, choices=AuditAction.choices)
    changes = models.TextField(blank=True, help_text="Each changed field: old -> new.")
    source = models.CharField(max_length=100, blank=True, help_text="The command or view the change came from.")
    history_id = models.PositiveBigIntegerField(help_text="The row in the model's history table.")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit trail entry"
        verbose_name_plural = "audit trail"
        indexes = [models.Index(fields=["model", "object_id"], name="audit_event_object")]
        constraints = [models.CheckConstraint(condition=Q(action__in=AuditAction.values), name="audit_action_valid")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model_name} {self.object_repr}"


class AccessKind(models.TextChoices):
    VIEW = "view", "Viewed a page"
    DOWNLOAD = "download", "Downloaded a file"


class AccessLogEntry(models.Model):
    """Someone opened a page or file with practice-level data (written by ``access_log.AccessLogMiddleware``)."""

    Kind = AccessKind

    at = models.DateTimeField("when", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_log")
    kind = models.CharField(max_length=8, choices=AccessKind.choices)
    url_name = models.CharField(max_length=100)
    path = models.CharField(max_length=500)
    area_code = models.CharField(max_length=16, help_text="The practice, or the PCN whose practices were shown.")
    status_code = models.PositiveSmallIntegerField(help_text="403 when the request was refused.")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        constraints = [models.CheckConstraint(condition=Q(kind__in=AccessKind.values), name="access_kind_valid")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.kind} {self.path}"


# Roles: what each role group may do, and each user's active/staff/superuser flags, groups (their roles) and direct
# permissions. Never the password hash, and not the last login (which every sign-in writes).
register(
    Group,
    app="audit",
    records_class=AuditedHistory,
    m2m_fields=["permissions"],
)
register(
    get_user_model(),
    app="audit",
    records_class=AuditedHistory,
    excluded_fields=["password", "last_login"],
    m2m_fields=["groups", "user_permissions"],
)
