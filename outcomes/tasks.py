"""Celery tasks of the measurement core. Each is a thin wrapper over an action, so it runs the same in a
worker, eagerly in-process, or from a management command."""

from __future__ import annotations

from celery import shared_task

from . import actions
from .models import Extract, Indicator


@shared_task(acks_late=True, reject_on_worker_lost=True)
def derive_rollups_task(indicator_code: str, extract_id: int) -> dict[str, int]:
    """Recompute an additive indicator's PCN and borough roll-ups after its practice rows changed."""
    result = actions.derive_rollups(
        indicator=Indicator.objects.get(code=indicator_code), extract=Extract.objects.get(pk=extract_id)
    )
    return {"inserted": result.inserted, "superseded": result.superseded, "unchanged": result.unchanged}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def load_reference_data_task() -> list[str]:
    """Reload the reviewed reference data (e.g. after a deployment that changed fixtures/)."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue().splitlines()
