"""A worker killed half way through loading leaves nothing behind; the redelivered task completes the load.

PostgreSQL + Redis + real worker processes only (see tests/integration/workers.py).
"""

from __future__ import annotations

import signal
import time

import pandas as pd
import pytest
from django.db import connection

from outcomes import actions
from outcomes.actions.observations import ADVISORY_NAMESPACE
from outcomes.ingest.pipeline import CLAIM_NAMESPACE
from outcomes.models import Area, Extract, Indicator, Observation
from outcomes.tasks import enqueue

from ...workers import needs_worker, start_worker, stop_worker

pytestmark = needs_worker
CATEGORIES = [
    ("all", "all"),
    ("sex", "female"),
    ("sex", "male"),
    ("imd_quintile", "1"),
    ("imd_quintile", "2"),
    ("imd_quintile", "3"),
    ("imd_quintile", "4"),
    ("imd_quintile", "5"),
]


def big_extract() -> bytes:
    """About 160,000 valid practice rows of ACSC admissions, 1960 to 2019 (no clash with demo data): a load of
    several seconds, so the test sees it under way. With 54,000 rows (2000 to 2019) a quiet worker on Python 3.12
    loaded it in 1.75 s, and once (CI, 7 December 2026) the test's polling missed the window and timed out."""
    practices = list(Area.objects.filter(level="practice", code__startswith="E84").values_list("code", flat=True))
    months = pd.period_range("1960-01", "2019-12", freq="M")
    rows = [
        ("OUT5_ACSC_ADMISSIONS", code, m.start_time.date(), m.end_time.date(), b, c, 10 + i % 7, 1000.0, "")
        for i, (code, m, (b, c)) in enumerate((p, m, bc) for p in practices for m in months for bc in CATEGORIES)
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "indicator_code",
            "org_code",
            "period_start",
            "period_end",
            "breakdown",
            "category",
            "numerator",
            "denominator",
            "note",
        ],
    )
    return frame.to_csv(index=False).encode()


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def lock_holder(namespace: int, key: int, *, in_transaction: bool = False) -> int | None:
    """The backend pid of another session holding advisory lock (namespace, key) in this database (parallel test
    processes have databases of their own on the same server), optionally only while that session is inside an
    open transaction."""
    open_transaction = "AND a.xact_start IS NOT NULL AND a.state IN ('active', 'idle in transaction')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE l.locktype = 'advisory' AND l.classid = %s AND l.objid = %s AND l.objsubid = 2 AND l.granted
                 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                 AND a.pid <> pg_backend_pid() {open_transaction if in_transaction else ""}""",
            [namespace, key],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def load_in_progress(indicator_id: int) -> int | None:
    """The pid of a session whose open transaction holds the indicator's per-load lock (actions.observations)."""
    return lock_holder(ADVISORY_NAMESPACE, indicator_id, in_transaction=True)


def test_killing_the_worker_mid_load_leaves_nothing_and_the_retry_completes(reference_db):
    content = big_extract()
    expected_rows = content.count(b"\n") - 1
    extract = actions.receive_extract(file_name="big.csv", content=content, format="generic", source="upload")
    first = start_worker("doomed", CELERY_VISIBILITY_TIMEOUT="5")
    try:
        enqueue(extract)
        wait_for(lambda: Extract.objects.get(pk=extract.pk).status == Extract.Status.LOADING, 120, "the load to start")
        # Kill only once the load is really under way in the database: the worker's transaction is open and
        # holds the indicator's load lock, and none of its rows are visible from here (not yet committed).
        indicator_id = Indicator.objects.get(code="OUT5_ACSC_ADMISSIONS").pk
        wait_for(lambda: load_in_progress(indicator_id) is not None, 60, "the worker's load transaction")
        loader = load_in_progress(indicator_id)
        assert loader is not None and loader == lock_holder(CLAIM_NAMESPACE, extract.pk), "the worker's own run"
        assert Observation.objects.filter(extract_id=extract.pk).count() == 0
        assert load_in_progress(indicator_id) == loader, "the load must still be open when the worker is killed"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop_worker(first)

    # Its transaction ends (rolled back, the lock released) when the server sees the connection drop.
    wait_for(lambda: load_in_progress(indicator_id) is None, 30, "the killed worker's transaction to end")
    assert Observation.objects.filter(extract_id=extract.pk).count() == 0, "a killed load must leave no rows"
    assert Extract.objects.get(pk=extract.pk).status == Extract.Status.LOADING

    second = start_worker("rescuer", CELERY_VISIBILITY_TIMEOUT="5")
    try:
        wait_for(
            lambda: Extract.objects.get(pk=extract.pk).status == Extract.Status.LOADED,
            180,
            "the redelivered task to finish the load",
        )
    finally:
        stop_worker(second)
    loaded = Extract.objects.get(pk=extract.pk)
    practice_rows = Observation.objects.filter(extract_id=extract.pk, area__level="practice").count()
    assert practice_rows == expected_rows
    assert loaded.rows_read == expected_rows
    assert Observation.objects.filter(extract_id=extract.pk, area__level="pcn", is_derived=True).exists()
