"""The ingest task's last word: an extract whose retries run out is marked failed, never left running."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from outcomes import actions
from outcomes.ingest import pipeline
from outcomes.models import Extract, Observation
from outcomes.tasks import ingest_extract_task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery"), pytest.mark.world("reference")]
GOOD = (
    "indicator_code,org_code,period_start,period_end,numerator,denominator,value\n"
    "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,600,1000,60.0\n"
)


@pytest.fixture(autouse=True)
def eager_retries():
    """Let eager Celery run each retry in turn (propagating stops it at the first Retry)."""
    from harrow_bbp.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def receive() -> Extract:
    return actions.receive_extract(
        file_name="survey.csv", content=GOOD.encode(), format="auto", source=Extract.Source.UPLOAD
    )


def test_an_extract_whose_retries_run_out_is_marked_failed_with_a_plain_message(monkeypatch):
    calls = []

    def database_down(extract_id):
        calls.append(extract_id)
        Extract.objects.filter(pk=extract_id).update(status=Extract.Status.VALIDATING, stage="Reading the file")
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(pipeline, "run_extract", database_down)
    extract = receive()
    before = Observation.objects.count()

    result = ingest_extract_task.apply(args=[extract.pk]).get(propagate=False)

    assert result == {"status": "failed"}
    assert len(calls) == ingest_extract_task.max_retries + 1  # the first try and every retry
    extract.refresh_from_db()
    assert extract.status == Extract.Status.FAILED
    assert extract.completed_at is not None and extract.progress == 100 and extract.stage == ""  # the page stops
    assert [(e["code"], e["line"], e["column"]) for e in extract.errors] == [("database_unavailable", None, None)]
    assert "Nothing was loaded" in extract.errors[0]["message"]
    assert "could not connect" not in extract.errors[0]["message"]
    assert Observation.objects.count() == before


def test_a_retry_that_succeeds_loads_the_file(monkeypatch):
    real = pipeline.run_extract
    calls = []

    def flaky(extract_id):
        calls.append(extract_id)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")
        return real(extract_id)

    monkeypatch.setattr(pipeline, "run_extract", flaky)
    extract = receive()
    result = ingest_extract_task.apply(args=[extract.pk]).get(propagate=False)
    assert result["status"] == "loaded" and len(calls) == 3
    extract.refresh_from_db()
    assert extract.status == Extract.Status.LOADED and extract.errors == []
