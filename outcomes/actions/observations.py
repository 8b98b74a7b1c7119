"""The observation load: insert new rows, supersede changed ones, leave identical ones alone.

One module for both paths: batched ORM writes on SQLite, and on PostgreSQL COPY into a temporary table with two
set-based statements. Loads of the same indicators are serialised with transaction-scoped advisory locks, so two
extracts touching the same keys at once queue rather than race; the partial unique index is the final guard
either way. Observations are superseded, never overwritten (ADR 0001).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, transaction

from ..models import KEY_COLUMNS, NUMBER_COLUMNS, VALUE_COLUMNS, Extract, Observation, observation_columns
from . import pgcopy

BATCH_SIZE = 2000
ADVISORY_NAMESPACE = 7_441_921  # arbitrary, fixed: "observation loads" in pg_advisory_xact_lock(ns, id)
COLUMNS = list(observation_columns())

COVERAGE_DEFAULTS = {
    "covered_practices": 0,
    "member_practices": 0,
    "coverage_share": np.nan,
    "coverage_basis": "",
    "missing_practices": "",
}

COPY_CHUNK_ROWS = 100_000

COPY_READ_BYTES = 1 << 20

#: How each kind of model field goes over binary COPY (``pgcopy``).
_COPY_KINDS = {
    "ForeignKey": "int8",
    "DateField": "date",
    "CharField": "text",
    "TextField": "text",
    "FloatField": "float8",
    "BooleanField": "bool",
    "PositiveIntegerField": "int4",
}
#: Each column with its COPY kind, from the model's fields (``observation_columns``).
COLUMN_KINDS = [(c, _COPY_KINDS[Observation._meta.get_field(c).get_internal_type()]) for c in COLUMNS]


@dataclass(frozen=True)
class LoadResult:
    inserted: int = 0
    superseded: int = 0
    unchanged: int = 0

    def __add__(self, other: LoadResult) -> LoadResult:
        return LoadResult(
            self.inserted + other.inserted, self.superseded + other.superseded, self.unchanged + other.unchanged
        )


@transaction.atomic
def load_observations(*, extract: Extract, rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> LoadResult:
    """Insert new rows, supersede changed ones, leave identical ones alone.

    ``rows`` (mappings or a DataFrame) carry ``indicator_id``, ``area_id``, ``period_start``, ``period_end``,
    ``breakdown``, ``category`` and the VALUE_COLUMNS. The superseded row is kept, marked with the extract that
    replaced it. On PostgreSQL the rows go in by COPY with set-based statements; elsewhere by batched ORM
    writes. Loads of the same indicator are serialised, and the partial unique index guarantees one current
    row per key whatever happens.
    """
    frame = _as_frame(rows)
    if frame.empty:
        return LoadResult()
    key = list(KEY_COLUMNS)
    duplicated = frame.duplicated(subset=key)
    if duplicated.any():
        raise ValueError(f"Duplicate observation key in one load: {tuple(frame.loc[duplicated, key].iloc[0])}")
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
    for field in VALUE_COLUMNS:
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
    for field in NUMBER_COLUMNS:
        frame[field] = pd.to_numeric(frame[field], errors="coerce").astype(float)
    return frame


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


def _orm_load(extract: Extract, frame: pd.DataFrame) -> LoadResult:
    records = frame.to_dict("records")
    for row in records:
        for field in (*NUMBER_COLUMNS, "coverage_share"):
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
            if all(_same(getattr(existing, f), row[f]) for f in VALUE_COLUMNS):
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
                **{f: row[f] for f in VALUE_COLUMNS},
            )
        )
    # Supersede first: the partial unique index would refuse a second current row for the key.
    Observation.objects.bulk_update(to_supersede, ["is_current", "superseded_by"], batch_size=BATCH_SIZE)
    Observation.objects.bulk_create(to_insert, batch_size=BATCH_SIZE)
    return LoadResult(inserted=len(to_insert), superseded=len(to_supersede), unchanged=unchanged)


def lock_indicators(indicator_ids) -> None:
    """Serialise concurrent loads per indicator (PostgreSQL only; SQLite serialises all writers anyway)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for indicator_id in sorted({int(i) for i in indicator_ids}):  # a fixed order cannot deadlock
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_NAMESPACE, indicator_id])


def key_order(frame: pd.DataFrame) -> np.ndarray:
    """Positions of ``frame``'s rows in the order of the observation key (the unique index's columns).

    Rows copied in this order reach the unique index's pages in turn, each while it is in memory: in a million
    row load that halves the time of storing them, compared with rows in the order of their layouts
    (docs/benchmarks.md). Texts sort by code point, as the C.UTF-8 collation does."""
    return np.lexsort([pd.factorize(frame[column], sort=True)[0] for column in reversed(KEY_COLUMNS)])


def _copy_in(cursor, frame: pd.DataFrame, table: str, constants: dict[str, tuple[str, object]]) -> None:
    """The rows into ``table`` in key order: binary COPY (floats bit for bit, no text formatting) or, for rows
    whose texts are too varied for it, CSV in chunks so the text of a million rows is never held at once.
    ``constants`` (column -> (kind, value)) are columns with one value for every row."""
    names = [name for name, _ in COLUMN_KINDS] + list(constants)
    order = key_order(frame)
    chunks = pgcopy.encode(frame, COLUMN_KINDS, list(constants.values()), order=order)
    if chunks is not None:
        with connection.wrap_database_errors:  # psycopg2's errors as Django's (IntegrityError and so on)
            cursor.cursor.copy_expert(
                f"COPY {table} ({', '.join(names)}) FROM STDIN WITH (FORMAT binary)",
                pgcopy.ChunkReader(chunks),
                size=COPY_READ_BYTES,
            )
        return
    # pandas writes floats round-trip exactly and booleans as True/False; NaN is written as \N. The texts are
    # never NULL (FORCE_NOT_NULL), so a note that is literally \N stays that text, and an empty one stays empty;
    # with a CR LF terminator a field holding a lone CR or LF is quoted, so PostgreSQL cannot take it for a row end.
    texts = [name for name, kind in COLUMN_KINDS if kind == "text"]
    rows = frame.reindex(columns=[name for name, _ in COLUMN_KINDS]).take(order)
    for start in range(0, len(rows), COPY_CHUNK_ROWS):
        chunk = rows.iloc[start : start + COPY_CHUNK_ROWS].assign(**{c: v for c, (_, v) in constants.items()})
        buffer = io.StringIO()
        chunk.to_csv(buffer, index=False, header=False, na_rep="\\N", lineterminator="\r\n")
        buffer.seek(0)
        with connection.wrap_database_errors:
            cursor.cursor.copy_expert(
                f"COPY {table} ({', '.join(names)}) FROM STDIN "
                f"WITH (FORMAT csv, NULL '\\N', FORCE_NOT_NULL ({', '.join(texts)}))",
                buffer,
            )


def _pairs_with_current(cursor, frame: pd.DataFrame) -> set[tuple[int, int]]:
    """The (indicator, area) pairs of ``frame`` for which a current row might share a key with one of its rows.
    Conservative (a pair not returned has no such row) and cheap whatever the table's statistics say: per pair,
    one descent of the unique index into the frame's span of period starts for that pair, with a row counting
    only if its start and end are among the frame's. A query that lets the planner pick its own join can, with
    statistics taken before a million rows were added in this transaction, compare every current row of the
    areas with every period (seconds), and does so for the roll-ups that follow a large load."""
    table = Observation._meta.db_table
    spans = frame.groupby(["indicator_id", "area_id"], sort=False)["period_start"].agg(["min", "max"]).reset_index()
    # A scalar subquery per pair is a SubPlan the planner cannot turn into a join: each is an index probe.
    cursor.execute(
        f"""SELECT k.i, k.a FROM unnest(%s::bigint[], %s::bigint[], %s::date[], %s::date[]) AS k(i, a, lo, hi)
            WHERE (SELECT true FROM {table} o WHERE o.is_current AND o.indicator_id = k.i AND o.area_id = k.a
                   AND o.period_start BETWEEN k.lo AND k.hi
                   AND o.period_start = ANY(%s::date[]) AND o.period_end = ANY(%s::date[]) LIMIT 1)""",
        [
            [int(i) for i in spans["indicator_id"]],
            [int(a) for a in spans["area_id"]],
            spans["min"].tolist(),
            spans["max"].tolist(),
            list(frame["period_start"].unique()),
            list(frame["period_end"].unique()),
        ],
    )
    return {(int(i), int(a)) for i, a in cursor.fetchall()}


def _temporary_columns() -> str:
    """The incoming rows' table: the observation columns with the model's database types, no constraints."""
    fields = (Observation._meta.get_field(c) for c in COLUMNS)
    return ", ".join(f"{f.column} {f.db_type(connection)}" for f in fields)


def copy_load(*, extract_id: int, frame: pd.DataFrame) -> LoadResult:
    """Load ``frame`` (COLUMNS) for ``extract_id`` inside the caller's transaction, on PostgreSQL.

    The caller holds the indicators' advisory locks, so no other load can add current rows for these keys
    meanwhile. When no current row shares a key with the frame (a new month, a first load), the rows are
    copied straight into the table; otherwise they go to a temporary table and two set-based statements
    supersede changed rows and insert new and changed ones, leaving identical rows alone.
    """
    table = Observation._meta.db_table
    # Rows that are not derived carry no coverage: zero counts, no share, blank texts.
    missing = {c: v for c, v in COVERAGE_DEFAULTS.items() if c not in frame.columns}
    if missing:
        frame = frame.assign(**missing)
    distinct = " OR ".join(f"o.{c} IS DISTINCT FROM i.{c}" for c in VALUE_COLUMNS)
    join = " AND ".join(f"o.{c} = i.{c}" for c in KEY_COLUMNS)
    with connection.cursor() as cursor:
        # The references are checked once per statement by triggers (migration 0006); anything deferrable is
        # checked as each statement runs rather than queued per row for COMMIT.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        shared = _pairs_with_current(cursor, frame)
        if shared:
            pairs = pd.MultiIndex.from_arrays([frame["indicator_id"].astype("int64"), frame["area_id"].astype("int64")])
            merging = pairs.isin(list(shared))
            fresh, frame = frame[~merging], frame[merging]
        else:
            fresh, frame = frame, frame.iloc[:0]
        # Pairs with no current row in their span go straight in: in a roll-up, one borough row of the plan's
        # baseline would otherwise send every PCN row of the load through the temporary table too.
        if not fresh.empty:
            _copy_in(cursor, fresh, table, {"extract_id": ("int8", extract_id), "is_current": ("bool", True)})
        if frame.empty:
            return LoadResult(inserted=len(fresh))
        cursor.execute(f"CREATE TEMP TABLE incoming_obs ({_temporary_columns()}) ON COMMIT DROP")
        _copy_in(cursor, frame, "incoming_obs", {})
        cursor.execute("ANALYZE incoming_obs")
        cursor.execute(
            f"""UPDATE {table} o SET is_current = false, superseded_by_id = %s
                FROM incoming_obs i WHERE o.is_current AND {join} AND ({distinct})""",
            [extract_id],
        )
        superseded = cursor.rowcount
        cursor.execute(
            f"""INSERT INTO {table} ({", ".join(COLUMNS)}, extract_id, is_current)
                SELECT {", ".join("i." + c for c in COLUMNS)}, %s, true FROM incoming_obs i
                WHERE NOT EXISTS (SELECT 1 FROM {table} o WHERE o.is_current AND {join})""",
            [extract_id],
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE incoming_obs")
    return LoadResult(inserted=len(fresh) + inserted, superseded=superseded, unchanged=len(frame) - inserted)
