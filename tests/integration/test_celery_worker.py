"""A real Celery worker, on the configured broker, runs a task against the same PostgreSQL database.

Runs only when CELERY_BROKER_URL is set and the database is PostgreSQL (as in `.ci/run`); on the embedded
default tasks run eagerly in-process, which the rest of the suite covers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from outcomes import actions
from outcomes.models import Extract, Observation
from outcomes.tasks import derive_rollups_task

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (a real broker)"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs DATABASE_URL pointing at PostgreSQL (the worker and the test share the database)",
    ),
]


@pytest.fixture
def worker(transactional_db):
    """Start `celery worker` in a subprocess against the test database; stop it afterwards."""
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    log = open(REPO / "var" / "celery-worker-test.log", "w")  # noqa: SIM115 - closed in teardown
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "harrow_bbp",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    from harrow_bbp.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker exited early: {(REPO / 'var' / 'celery-worker-test.log').read_text()[-2000:]}")
        if app.control.ping(timeout=1.0):
            break
    else:
        pytest.fail("worker did not answer a ping within 60 s")
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_a_real_worker_runs_a_task_that_writes_to_postgresql(worker):
    derived = Observation.objects.filter(indicator__code="PERF_DIABETES_9CP", is_derived=True, is_current=True)
    expected = derived.count()
    assert expected > 0
    derived.delete()
    extract = actions.create_extract(
        file_name="rollup", content=b"rollup", format="task", source=Extract.Source.COMMAND
    )

    async_result = derive_rollups_task.delay("PERF_DIABETES_9CP", extract.pk)
    counts = async_result.get(timeout=120)

    assert counts["inserted"] == expected
    assert derived.count() == expected
    assert set(derived.values_list("extract_id", flat=True)) == {extract.pk}
    assert worker.poll() is None  # the work was done by the separate worker process
