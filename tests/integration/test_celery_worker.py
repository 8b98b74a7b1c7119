"""A real Celery worker, on the configured broker, runs a task against the same PostgreSQL database.

Runs only when CELERY_BROKER_URL is set and the database is PostgreSQL (as in `.ci/run`); on the embedded
default tasks run eagerly in-process, which the rest of the suite covers.
"""

from __future__ import annotations

import pytest

from outcomes import actions
from outcomes.models import Extract, Observation
from outcomes.tasks import derive_rollups_task

from .workers import needs_worker, start_worker, stop_worker

pytestmark = needs_worker


@pytest.fixture
def worker(reference_db):
    process = start_worker("rollup")
    yield process
    stop_worker(process)


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
