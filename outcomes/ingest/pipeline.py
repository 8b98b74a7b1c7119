"""Run one extract from stored bytes to loaded (or refused) observations. The task and the command call this.

Stages: open a ZIP download (archive.unwrap) -> sniff -> parse -> refuse patient-identifiable data -> reader ->
validate -> load in ONE transaction.
Progress is written outside the load transaction so the upload page can show it; the load itself is all or
nothing, so a worker killed half way leaves no rows and the re-delivered task starts again cleanly.

A run first claims its extract, so two deliveries of one task (a task that outlives the broker's visibility
timeout is delivered again while it still runs) cannot both load it. On PostgreSQL the claim is a session
advisory lock on the extract, held by the running worker's connection and so released when that worker dies,
plus a compare-and-set UPDATE of the status that records the attempt's ``started_at``. ``started_at`` is the
attempt token: progress and the final counts are written only while it is still the claiming attempt's, and
the counts commit in the same transaction as the rows. A delivery that finds the lock held does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.history import change_source

from .. import actions, storage
from ..models import Area, Extract, Indicator
from ..problems import FileRefused, Problem, ProblemList
from ..rollup import interval_function
from ..signals import extract_loaded
from . import archive, reference
from .companions import companion_file
from .limits import NO_LIMITS, Limits
from .names import identifiers_in_names, masked
from .nearest import unknown_format_message
from .parsed import LINE
from .pii import find_identifiers
from .readers import detect_reader, get_reader
from .rowchecks import check_text
from .sniff import sniff
from .table import read_table
from .unread_parts import identifiers_elsewhere, nhs_numbers_beyond, nhs_numbers_in_titles
from .validate import validate

#: Names an ODS file gives practices and PCNs: checked like any free text before they become area names.
REFERENCE_NAMES = ("name", "practice_name", "pcn_name")

log = logging.getLogger(__name__)

DELETED = "The stored copy of the file has been deleted (your own copy is untouched). Upload aggregate data only."

CLAIM_NAMESPACE = 7_441_922  # pg_advisory_lock(ns, extract id): held by the run that claimed the extract
CLAIM_WAIT_SECONDS = 5.0  # how long a delivery waits for a dying worker's connection (and its lock) to go
FINISHED = (Extract.Status.LOADED, Extract.Status.VALID, Extract.Status.REFUSED)
IN_PROGRESS = (Extract.Status.VALIDATING, Extract.Status.LOADING)


@dataclass(frozen=True)
class Outcome:
    extract: Extract
    ok: bool
    claimed: bool = True  # False: this delivery did nothing (the extract was finished or another run has it)


class ClaimLost(Exception):
    """Another attempt has claimed the extract since this one did; this one must write nothing more."""


def _try_lock(extract_id: int) -> bool:
    """The claim lock (PostgreSQL; elsewhere the status and started_at alone decide, see _claim)."""
    if connection.vendor != "postgresql":
        return True
    deadline = time.monotonic() + CLAIM_WAIT_SECONDS
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [CLAIM_NAMESPACE, extract_id])
            if cursor.fetchone()[0]:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.1)


def _unlock(extract_id: int) -> None:
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [CLAIM_NAMESPACE, extract_id])
    except DatabaseError:  # a kept-alive connection must not keep the lock: dropping the session releases it
        log.exception("Extract %s: the claim lock could not be released; closing the connection", extract_id)
        connection.close()


@contextmanager
def _claim(extract_id: int):
    """Yield the extract claimed for this attempt, or None when this delivery must do nothing."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    if not _try_lock(extract_id):
        log.warning(
            "Extract %s is already being processed by another live run (its claim lock is held); "
            "this delivery (%s) does nothing",
            extract_id,
            worker,
        )
        yield None
        return
    try:
        now = timezone.now()
        claimable = ~Q(status__in=FINISHED)
        if connection.vendor != "postgresql":  # no lock to show the claimant alive: a lease of the timeout
            lease = dt.timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
            claimable &= ~Q(status__in=IN_PROGRESS) | Q(started_at__isnull=True) | Q(started_at__lt=now - lease)
        previous = Extract.objects.filter(pk=extract_id).values_list("status", "started_at").first()
        claimed = (
            Extract.objects.filter(pk=extract_id)
            .filter(claimable)
            .update(status=Extract.Status.VALIDATING, started_at=now, stage="Reading the file", progress=5)
        )
        if not claimed:
            log.info("Extract %s is %s; this delivery (%s) does nothing", extract_id, previous, worker)
            yield None
            return
        if previous and previous[0] in IN_PROGRESS:
            log.warning(
                "Extract %s: taking over an attempt of %s left %s (its worker is gone); %s starts again",
                extract_id,
                previous[1],
                previous[0],
                worker,
            )
        extract = Extract.objects.get(pk=extract_id)
        log.info("Extract %s claimed by %s, attempt %s", extract_id, worker, extract.started_at.isoformat())
        yield extract
    finally:
        _unlock(extract_id)


def _ours(extract: Extract):
    """The extract's row while this attempt still holds the claim (its started_at and an unfinished status)."""
    return Extract.objects.filter(pk=extract.pk, started_at=extract.started_at).exclude(status__in=FINISHED)


def _finish(extract: Extract, **fields) -> Extract:
    """actions.finish_extract, only while the claim is this attempt's (the row is locked while it is checked)."""
    with transaction.atomic():
        if not _ours(extract).select_for_update().exists():
            raise ClaimLost(extract.pk)
        return actions.finish_extract(extract=extract, **fields)


def _stage(extract: Extract, stage: str, progress: int, status: str | None = None) -> None:
    """Record progress in its own short transaction, visible to the polling page at once."""
    fields = {"stage": stage, "progress": progress}
    if status:
        fields["status"] = status
    if not _ours(extract).update(**fields):
        raise ClaimLost(extract.pk)
    for key, value in fields.items():
        setattr(extract, key, value)


def _refuse(extract: Extract, problems: ProblemList, *, rows_read: int = 0, delete_bytes: bool = False) -> Outcome:
    if delete_bytes:
        storage.delete(extract)
    listed = problems.summary()
    _finish(
        extract,
        status=Extract.Status.REFUSED,
        rows_read=rows_read,
        errors=[p.as_dict() for p in listed if p.severity == "error"],
        warnings=[p.as_dict() for p in listed if p.severity == "warning"],
        error_count=problems.count("error"),
        warning_count=problems.count("warning"),
    )
    return Outcome(extract, ok=False)


def _refuse_identifying_names(extract: Extract, problems: ProblemList, named: list[Problem]) -> Outcome:
    """Refuse and delete, and keep the names on record with their digits masked (the record outlives the file)."""
    problems.extend(named)
    problems.add(Problem(None, None, "file_deleted", DELETED))
    storage.delete(extract)
    extract.file_name, extract.member = masked(extract.file_name), masked(extract.member)
    _ours(extract).update(file_name=extract.file_name, member=extract.member)
    log.warning("Extract %s refused as patient-identifiable (a name or member comment); bytes deleted", extract.pk)
    return _refuse(extract, problems)


def limits_for(extract: Extract, *, max_rows: int | None = None) -> Limits:
    """The upload page and the drop folder share the upload limits; ``manage.py ingest`` has none unless it is
    given ``--max-rows``. A setting of 0 means no limit."""
    if extract.source in (Extract.Source.UPLOAD, Extract.Source.DROP_FOLDER):
        return Limits(
            rows=settings.INGEST_MAX_UPLOAD_ROWS or None,
            workbook_bytes=settings.INGEST_MAX_XLSX_UNCOMPRESSED_BYTES or None,
        )
    return Limits(rows=max_rows) if max_rows else NO_LIMITS


def run_extract(extract_id: int, *, max_rows: int | None = None) -> Outcome:
    """``max_rows``: a row limit for ``manage.py ingest --max-rows`` (the upload page and drop folder have theirs)."""
    with _claim(extract_id) as extract:
        if extract is not None:
            try:
                return _run(extract, limits_for(extract, max_rows=max_rows))
            except ClaimLost:
                log.warning("Extract %s was claimed by another attempt while this one ran; it stops", extract_id)
    extract = Extract.objects.get(pk=extract_id)  # a finished extract, or one another run has
    return Outcome(extract, ok=extract.status in (Extract.Status.LOADED, Extract.Status.VALID), claimed=False)


def _run(extract: Extract, limits: Limits) -> Outcome:
    problems = ProblemList()
    try:
        raw = storage.read(extract)
        named = identifiers_in_names(extract.file_name, raw, member=extract.member)
        if named:  # before the archive is opened: no other refusal may keep a name that identifies a patient
            return _refuse_identifying_names(extract, problems, named)
        opened = archive.unwrap(
            raw,
            member=extract.member or None,
            format=extract.format,
            limits=archive.limits_from_settings(),
        )
        problems.extend(opened.warnings)
        member = (opened.member or "")[: Extract._meta.get_field("member").max_length]
        if member and member != extract.member:
            _ours(extract).update(member=member)
            extract.member = member
        content = opened.content
        sniffed = sniff(content)
        problems.extend(sniffed.warnings)
        table = read_table(content, sniffed, limits)
        # readers that take the year from the name (QOF, GPPS) see the name of the file inside a ZIP download
        table.file_name = PurePosixPath(extract.member).name if extract.member else extract.file_name
    except FileRefused as refused:
        problems.extend(refused.problems)
        return _refuse(extract, problems, delete_bytes=refused.delete_bytes)
    rows_read = len(table.frame)
    _stage(extract, "Checking for patient-identifiable data", 15)
    auto = extract.format in ("", "auto")
    companion = companion_file(table) if auto else None  # a lookup published beside the data is not data
    reader = (None if companion else detect_reader(table)) if auto else get_reader(extract.format)
    exempt = reader.pii_exempt_columns(table) if reader is not None else frozenset()
    exempt_headers = reader.pii_exempt_headers(table) if reader is not None else frozenset()
    if companion is not None and companion.places:  # a list of places: no cell is about a person
        exempt, exempt_headers = frozenset(c for c in table.frame.columns if c != LINE), frozenset(table.header)
    identifiers = find_identifiers(
        table, exempt_columns=exempt, exempt_headers=exempt_headers, recognised=reader is not None or bool(companion)
    )
    if reader is not None and reader.headerless:  # line 1 is data: name its columns by position, not by its cells
        position = {name: f"column {index + 1}" for index, name in reversed(list(enumerate(table.header)))}
        identifiers = [replace(p, column=position.get(p.column or "", p.column)) for p in identifiers]
    # ... and the sheets and ZIP members not read, which are stored with the upload all the same
    identifiers += nhs_numbers_in_titles(table.preamble) + nhs_numbers_beyond(table.beyond)
    identifiers += identifiers_elsewhere(
        raw, member=opened.member, sheet=table.sheet, limits=archive.limits_from_settings()
    )
    del raw
    if identifiers:
        problems.extend(identifiers)
        problems.add(Problem(None, None, "file_deleted", DELETED))
        log.warning("Extract %s refused as patient-identifiable; bytes deleted", extract.pk)
        return _refuse(extract, problems, rows_read=rows_read, delete_bytes=True)
    # Reading stopped at the row limit. Refused only after the patient-data scan of the rows read, so an
    # oversized patient-level file is still refused as such and deleted.
    if table.over_limit is not None:
        problems.add(table.over_limit)
        return _refuse(extract, problems, rows_read=rows_read)
    if reader is None:
        problems.extend(table.problems)
        if companion is not None:
            problems.add(Problem(table.header_line, None, "not_a_data_file", companion.message()))
        else:
            problems.add(Problem(table.header_line, None, "unknown_format", unknown_format_message(table.header)))
        return _refuse(extract, problems, rows_read=rows_read)
    # A headerless file's first line is data, so "blank column name" problems there do not apply.
    for problem in reader.table_problems(table):
        if reader.headerless and problem.line == 1:
            continue
        if reader.headerless and problem.code == "repeated_header":  # line 1 is data: this line is its twin
            problem = replace(
                problem, code="duplicate_line", message="This line repeats line 1 exactly; it was read once."
            )
        problems.add(problem)
    if reader.headerless:
        rows_read += 1
    if extract.format != reader.name:
        _ours(extract).update(format=reader.name)
        extract.format = reader.name

    _stage(extract, f"Validating {rows_read:,} rows", 30)
    output = reader.read(table)
    del table  # the reader's frame is all that is needed from here: halve the peak memory
    problems.extend(output.problems)
    if output.kind != "observations":
        return _load_reference(extract, output, problems, rows_read)
    validated = validate(output.frame, output.columns, reference.current(), problems)
    if not problems.errors and validated.frame.empty:
        problems.add(nothing_to_load(problems, rows_read))
    if problems.errors:
        return _refuse(extract, problems, rows_read=rows_read)

    frame = with_intervals(validated.frame)
    _stage(extract, f"{'Trying' if extract.dry_run else 'Loading'} {len(frame):,} rows", 60, Extract.Status.LOADING)
    with transaction.atomic():
        result = actions.load_observations(extract=extract, rows=frame)
        for indicator in Indicator.objects.filter(pk__in=frame["indicator_id"].unique(), is_additive=True):
            touched = frame.loc[frame["indicator_id"] == indicator.pk, "period_end"].unique()
            result += actions.derive_rollups(
                indicator=indicator, extract=extract, period_ends=touched, on_warning=problems.add
            )
        listed = problems.summary()
        finish = {
            "result": result,
            "rows_read": rows_read,
            "warnings": [p.as_dict() for p in listed if p.severity == "warning"],
            "warning_count": problems.count("warning"),
        }
        if extract.dry_run:
            transaction.set_rollback(True)
        else:  # the counts commit with the rows, or neither does (a redelivery then loads afresh)
            _finish(extract, status=Extract.Status.LOADED, **finish)
    if extract.dry_run:
        _finish(extract, status=Extract.Status.VALID, **finish)
    else:
        transaction.on_commit(lambda: extract_loaded.send(sender=Extract, extract=extract))
    return Outcome(extract, ok=True)


UNTRACKED = re.compile(r"^Fingertips indicator (.+?) is not one we track")


def nothing_to_load(problems: ProblemList, rows_read: int) -> Problem:
    """The error that refuses a readable file none of whose rows is ours (e.g. a Fingertips export of an indicator
    we do not track): loading nothing is not a success, for a person, a script or the drop folder."""
    untracked = [m[1] for p in problems.items if p.code == "untracked_indicator" and (m := UNTRACKED.match(p.message))]
    if untracked:
        what = f"it holds only Fingertips indicators we do not track: {'; '.join(untracked)}"
        advice = (
            "If one of them should be tracked, start tracking it from this extract's page (a draft definition "
            "filled in from the file, approved by a second analyst or an admin) and run the file again, or add its "
            "id to that indicator's definition (fixtures/indicators/<CODE>.toml: fingertips = { id = ... }) and run "
            "`manage.py load_reference_data`; otherwise download the export of an indicator listed on the "
            "Indicators page."
        )
    else:
        what = "no row is for an indicator, area and breakdown we track (the warnings say why each was skipped)"
        advice = "Check the indicator codes, area codes and breakdowns against the Indicators page and the template."
    return Problem(None, None, "nothing_loaded", f"Nothing loaded from {rows_read:,} rows: {what}. {advice}")


def nothing_of_ours(rows_read: int) -> Problem:
    """The error that refuses a reference file (ODS, a lookup) none of whose rows is one of our practices or PCNs:
    a part of a national file, or another area's, loads nothing and is not a success."""
    return Problem(
        None,
        None,
        "nothing_loaded",
        f"Nothing loaded from {rows_read:,} rows: none of them is one of our practices or PCNs. Load the whole "
        "national file as published (it lists every practice in England), not a part of it or another area's.",
    )


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

    limit = Area._meta.get_field("name").max_length
    check_text(output.frame, output.columns, REFERENCE_NAMES, problems, max_length=limit)
    if problems.errors:
        return _refuse(extract, problems, rows_read=rows_read)
    try:
        source = f"extract {extract.pk}: {extract.file_name}"
        with transaction.atomic(), change_source(source, user=extract.uploaded_by):
            result = reference_load.apply(output, on_warning=problems.add)
            touched = result.inserted + result.superseded + result.unchanged
            if extract.dry_run or not touched:
                transaction.set_rollback(True)
    except FileRefused as refused:  # recorded outside the rolled-back transaction
        problems.extend(refused.problems)
        return _refuse(extract, problems, rows_read=rows_read)
    if not touched and (output.kind != "geography" or output.frame.empty):
        problems.add(nothing_of_ours(rows_read))
        return _refuse(extract, problems, rows_read=rows_read)
    listed = problems.summary()
    _finish(
        extract,
        status=Extract.Status.VALID if extract.dry_run else Extract.Status.LOADED,
        result=result,
        rows_read=rows_read,
        warnings=[p.as_dict() for p in listed if p.severity == "warning"],
        warning_count=problems.count("warning"),
    )
    return Outcome(extract, ok=True)
