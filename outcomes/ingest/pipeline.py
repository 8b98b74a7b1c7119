"""Run one extract from stored bytes to loaded (or refused) observations. The task and the command call this.

Stages: sniff -> parse -> refuse patient-identifiable data -> reader -> validate -> load in ONE transaction.
Progress is written outside the load transaction so the upload page can show it; the load itself is all or
nothing, so a worker killed half way leaves no rows and the re-delivered task starts again cleanly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import actions
from ..models import Extract, Indicator
from ..rollup import interval_function
from ..signals import extract_loaded
from . import reference, storage
from .pii import find_identifiers
from .problems import FileRefused, Problem, ProblemList
from .readers import detect_reader, get_reader
from .sniff import sniff
from .table import read_table
from .validate import validate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    extract: Extract
    ok: bool


def _stage(extract: Extract, stage: str, progress: int, status: str | None = None) -> None:
    """Record progress in its own short transaction, visible to the polling page at once."""
    fields = {"stage": stage, "progress": progress}
    if status:
        fields["status"] = status
    Extract.objects.filter(pk=extract.pk).update(**fields)
    for key, value in fields.items():
        setattr(extract, key, value)


def _refuse(extract: Extract, problems: ProblemList, *, rows_read: int = 0, delete_bytes: bool = False) -> Outcome:
    if delete_bytes:
        storage.delete(extract)
    listed = problems.summary()
    actions.finish_extract(
        extract=extract,
        status=Extract.Status.REFUSED,
        rows_read=rows_read,
        errors=[p.as_dict() for p in listed if p.severity == "error"],
        warnings=[p.as_dict() for p in listed if p.severity == "warning"],
        error_count=problems.count("error"),
        warning_count=problems.count("warning"),
    )
    return Outcome(extract, ok=False)


def run_extract(extract_id: int) -> Outcome:
    extract = Extract.objects.get(pk=extract_id)
    if extract.status in {Extract.Status.LOADED, Extract.Status.VALID, Extract.Status.REFUSED}:
        return Outcome(extract, ok=extract.status != Extract.Status.REFUSED)  # a re-delivered, finished task
    Extract.objects.filter(pk=extract.pk).update(started_at=timezone.now())
    problems = ProblemList()
    _stage(extract, "Reading the file", 5, Extract.Status.VALIDATING)
    try:
        content = storage.read(extract)
        sniffed = sniff(content)
        problems.extend(sniffed.warnings)
        table = read_table(content, sniffed)
        table.file_name = extract.file_name
    except FileRefused as refused:
        problems.extend(refused.problems)
        return _refuse(extract, problems, delete_bytes=refused.delete_bytes)
    rows_read = len(table.frame)
    _stage(extract, "Checking for patient-identifiable data", 15)
    reader = detect_reader(table) if extract.format in ("", "auto") else get_reader(extract.format)
    exempt = reader.pii_exempt_columns(table) if reader is not None else frozenset()
    exempt_headers = reader.pii_exempt_headers(table) if reader is not None else frozenset()
    identifiers = find_identifiers(table, exempt_columns=exempt, exempt_headers=exempt_headers)
    if identifiers:
        problems.extend(identifiers)
        problems.add(Problem(None, None, "file_deleted", "The file has been deleted. Upload aggregate data only."))
        log.warning("Extract %s refused as patient-identifiable; bytes deleted", extract.pk)
        return _refuse(extract, problems, rows_read=rows_read, delete_bytes=True)
    # Only after the patient-data scan, so an oversized patient-level file is still refused as such and deleted.
    limit = settings.INGEST_MAX_UPLOAD_ROWS
    if extract.source == Extract.Source.UPLOAD and limit and rows_read > limit:
        problems.add(
            Problem(
                None,
                None,
                "too_many_rows",
                f"The file has {rows_read:,} rows; the upload page takes up "
                f"to {limit:,}. Use `manage.py ingest` for larger files.",
            )
        )
        return _refuse(extract, problems, rows_read=rows_read)
    if reader is None:
        problems.extend(table.problems)
        problems.add(
            Problem(
                1,
                None,
                "unknown_format",
                "The columns do not match any accepted format; see the templates on the upload page.",
            )
        )
        return _refuse(extract, problems, rows_read=rows_read)
    # A headerless file's first line is data, so "blank column name" problems there do not apply.
    problems.extend(p for p in table.problems if not (reader.headerless and p.line == 1))
    if reader.headerless:
        rows_read += 1
    if extract.format != reader.name:
        Extract.objects.filter(pk=extract.pk).update(format=reader.name)
        extract.format = reader.name

    _stage(extract, f"Validating {rows_read:,} rows", 30)
    output = reader.read(table)
    del table  # the reader's frame is all that is needed from here: halve the peak memory
    problems.extend(output.problems)
    if output.kind != "observations":
        return _load_reference(extract, output, problems, rows_read)
    validated = validate(output.frame, output.columns, reference.current(), problems)
    if problems.errors:
        return _refuse(extract, problems, rows_read=rows_read)

    frame = with_intervals(validated.frame)
    _stage(extract, f"{'Trying' if extract.dry_run else 'Loading'} {len(frame):,} rows", 60, Extract.Status.LOADING)
    with transaction.atomic():
        result = actions.load_observations(extract=extract, rows=frame)
        for indicator in Indicator.objects.filter(pk__in=frame["indicator_id"].unique(), is_additive=True):
            touched = frame.loc[frame["indicator_id"] == indicator.pk, "period_end"].unique()
            result += actions.derive_rollups(indicator=indicator, extract=extract, period_ends=touched)
        if extract.dry_run:
            transaction.set_rollback(True)
    listed = problems.summary()
    actions.finish_extract(
        extract=extract,
        status=Extract.Status.VALID if extract.dry_run else Extract.Status.LOADED,
        result=result,
        rows_read=rows_read,
        warnings=[p.as_dict() for p in listed if p.severity == "warning"],
        warning_count=problems.count("warning"),
    )
    if not extract.dry_run:
        transaction.on_commit(lambda: extract_loaded.send(sender=Extract, extract=extract))
    return Outcome(extract, ok=True)


def with_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill 95% intervals the source did not give, by each indicator's method (Wilson, exact/Byar)."""
    frame = frame.copy()
    methods = dict(Indicator.objects.filter(pk__in=frame["indicator_id"].unique()).values_list("pk", "interval_method"))
    missing = frame["lower_ci"].isna() & frame["numerator"].notna() & (frame["denominator"] > 0)
    for indicator_id, rows in frame[missing].groupby("indicator_id"):
        interval = interval_function(methods[indicator_id], float(rows["multiplier"].iloc[0]))
        if interval is None:
            continue
        lower, upper = interval(rows["numerator"].to_numpy(float), rows["denominator"].to_numpy(float))
        frame.loc[rows.index, "lower_ci"] = np.asarray(lower)
        frame.loc[rows.index, "upper_ci"] = np.asarray(upper)
    return frame.drop(columns=["line", "multiplier"])


def _load_reference(extract: Extract, output, problems: ProblemList, rows_read: int) -> Outcome:
    """ODS reference files update areas and memberships rather than observations."""
    from . import reference_load

    if problems.errors:
        return _refuse(extract, problems, rows_read=rows_read)
    try:
        with transaction.atomic():
            result = reference_load.apply(output)
            if extract.dry_run:
                transaction.set_rollback(True)
    except FileRefused as refused:  # recorded outside the rolled-back transaction
        problems.extend(refused.problems)
        return _refuse(extract, problems, rows_read=rows_read)
    listed = problems.summary()
    actions.finish_extract(
        extract=extract,
        status=Extract.Status.VALID if extract.dry_run else Extract.Status.LOADED,
        result=result,
        rows_read=rows_read,
        warnings=[p.as_dict() for p in listed if p.severity == "warning"],
        warning_count=problems.count("warning"),
    )
    return Outcome(extract, ok=True)
