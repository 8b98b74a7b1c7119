"""Every write to the measurement core goes through here: keyword-only, transactional, logged.

Views, management commands and Celery tasks call these functions and never save models themselves, so
the supersede rules for observations live in one place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from .models import (
    KEY_COLUMNS,
    NUMBER_COLUMNS,
    VALUE_COLUMNS,
    Area,
    AreaAlias,
    Commentary,
    CoverageAcceptance,
    Extract,
    Indicator,
    Observation,
    PracticeMembership,
    SpcRebase,
)

if TYPE_CHECKING:
    from .ingest.problems import Problem

log = logging.getLogger(__name__)

#: Fields of an observation row that a new extract may change; a row equal on all of them is "unchanged".
KEY_FIELDS = list(KEY_COLUMNS)
VALUE_FIELDS = VALUE_COLUMNS
NUMBER_FIELDS = NUMBER_COLUMNS
BATCH_SIZE = 2000


@dataclass(frozen=True)
class LoadResult:
    inserted: int = 0
    superseded: int = 0
    unchanged: int = 0

    def __add__(self, other: LoadResult) -> LoadResult:
        return LoadResult(
            self.inserted + other.inserted, self.superseded + other.superseded, self.unchanged + other.unchanged
        )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    return a == b


def _key(row: Mapping[str, Any]) -> tuple:
    return (
        row["indicator_id"],
        row["area_id"],
        row["period_start"],
        row["period_end"],
        row.get("breakdown", "all"),
        row.get("category", "all"),
    )


@transaction.atomic
def create_extract(
    *,
    file_name: str,
    content: bytes,
    format: str,
    source: str,
    uploaded_by: Any = None,
    dry_run: bool = False,
) -> Extract:
    """Record a file's arrival at once, before anything is read from it."""
    return Extract.objects.create(
        file_name=file_name,
        sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content),
        format=format,
        source=source,
        uploaded_by=uploaded_by,
        dry_run=dry_run,
    )


@transaction.atomic
def load_observations(*, extract: Extract, rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> LoadResult:
    """Insert new rows, supersede changed ones, leave identical ones alone.

    ``rows`` (mappings or a DataFrame) carry ``indicator_id``, ``area_id``, ``period_start``, ``period_end``,
    ``breakdown``, ``category`` and the VALUE_FIELDS. The superseded row is kept, marked with the extract that
    replaced it. On PostgreSQL the rows go in by COPY with set-based statements; elsewhere by batched ORM
    writes. Loads of the same indicator are serialised, and the partial unique index guarantees one current
    row per key whatever happens.
    """
    from .ingest.load import copy_load, lock_indicators

    frame = _as_frame(rows)
    if frame.empty:
        return LoadResult()
    duplicated = frame.duplicated(subset=KEY_FIELDS)
    if duplicated.any():
        raise ValueError(f"Duplicate observation key in one load: {tuple(frame.loc[duplicated, KEY_FIELDS].iloc[0])}")
    lock_indicators(frame["indicator_id"].unique())
    if connection.vendor == "postgresql":
        return copy_load(extract_id=extract.pk, frame=frame)
    return _orm_load(extract, frame)


def _as_frame(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame.from_records(list(rows))
    if frame.empty:
        return frame
    for column, default in (("breakdown", "all"), ("category", "all")):
        if column not in frame:
            frame[column] = default
    for field in VALUE_FIELDS:
        if field not in frame:
            frame[field] = _default(field)
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    frame["is_derived"] = frame["is_derived"].fillna(False).astype(bool)
    frame["note"] = frame["note"].fillna("").astype(str)
    for field in ("coverage_basis", "missing_practices"):
        frame[field] = frame[field].fillna("").astype(str)
    for field in ("covered_practices", "member_practices"):
        frame[field] = pd.to_numeric(frame[field], errors="coerce").fillna(0).astype("int64")
    frame["coverage_share"] = pd.to_numeric(frame["coverage_share"], errors="coerce").astype(float)
    for field in NUMBER_FIELDS:
        frame[field] = pd.to_numeric(frame[field], errors="coerce").astype(float)
    return frame


def _orm_load(extract: Extract, frame: pd.DataFrame) -> LoadResult:
    records = frame.to_dict("records")
    for row in records:
        for field in (*NUMBER_FIELDS, "coverage_share"):
            if row[field] != row[field]:  # NaN -> None
                row[field] = None
    indicator_ids = {r["indicator_id"] for r in records}
    area_ids = {r["area_id"] for r in records}
    starts = [r["period_start"] for r in records]
    current = {
        (o.indicator_id, o.area_id, o.period_start, o.period_end, o.breakdown, o.category): o
        for o in Observation.objects.select_for_update().filter(
            indicator_id__in=indicator_ids,
            area_id__in=area_ids,
            period_start__gte=min(starts),
            period_start__lte=max(starts),
            is_current=True,
        )
    }
    to_insert: list[Observation] = []
    to_supersede: list[Observation] = []
    unchanged = 0
    for row in records:
        existing = current.get(_key(row))
        if existing is not None:
            if all(_same(getattr(existing, f), row[f]) for f in VALUE_FIELDS):
                unchanged += 1
                continue
            existing.is_current = False
            existing.superseded_by = extract
            to_supersede.append(existing)
        to_insert.append(
            Observation(
                indicator_id=row["indicator_id"],
                area_id=row["area_id"],
                period_start=row["period_start"],
                period_end=row["period_end"],
                breakdown=row["breakdown"],
                category=row["category"],
                extract=extract,
                **{f: row[f] for f in VALUE_FIELDS},
            )
        )
    # Supersede first: the partial unique index would refuse a second current row for the key.
    Observation.objects.bulk_update(to_supersede, ["is_current", "superseded_by"], batch_size=BATCH_SIZE)
    Observation.objects.bulk_create(to_insert, batch_size=BATCH_SIZE)
    return LoadResult(inserted=len(to_insert), superseded=len(to_supersede), unchanged=unchanged)


def _default(field: str) -> Any:
    return {
        "suppressed": False,
        "is_derived": False,
        "note": "",
        "covered_practices": 0,
        "member_practices": 0,
        "coverage_basis": "",
        "missing_practices": "",
    }.get(field)


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
def upsert_area(
    *,
    code: str,
    name: str,
    level: str,
    parent: Area | None,
    short_name: str = "",
    is_comparator: bool = False,
    sort_order: int = 0,
) -> Area:
    alias = AreaAlias.objects.filter(alias=code).select_related("area").first()
    if alias is not None:  # a former code must not come back as a second area (ADR 0017)
        raise ValueError(f"{code} is a former code of {alias.area.name}, now {alias.area.code}: use that code.")
    area, _ = Area.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "short_name": short_name,
            "level": level,
            "parent": parent,
            "is_comparator": is_comparator,
            "sort_order": sort_order,
        },
    )
    return area


def set_area_status(*, area: Area, status: str) -> Area:
    """Record the status NHS ODS gives an area (a practice's epraccur status: active, closed, dormant, proposed)."""
    area.ods_status = status
    area.full_clean(validate_unique=False)
    area.save(update_fields=["ods_status"])
    return area


@transaction.atomic
@transaction.atomic
def set_area_code(*, area: Area, code: str, note: str = "former code") -> Area:
    """Give an area its real ODS code (a local PCN code becomes the ePCN code), keeping its history and links.

    ``upsert_area`` keys on the code, so a change of code is its own action. The old code becomes an alias of
    the area (old links redirect, old files load with a warning); an alias equal to the new code is dropped."""
    old = area.code
    if old == code:
        return area
    AreaAlias.objects.filter(alias=code).delete()
    area.code = code
    area.full_clean(validate_unique=True)
    area.save(update_fields=["code"])
    set_area_alias(alias=old, area=area, note=note)
    log.info("Area %s now has ODS code %s", old, code)
    return area


def set_area_alias(*, alias: str, area: Area, note: str = "") -> AreaAlias:
    """Record that ``alias`` is a former code of ``area`` (idempotent; moves an alias to another area)."""
    record = AreaAlias.objects.filter(alias=alias).first() or AreaAlias(alias=alias)
    if record.pk is not None and record.area_id == area.pk and record.note == (note or record.note):
        return record
    record.area, record.note = area, note or record.note
    record.full_clean(validate_unique=False)
    record.save()
    return record


@transaction.atomic
def set_practice_membership(
    *, practice: Area, pcn: Area, start: dt.date, end: dt.date | None = None
) -> PracticeMembership:
    """Record that ``practice`` belongs to ``pcn`` from ``start``; validated against overlaps."""
    membership = PracticeMembership.objects.filter(practice=practice, start=start).first() or PracticeMembership(
        practice=practice, start=start
    )
    membership.pcn = pcn
    membership.end = end
    membership.full_clean(validate_unique=False, validate_constraints=False)
    membership.save()
    return membership


@transaction.atomic
def write_commentary(*, indicator: Indicator, area: Area, period_end: dt.date, text: str, author: Any) -> Commentary:
    text = text.strip()
    if not text:
        raise ValueError("Commentary cannot be blank.")
    return Commentary.objects.create(indicator=indicator, area=area, period_end=period_end, text=text, author=author)


@transaction.atomic
def add_spc_rebase(*, indicator: Indicator, area: Area, starts: dt.date, reason: str) -> SpcRebase:
    """Re-base an SPC chart from ``starts`` (a period start): new mean and limits from there, with the reason the
    chart shows. A blank reason, or a second re-base at the same start, is refused with ValueError."""
    reason = reason.strip()
    if not reason:
        raise ValueError("Give the reason for re-basing: the change to the process that justifies new limits.")
    if "\x00" in reason:
        raise ValueError("The reason cannot contain null characters.")
    if SpcRebase.objects.filter(indicator=indicator, area=area, starts=starts).exists():
        raise ValueError(f"The chart is already re-based from {starts:%B %Y}.")
    rebase = SpcRebase.objects.create(indicator=indicator, area=area, starts=starts, reason=reason)
    log.info("SPC re-based: %s %s from %s", indicator.code, area.code, starts)
    return rebase


PRACTICE_ROW_FIELDS = [
    "area_id",
    "period_start",
    "period_end",
    "breakdown",
    "category",
    "numerator",
    "denominator",
    "suppressed",
]


def _current_practice_rows(indicator: Indicator, period_ends: Iterable | None) -> pd.DataFrame:
    """Current practice rows of an indicator as a frame (one query; COPY on PostgreSQL for large reads)."""
    rows = Observation.objects.filter(indicator=indicator, area__level="practice", is_current=True)
    if period_ends is not None:
        rows = rows.filter(period_end__in=sorted(set(period_ends)))
    query = rows.values_list(*PRACTICE_ROW_FIELDS)
    if connection.vendor != "postgresql":
        return pd.DataFrame.from_records(list(query), columns=PRACTICE_ROW_FIELDS)
    import io

    sql, params = query.query.sql_with_params()
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY ({cursor.mogrify(sql, params).decode()}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    frame = pd.read_csv(buffer, names=PRACTICE_ROW_FIELDS, header=None)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d").dt.date
    frame["suppressed"] = frame["suppressed"].map({"t": True, "f": False}).astype(bool)
    return frame


@transaction.atomic
def derive_rollups(
    *,
    indicator: Indicator,
    extract: Extract,
    period_ends: Iterable | None = None,
    on_warning: Callable[[Problem], None] | None = None,
) -> LoadResult:
    """Roll an additive indicator's practice rows up to PCN and borough (ratio of sums, membership in force).

    Only the periods in ``period_ends`` are recomputed when given (those an extract touched). Keys for which
    the source itself supplied a PCN or borough row are left to the source. On PostgreSQL the sums are one
    query (``rollup_sql``); elsewhere pandas sums the practice rows. Each derived row records its coverage of
    the members in force; one below ROLLUP_MIN_COVERAGE is held back (a suppressed row saying why) unless an
    analyst accepted it (``accept_coverage``). ``on_warning`` hears, per period, which members are missing
    and which values were held back.
    """
    from .ingest.load import lock_indicators
    from .rollup import interval_function, ratio_of_sums

    if not indicator.is_additive:
        return LoadResult()
    # The indicator's load lock before the sums are read, not only before they are written: otherwise a roll-up
    # racing an extract's commit could compare stale sums with the extract's fresh derived rows and supersede them.
    lock_indicators([indicator.pk])
    sums = _group_sums(indicator, period_ends)
    if sums.empty:
        return LoadResult()
    derived = ratio_of_sums(
        sums,
        multiplier=indicator.multiplier,
        interval=interval_function(indicator.interval_method, indicator.multiplier),
    )
    derived = _with_coverage(indicator, derived, sums, on_warning)
    source_rows = Observation.objects.filter(
        indicator=indicator, is_current=True, is_derived=False, area_id__in=set(derived["area_id"].tolist())
    )
    if period_ends is not None:
        source_rows = source_rows.filter(period_end__in=sorted(set(period_ends)))
    supplied = list(source_rows.values_list(*DERIVED_KEY))
    if supplied:
        keys = pd.MultiIndex.from_frame(derived[DERIVED_KEY])
        derived = derived[~keys.isin(pd.MultiIndex.from_tuples(supplied, names=DERIVED_KEY))]
    rows = derived.assign(indicator_id=indicator.pk, is_derived=True, suppressed=derived["suppressed"].astype(bool))
    return load_observations(extract=extract, rows=rows)


def _with_coverage(
    indicator: Indicator,
    derived: pd.DataFrame,
    sums: pd.DataFrame,
    on_warning: Callable[[Problem], None] | None,
) -> pd.DataFrame:
    """``derived`` with its coverage columns; values below the threshold and not accepted held back."""
    from django.conf import settings

    from . import coverage
    from .coverage_weights import practice_weights

    period_ends = sorted(set(sums["period_end"]))
    memberships = pd.DataFrame.from_records(
        PracticeMembership.objects.values("practice_id", "pcn_id", "start", "end"),
        columns=["practice_id", "pcn_id", "start", "end"],
    )
    pcn_parent = dict(Area.objects.filter(level="pcn").values_list("pk", "parent_id"))
    members = coverage.members_by_group(memberships, pcn_parent, period_ends)
    practice_ids = set().union(*members.values()) if members else set()
    weights, basis = practice_weights(indicator, period_ends, practice_ids)
    codes = dict(Area.objects.filter(pk__in=practice_ids).values_list("pk", "code"))
    derived = derived.join(coverage.coverage(sums, members, weights, basis, codes))
    accepted = {
        (area_id, period_end): share
        for area_id, period_end, share in CoverageAcceptance.objects.filter(
            indicator=indicator, period_end__in=period_ends
        ).values_list("area_id", "period_end", "coverage_share")
    }
    threshold = float(getattr(settings, "ROLLUP_MIN_COVERAGE", 0.95))
    share = derived["coverage_share"].to_numpy(float)
    exempt = np.array(
        [
            (a, e) in accepted and s >= accepted[(a, e)] - 1e-9
            for a, e, s in zip(derived["area_id"], derived["period_end"], share, strict=True)
        ],
        dtype=bool,
    )
    held = (share < threshold) & ~exempt
    if held.any():
        derived.loc[held, ["numerator", "denominator", "value", "lower_ci", "upper_ci"]] = np.nan
        derived.loc[held, "suppressed"] = True
        derived.loc[held, "note"] = [
            (f"{coverage.HELD_BACK}{coverage.caveat(c, m, s, b)}, below {threshold:.0%}")[:255]
            for c, m, s, b in derived.loc[
                held, ["covered_practices", "member_practices", "coverage_share", "coverage_basis"]
            ].itertuples(index=False)
        ]
    if exempt.any():
        derived.loc[exempt & (share < 1), "note"] = (
            derived.loc[exempt & (share < 1), "note"] + "; partial coverage accepted by an analyst"
        )
    if on_warning is not None:
        for problem in _coverage_warnings(indicator, derived, held, codes):
            on_warning(problem)
    return derived


def _coverage_warnings(indicator: Indicator, derived: pd.DataFrame, held: np.ndarray, codes) -> list[Problem]:
    """Per period: the members missing (from the widest group's headline row), and what was held back."""
    from . import coverage
    from .ingest.problems import Problem

    problems = []
    partial = derived[derived["member_practices"] > derived["covered_practices"]]
    for period_end, rows in partial.groupby("period_end", sort=True):
        widest = rows.sort_values(["member_practices", "breakdown", "category"], ascending=[False, True, True]).iloc[0]
        missing = set().union(*(set(m.split(",")) for m in rows["missing_practices"] if m))
        widest_caveat = coverage.caveat(
            widest.covered_practices, widest.member_practices, widest.coverage_share, widest.coverage_basis
        )
        problems.append(
            Problem(
                None,
                None,
                "rollup_members_missing",
                f"{indicator.code}, period ending {period_end:%d %b %Y}: no rows from {len(missing)} member "
                f"practice{'s' if len(missing) != 1 else ''}: {coverage.shorten_codes(','.join(sorted(missing)))}. "
                f"The widest roll-up {widest_caveat[0].lower()}{widest_caveat[1:]}.",
                "warning",
            )
        )
    held_rows = derived[held & (derived["breakdown"] == "all").to_numpy() & (derived["category"] == "all").to_numpy()]
    if not held_rows.empty:
        names = dict(Area.objects.filter(pk__in=set(held_rows["area_id"])).values_list("pk", "code"))
        for period_end, rows in held_rows.groupby("period_end", sort=True):
            areas = ", ".join(sorted(names.get(a, str(a)) for a in rows["area_id"]))
            problems.append(
                Problem(
                    None,
                    None,
                    "rollup_held_back",
                    f"{indicator.code}, period ending {period_end:%d %b %Y}: not derived for {areas}: coverage "
                    "below the threshold. An analyst can accept it, with a reason, on this extract's page.",
                    "warning",
                )
            )
    return problems


@transaction.atomic
def accept_coverage(
    *, indicator: Indicator, area: Area, period_end: dt.date, reason: str, user: Any, extract: Extract
) -> CoverageAcceptance:
    """Accept a held-back PCN or borough value for one period, with the reason, and derive it now.

    The acceptance holds for the coverage it was given at (the current held-back row's share); the roll-up of
    the indicator for that period is re-run and the derived rows are written as part of ``extract``."""
    from . import coverage
    from .signals import extract_loaded

    reason = reason.strip()
    if not reason:
        raise ValueError("Give a reason for accepting a value below the coverage threshold.")
    held = (
        Observation.objects.filter(
            indicator=indicator,
            area=area,
            period_end=period_end,
            is_current=True,
            is_derived=True,
            note__startswith=coverage.HELD_BACK,
        )
        .order_by("breakdown", "category")
        .first()
    )
    if held is None:
        raise ValueError("Nothing is held back for coverage for that indicator, area and period.")
    acceptance, _ = CoverageAcceptance.objects.update_or_create(
        indicator=indicator,
        area=area,
        period_end=period_end,
        defaults={
            "coverage_share": held.coverage_share or 0.0,
            "covered_practices": held.covered_practices,
            "member_practices": held.member_practices,
            "reason": reason,
            "accepted_by": user,
        },
    )
    derive_rollups(indicator=indicator, extract=extract, period_ends=[period_end])
    # The pages' data version moves with the extract's completion time.
    Extract.objects.filter(pk=extract.pk).update(completed_at=timezone.now())
    transaction.on_commit(lambda: extract_loaded.send(sender=Extract, extract=extract))
    log.info("Coverage accepted for %s %s %s by %s", indicator.code, area.code, period_end, user)
    return acceptance


DERIVED_KEY = ["area_id", "period_start", "period_end", "breakdown", "category"]


def _group_sums(indicator: Indicator, period_ends: Iterable | None, *, in_database: bool | None = None) -> pd.DataFrame:
    """Per PCN and borough and key: the members' sums and how many were incomplete (rollup.SUM_COLUMNS).

    ``in_database`` (default: on PostgreSQL) sums with one query; otherwise pandas sums the practice rows."""
    from . import rollup, rollup_sql

    if connection.vendor == "postgresql" if in_database is None else in_database:
        return rollup_sql.group_sums(indicator.pk, period_ends)
    practice_rows = _current_practice_rows(indicator, period_ends)
    if practice_rows.empty:
        return pd.DataFrame(columns=rollup.SUM_COLUMNS)
    memberships = pd.DataFrame.from_records(
        PracticeMembership.objects.values("practice_id", "pcn_id", "start", "end"),
        columns=["practice_id", "pcn_id", "start", "end"],
    )
    pcn_parent = dict(Area.objects.filter(level="pcn").values_list("pk", "parent_id"))
    return rollup.group_sums(practice_rows, memberships, pcn_parent)


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
    *, file_name: str, content: bytes, format: str, source: str, uploaded_by: Any = None, dry_run: bool = False
) -> Extract:
    """Record an arriving file and keep its bytes for the ingest task (committed before the task is queued)."""
    from .ingest import storage

    with transaction.atomic():
        extract = create_extract(
            file_name=file_name,
            content=content,
            format=format or "auto",
            source=source,
            uploaded_by=uploaded_by,
            dry_run=dry_run,
        )
    storage.save(extract, content)
    return extract
