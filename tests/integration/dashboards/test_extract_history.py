"""The extracts history: 25 a page with NHS.UK pagination, filtered by status, format and uploader, downloadable."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from outcomes.ingest.readers import format_label
from outcomes.models import Extract

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(django_user_model):
    analyst = django_user_model.objects.get(username="analyst")
    for n in range(30):
        Extract.objects.create(
            file_name=f"upload-{n:02d}.csv",
            sha256="0" * 64,
            format="generic" if n % 2 else "qof_prevalence",
            source=Extract.Source.UPLOAD,
            status=Extract.Status.REFUSED if n % 3 == 0 else Extract.Status.LOADED,
            uploaded_by=analyst,
            rows_inserted=1000 + n,
        )
    return analyst


def test_the_history_is_paged_25_at_a_time(role_client, many):
    client = role_client("analyst")
    total = Extract.objects.count()
    first = client.get(reverse("dashboards:extracts"))
    assert first.status_code == 200
    assert len(first.context["extracts"]) == 25
    html = first.content.decode()
    assert 'class="nhsuk-pagination nhsuk-pagination--numbered"' in html and 'rel="next"' in html
    last_page = (total + 24) // 25
    last = client.get(reverse("dashboards:extracts"), {"page": last_page})
    assert len(last.context["extracts"]) == total - 25 * (last_page - 1)
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"status": "refused"}, lambda e: e.status == "refused"),
        ({"file_format": "qof_prevalence"}, lambda e: e.format == "qof_prevalence"),
        ({"status": "loaded", "file_format": "generic"}, lambda e: e.status == "loaded" and e.format == "generic"),
    ],
)
def test_filters_narrow_the_history_and_survive_paging(role_client, many, params, check):
    client = role_client("analyst")
    response = client.get(reverse("dashboards:extracts"), params)
    shown = list(response.context["extracts"])
    assert shown and all(check(e) for e in shown)
    assert response.context["page_obj"].paginator.count == sum(1 for e in Extract.objects.all() if check(e))
    if response.context["page_obj"].has_next():
        assert f"{next(iter(params))}=" in response.content.decode().split('rel="next"')[0].rsplit("href=", 1)[1]


def test_the_uploader_filter_names_people(role_client, many):
    client = role_client("analyst")
    response = client.get(reverse("dashboards:extracts"), {"uploader": str(many.pk)})
    assert response.context["page_obj"].paginator.count == 30
    assert "Alex Analyst (demo)" in response.content.decode()


@pytest.mark.parametrize("params", [{"status": "nope"}, {"file_format": "x\x00"}, {"uploader": "abc"}, {"page": "0"}])
def test_bad_filters_are_a_400(role_client, params):
    assert role_client("analyst").get(reverse("dashboards:extracts"), params).status_code == 400


def test_history_downloads_hold_the_filtered_rows_as_csv_and_xlsx(role_client, many):
    client = role_client("analyst")
    params = {"status": "refused", "file_format": "qof_prevalence"}
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("dashboards:extracts"), {**params, "format": "csv"}).content.decode())
        )
    )
    expected = Extract.objects.filter(status="refused", format="qof_prevalence").count()
    assert len(rows) == expected + 1 and rows[0][0] == "file"
    assert {r[rows[0].index("dry_run")] for r in rows[1:]} == {"no"}
    assert {r[rows[0].index("sent_by")] for r in rows[1:]} == {"Alex Analyst (demo)"}
    # The format as the page shows it, not the reader's code
    assert {r[rows[0].index("format")] for r in rows[1:]} == {format_label("qof_prevalence")} != {"qof_prevalence"}
    response = client.get(reverse("dashboards:extracts"), {**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [["" if c is None else str(c) for c in r] for r in sheet.iter_rows(values_only=True)]
    assert values == rows


def test_problem_report_xlsx_matches_the_csv_and_is_formula_safe(role_client):
    extract = Extract.objects.create(
        file_name="bad.csv",
        sha256="0" * 64,
        format="generic",
        source=Extract.Source.UPLOAD,
        status=Extract.Status.REFUSED,
        errors=[{"line": 3, "column": '=HYPERLINK("http://x")', "code": "bad", "message": "@SUM(A1)"}],
        warnings=[{"line": None, "column": None, "code": "w", "message": "note"}],
    )
    client = role_client("analyst")
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("dashboards:extract_problems", args=[extract.pk])).content.decode()))
    )
    assert rows[1] == ["error", "3", '\'=HYPERLINK("http://x")', "bad", "'@SUM(A1)"]
    assert rows[2] == ["warning", "", "", "w", "note"]
    response = client.get(reverse("dashboards:extract_problems_xlsx", args=[extract.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for r in sheet.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    assert [["" if c is None else str(c) for c in r] for r in sheet.iter_rows(values_only=True)] == rows


def test_formats_are_named_as_analysts_know_them_not_by_their_codes(role_client, many):
    import re

    from outcomes.ingest.readers import READERS

    client = role_client("analyst")
    html = client.get(reverse("dashboards:extracts")).content.decode()
    options = dict(re.findall(r'<option value="([a-z_]+)"[^>]*>([^<]+)</option>', html))
    for code in ("generic", "demo", "reference_toml"):
        assert code in options and options[code] != code, code  # every format in the filter has words
    assert options["generic"] == READERS["generic"].label
    cells = re.findall(r"<td>([^<]*)</td>", html)
    assert READERS["generic"].label in cells and "generic" not in cells
    extract = Extract.objects.filter(format="generic").latest("pk")
    page = client.get(reverse("dashboards:extract", args=[extract.pk])).content.decode()
    assert READERS["generic"].label in page
