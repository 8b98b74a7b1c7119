"""Reference-data edits change the page cache's data version at once (ADR 0013).

The cached pages (``dashboards.pages``) show indicators, their targets and SPC rebases, areas, PCN memberships and
commentary. Saving or deleting any of them, by the admin, a form or a command, bumps ``PageVersion`` in the same
transaction, so no page built from the old rows is served after the edit commits. Observations are not here: they
change only through extracts, whose loading already changes the version. Governance pages (workstreams, risks,
insight) are not cached, so their models need no receiver; connect one here if that changes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from outcomes.models import Area, Commentary, Indicator, PracticeMembership, SpcRebase, Target

from .models import PageVersion

#: Models whose rows the cached pages show.
CACHED_REFERENCE_MODELS = (Indicator, Target, SpcRebase, Area, PracticeMembership, Commentary)


def bump_page_version() -> None:
    """Add one to the page version (creating its row the first time)."""
    now = timezone.now()
    if not PageVersion.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
        PageVersion.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})


def reference_data_changed(sender: type, **kwargs: Any) -> None:
    bump_page_version()


def connect() -> None:
    for model in CACHED_REFERENCE_MODELS:
        uid = f"dashboards.invalidation.{model._meta.label_lower}"
        post_save.connect(reference_data_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(reference_data_changed, sender=model, dispatch_uid=f"{uid}.delete")
