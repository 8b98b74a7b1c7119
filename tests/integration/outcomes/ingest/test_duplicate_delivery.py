"""One extract delivered twice at once (a task outliving the broker's visibility timeout) is loaded once: the
second delivery finds the first run's claim and does nothing. A claim whose worker died is taken over.
PostgreSQL only (the claim's liveness is a session advisory lock)."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pandas as pd
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract, Observation

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="needs PostgreSQL"
)
MONTHS = pd.period_range("2002-01", "2002-12", freq="M")
PRACTICES = ("E84068", "E84024", "E84009")
HEADER = "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator\n"


def receive() -> Extract:
    rows = "".join(
        f"OUT5_ACSC_ADMISSIONS,{code},{start},{end},all,all,13,1000\n"
        for code in PRACTICES
        for start, end in zip(MONTHS.start_time.date, MONTHS.end_time.date, strict=True)
    )
    return actions.receive_extract(
        file_name="twice.csv", content=(HEADER + rows).encode(), format="generic", source="upload"
    )


def claim_locks_held() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",  # not other runs'
            [pipeline.CLAIM_NAMESPACE],
        )
        return cursor.fetchone()[0]


def test_a_second_delivery_while_the_first_holds_the_claim_does_nothing(reference_db, monkeypatch, caplog):
    extract = receive()
    expected = len(PRACTICES) * len(MONTHS)
    monkeypatch.setattr(pipeline, "CLAIM_WAIT_SECONDS", 0.5)
    real_load = actions.load_observations
    loads = []
    first_in_load, release_first = threading.Event(), threading.Event()

    def load_observations(*, extract, rows):
        result = real_load(extract=extract, rows=rows)
        loads.append(threading.current_thread().name)
        if threading.current_thread().name == "first" and not first_in_load.is_set():
            first_in_load.set()  # rows written, transaction open, claim held
            assert release_first.wait(60)
        return result

    monkeypatch.setattr(actions, "load_observations", load_observations)
    outcomes = {}

    def deliver(name: str) -> None:
        try:
            outcomes[name] = pipeline.run_extract(extract.pk)
        finally:
            connection.close()

    first = threading.Thread(target=deliver, args=("first",), name="first")
    second = threading.Thread(target=deliver, args=("second",), name="second")
    with caplog.at_level(logging.INFO, logger="outcomes.ingest.pipeline"):
        first.start()
        try:
            assert first_in_load.wait(60), "the first delivery never reached the load"
            second.start()
            second.join(timeout=30)
            # The old code blocks here on the indicator lock, then loads again once the first commits.
            assert not second.is_alive(), "the second delivery must not wait for the first one's load"
            assert Extract.objects.get(pk=extract.pk).status == Extract.Status.LOADING
        finally:
            release_first.set()
            first.join(timeout=60)
            second.join(timeout=60)

    assert outcomes["second"].claimed is False and outcomes["second"].extract.status == Extract.Status.LOADING
    assert "already being processed by another live run" in caplog.text
    assert outcomes["first"].claimed is True and outcomes["first"].extract.status == Extract.Status.LOADED
    assert "second" not in loads  # one load: the second delivery never reached load_observations
    loaded = Extract.objects.get(pk=extract.pk)
    assert loaded.status == Extract.Status.LOADED
    practice_rows = Observation.objects.filter(extract_id=extract.pk, area__level="practice")
    assert practice_rows.count() == expected
    assert loaded.rows_read == expected
    assert loaded.rows_inserted == Observation.objects.filter(extract_id=extract.pk).count() == expected
    assert loaded.rows_superseded == 0
    assert claim_locks_held() == 0  # released, not kept on a pooled connection

    # A delivery after the load finds it finished and changes nothing either.
    again = pipeline.run_extract(extract.pk)
    assert again.claimed is False and again.ok
    assert Extract.objects.get(pk=extract.pk).rows_inserted == loaded.rows_inserted
    assert "second" not in loads and "MainThread" not in loads


def test_a_claim_left_by_a_dead_worker_is_taken_over(reference_db, caplog):
    extract = receive()
    # What a killed worker leaves: LOADING, committed by its progress write, but no rows and no claim lock.
    gone = timezone.now() - dt.timedelta(seconds=30)
    Extract.objects.filter(pk=extract.pk).update(status=Extract.Status.LOADING, started_at=gone, progress=60)

    with caplog.at_level(logging.INFO, logger="outcomes.ingest.pipeline"):
        outcome = pipeline.run_extract(extract.pk)

    assert outcome.claimed and outcome.extract.status == Extract.Status.LOADED
    assert "taking over" in caplog.text
    loaded = Extract.objects.get(pk=extract.pk)
    assert loaded.started_at > gone
    expected = len(PRACTICES) * len(MONTHS)
    assert Observation.objects.filter(extract_id=extract.pk, area__level="practice").count() == expected
    assert loaded.rows_read == expected and loaded.rows_inserted == expected
