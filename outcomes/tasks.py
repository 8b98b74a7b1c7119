"""Celery tasks of the measurement core. Each is a thin wrapper over an action or the ingest pipeline, so it runs
the same in a worker, eagerly in-process, or from a management command.

Late acknowledgement with reject-on-worker-lost: a worker killed mid-load leaves the message unacknowledged, the
broker redelivers it, and the all-or-nothing load starts again. The ingest tasks keep the names they had when they
lived in ``outcomes.ingest.tasks``: a task's name is what the broker and the beat schedule carry, so messages
queued (or redelivered) across a deployment still find their task.
"""

from __future__ import annotations

import datetime as dt
import logging
from io import StringIO
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from . import actions, storage
from .ingest import pipeline
from .models import Extract, Indicator

log = logging.getLogger(__name__)


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
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue().splitlines()


@shared_task(
    name="outcomes.ingest.tasks.ingest_extract_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def ingest_extract_task(self, extract_id: int) -> dict:
    """Validate and load one extract; returns its status and counts."""
    try:
        outcome = pipeline.run_extract(extract_id)
    except OperationalError:
        if self.request.retries < self.max_retries:
            raise  # database unavailable: retried with backoff
        # The last retry: mark the extract failed, or it would show as running (and the page poll) for ever.
        log.exception(
            "Extract %s failed: the database stayed unavailable after %s retries", extract_id, self.max_retries
        )
        return _fail(
            extract_id,
            "database_unavailable",
            "The database was unavailable while this file was processed, and the retries ran out. "
            "Nothing was loaded. Send the file again later.",
        )
    except Exception as exc:
        log.exception("Extract %s failed", extract_id)
        return _fail(
            extract_id,
            "internal_error",
            f"The system failed while processing this file ({type(exc).__name__}). "
            "Nothing was loaded. The team has been told.",
        )
    e = outcome.extract
    return {
        "status": e.status,
        "inserted": e.rows_inserted,
        "superseded": e.rows_superseded,
        "unchanged": e.rows_unchanged,
        "errors": e.error_count,
        "claimed": outcome.claimed,  # False: a duplicate delivery that did nothing (see pipeline._claim)
    }


def _fail(extract_id: int, code: str, message: str) -> dict:
    """Record the extract as failed with one plain error (best effort: the database may still be down)."""
    try:
        extract = Extract.objects.get(pk=extract_id)
        actions.finish_extract(
            extract=extract,
            status=Extract.Status.FAILED,
            errors=[{"line": None, "column": None, "code": code, "message": message}],
        )
    except OperationalError:
        log.exception("Extract %s could not be marked failed", extract_id)
    return {"status": "failed"}


def enqueue(extract: Extract) -> None:
    """Queue the extract's task (runs inline when Celery is eager) and remember the task id."""
    result = ingest_extract_task.apply_async(args=[extract.pk])
    Extract.objects.filter(pk=extract.pk).update(task_id=result.id or "")


@shared_task(name="outcomes.ingest.tasks.scan_drop_folder", acks_late=True)
def scan_drop_folder() -> int:
    """Take every file in INGEST_DROP_FOLDER/incoming: record it as an extract, move it out, queue it.

    The drop folder has the upload page's limits: a file over INGEST_MAX_UPLOAD_BYTES is refused from its size
    alone, before it is read (recorded, and moved to ``taken/`` until the retention task deletes it); the row
    and workbook limits apply when the extract is read (``pipeline.limits_for``). The copy moved to
    ``taken/<id>-<name>`` is deleted with the extract's stored bytes (``storage.delete``) when the file is
    refused as patient-identifiable, or when a refused file's retention ends."""
    incoming = Path(settings.INGEST_DROP_FOLDER) / "incoming"
    taken = Path(settings.INGEST_DROP_FOLDER) / "taken"
    incoming.mkdir(parents=True, exist_ok=True)
    taken.mkdir(parents=True, exist_ok=True)
    count = 0
    limit = settings.INGEST_MAX_UPLOAD_BYTES
    for path in sorted(p for p in incoming.iterdir() if p.is_file() and not p.name.startswith(".")):
        size = path.stat().st_size
        if limit and size > limit:
            extract = actions.refuse_unread_extract(
                file_name=path.name,
                size_bytes=size,
                source=Extract.Source.DROP_FOLDER,
                code="file_too_large",
                message=f"The file is {size / 1_048_576:,.1f} MB; the drop folder takes up to "
                f"{limit / 1_048_576:,.0f} MB. It was not read. Split it, or ask an administrator to load it "
                "with manage.py ingest.",
            )
            path.replace(taken / f"{extract.pk}-{path.name}")
            log.warning("Dropped file %s refused unread: %s bytes is over the limit", path.name, size)
            count += 1
            continue
        content = path.read_bytes()
        extract = actions.receive_extract(
            file_name=path.name, content=content, format="auto", source=Extract.Source.DROP_FOLDER
        )
        path.replace(taken / f"{extract.pk}-{path.name}")
        enqueue(extract)
        count += 1
    return count


@shared_task(name="outcomes.ingest.tasks.delete_refused_files", acks_late=True)
def delete_refused_files() -> int:
    """Delete the stored bytes of refused files, and of files only checked (dry runs), older than
    INGEST_REFUSED_RETENTION_DAYS (Celery beat).

    A file that loaded nothing (refused, or checked and not loaded) and is not patient data is kept for a while
    so an analyst can see what was sent; after that it goes. A loaded file is kept as the source of its rows. The
    extract record and its problems stay, with ``file_deleted_at`` saying when the file went. Patient-identifiable
    files are deleted at once by the pipeline, not here."""
    days = settings.INGEST_REFUSED_RETENTION_DAYS
    cutoff = timezone.now() - dt.timedelta(days=days)
    stale = Extract.objects.filter(
        status__in=(Extract.Status.REFUSED, Extract.Status.VALID), completed_at__lt=cutoff, file_deleted_at__isnull=True
    ).order_by("pk")
    count = 0
    for extract in stale.iterator():
        storage.delete(extract)
        count += 1
    if count:
        log.info("Deleted the files of %s refused or checked-only extracts older than %s days", count, days)
    return count
