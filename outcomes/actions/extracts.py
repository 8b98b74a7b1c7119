"""Extracts: a file's arrival recorded at once, and its outcome when the pipeline finishes with it."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import storage
from ..models import Extract
from .observations import LoadResult


@transaction.atomic
def create_extract(
    *,
    file_name: str,
    content: bytes,
    format: str,
    source: str,
    uploaded_by: Any = None,
    dry_run: bool = False,
    member: str = "",
) -> Extract:
    """Record a file's arrival at once, before anything is read from it (``member``: the file to read inside a
    ZIP download, when the sender named one)."""
    return Extract.objects.create(
        file_name=file_name,
        member=member,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        format=format,
        source=source,
        uploaded_by=uploaded_by,
        dry_run=dry_run,
    )


@transaction.atomic
def finish_extract(
    *,
    extract: Extract,
    status: str,
    result: LoadResult | None = None,
    rows_read: int = 0,
    errors: list[dict] | None = None,
    warnings: list[dict] | None = None,
    error_count: int | None = None,
    warning_count: int | None = None,
) -> Extract:
    """Record the outcome of an extract: counts, errors and warnings (the counts may exceed the lists,
    which are capped per problem code)."""
    result = result or LoadResult()
    extract.status = status
    extract.rows_read = rows_read
    extract.rows_inserted = result.inserted
    extract.rows_superseded = result.superseded
    extract.rows_unchanged = result.unchanged
    extract.errors = errors or []
    extract.warnings = warnings or []
    extract.error_count = len(extract.errors) if error_count is None else error_count
    extract.warning_count = len(extract.warnings) if warning_count is None else warning_count
    extract.progress = 100
    extract.stage = ""
    extract.completed_at = timezone.now()
    extract.save()
    return extract


@transaction.atomic
def refuse_unread_extract(*, file_name: str, size_bytes: int, source: str, code: str, message: str) -> Extract:
    """Record a file refused before a byte of it was read (over the size limit): the record, with its reason,
    and no stored bytes or checksum."""
    extract = Extract.objects.create(
        file_name=file_name, sha256="", size_bytes=size_bytes, format="auto", source=source
    )
    return finish_extract(
        extract=extract,
        status=Extract.Status.REFUSED,
        errors=[{"line": None, "column": None, "code": code, "message": message, "severity": "error"}],
    )


def receive_extract(
    *,
    file_name: str,
    content: bytes,
    format: str,
    source: str,
    uploaded_by: Any = None,
    dry_run: bool = False,
    member: str = "",
) -> Extract:
    """Record an arriving file and keep its bytes for the ingest task (committed before the task is queued)."""
    with transaction.atomic():
        extract = create_extract(
            file_name=file_name,
            content=content,
            format=format or "auto",
            source=source,
            uploaded_by=uploaded_by,
            dry_run=dry_run,
            member=(member or "").strip(),
        )
    storage.save(extract, content)
    return extract
