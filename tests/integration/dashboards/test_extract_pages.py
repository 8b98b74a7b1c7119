"""The upload page, progress, result, error report and history, for the roles allowed to use them."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes.models import Extract, Observation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

GOOD = (
    "indicator_code,org_code,period_start,period_end,numerator,denominator,value\n"
    "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,600,1000,60.0\n"
)
BAD = GOOD + "OUT3_CARE_EXPERIENCE,E09000015,2020-04-01,2021-03-31,abc,1000,60.0\n"


def post(client, content: str, name="extract.csv", **extra):
    return client.post(
        reverse("dashboards:upload"),
        {"file": SimpleUploadedFile(name, content.encode(), content_type="text/csv"), "format": "auto", **extra},
    )


@pytest.mark.parametrize("username", ["board", "pcnlead"])
@pytest.mark.parametrize("name", ["dashboards:upload", "dashboards:extracts"])
def test_only_analysts_and_admins_reach_the_extract_pages(role_client, username, name):
    assert role_client(username).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("username", ["analyst", "admin"])
def test_analysts_and_admins_see_the_upload_page(role_client, username):
    response = role_client(username).get(reverse("dashboards:upload"))
    assert response.status_code == 200
    assert b"Aggregate data only" in response.content


def test_an_upload_loads_and_the_result_page_shows_the_counts(role_client):
    client = role_client("analyst")
    response = post(client, GOOD)
    extract = Extract.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse("dashboards:extract", args=[extract.pk])
    assert extract.status == Extract.Status.LOADED and extract.uploaded_by.username == "analyst"
    page = client.get(response.url).content.decode()
    assert "Loaded" in page and "hx-trigger" not in page  # finished: no more polling
    history = client.get(reverse("dashboards:extracts")).content.decode().replace("<wbr>", "")  # as it reads
    assert "extract.csv" in history and "Alex Analyst (demo)" in history  # the name, not the login


def test_a_refused_upload_lists_every_problem_and_offers_the_report(role_client):
    client = role_client("analyst")
    before = Observation.objects.count()
    post(client, BAD)
    extract = Extract.objects.latest("pk")
    assert extract.status == Extract.Status.REFUSED and Observation.objects.count() == before
    page = client.get(reverse("dashboards:extract", args=[extract.pk])).content.decode()
    assert "nothing was written" in page and "This is not a number." in page
    report = client.get(reverse("dashboards:extract_problems", args=[extract.pk]))
    rows = list(csv.DictReader(io.StringIO(report.content.decode())))
    assert rows == [
        {
            "severity": "error",
            "line": "3",
            "column": "numerator",
            "code": "not_a_number",
            "message": "This is not a number.",
        }
    ]


def test_progress_is_polled_with_htmx_while_the_task_runs(role_client):
    client = role_client("analyst")
    extract = Extract.objects.create(
        file_name="x.csv",
        sha256="0" * 64,
        format="generic",
        source="upload",
        status="loading",
        progress=60,
        stage="Loading 10 rows",
    )
    page = client.get(reverse("dashboards:extract", args=[extract.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Loading 10 rows" in page and "htmx" in page
    partial = client.get(reverse("dashboards:extract", args=[extract.pk]), headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b'value="60"' in partial.content


def test_dry_run_from_the_page_writes_nothing(role_client):
    before = Observation.objects.count()
    post(role_client("analyst"), GOOD, dry_run="on")
    extract = Extract.objects.latest("pk")
    assert extract.status == Extract.Status.VALID and extract.rows_inserted == 1
    assert Observation.objects.count() == before


def test_files_over_the_size_limit_are_refused_by_the_form(role_client, settings):
    settings.INGEST_MAX_UPLOAD_BYTES = 50
    before = Extract.objects.count()
    response = post(role_client("analyst"), GOOD)
    assert response.status_code == 200 and "the upload page takes up to" in response.content.decode()
    assert Extract.objects.count() == before


def test_files_over_the_row_limit_are_refused(role_client, settings):
    settings.INGEST_MAX_UPLOAD_ROWS = 1
    post(role_client("analyst"), BAD)
    extract = Extract.objects.latest("pk")
    assert extract.status == Extract.Status.REFUSED and extract.errors[0]["code"] == "too_many_rows"


def test_templates_download(role_client):
    client = role_client("analyst")
    blank = client.get(reverse("dashboards:extract_template", args=["template"]))
    assert blank.content.decode().startswith("indicator_code,org_code,period_start,period_end")
    example = client.get(reverse("dashboards:extract_template", args=["example"]))
    assert example.status_code == 200 and b"indicator_code" in b"".join(example.streaming_content)
    assert client.get(reverse("dashboards:extract_template", args=["other"])).status_code == 404
