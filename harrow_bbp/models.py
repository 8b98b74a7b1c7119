"""Per-user settings that access rules need: a PCN lead's own PCN."""

from django.conf import settings
from django.db import models

from audit.history import AuditedHistory


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    pcn = models.ForeignKey(
        "outcomes.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        limit_choices_to={"level": "pcn"},
        help_text="For a PCN lead: the PCN whose practice-level detail they may see.",
    )
    history = AuditedHistory()

    def __str__(self) -> str:
        return f"Profile of {self.user}"
