"""An analyst uploads extracts through the real form: a good file is loaded, a bad one refused with its problems."""

from __future__ import annotations

import re

import pytest

from .support import axe_violations, blocking, describe

# django_db: each test is rolled back, browser's writes included (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

HEADER = "indicator_code,org_code,period_start,period_end,numerator,denominator,value\n"
GOOD = HEADER + "OUT3_CARE_EXPERIENCE,E09000015,2019-04-01,2020-03-31,600,1000,60.0\n"
BAD = GOOD + "OUT3_CARE_EXPERIENCE,E09000015,2020-04-01,2021-03-31,abc,1000,60.0\n"
RESULT_PAGE = re.compile(r"/extracts/\d+/$")


def upload(page, name: str, content: str) -> None:
    """Choose the file in the form's file input and send it; land on the extract's result page."""
    from playwright.sync_api import expect

    response = page.goto("/extracts/upload/")
    assert response is not None and response.status == 200
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}])
    page.get_by_role("button", name="Upload and check").click()
    expect(page).to_have_url(RESULT_PAGE)
    expect(page.locator("h1")).to_have_text(name)


def assert_accessible(page) -> None:
    violations = blocking(axe_violations(page))
    assert not violations, f"{page.url}: axe found serious or critical violations:\n{describe(violations)}"


def test_a_good_file_reaches_loaded(signed_in):
    from playwright.sync_api import expect

    page = signed_in("analyst")
    upload(page, "e2e-good.csv", GOOD)
    status = page.locator("#extract-status")
    # The page polls with htmx until the task finishes (at once here: Celery runs eagerly in the server).
    expect(status.locator(".app-tag")).to_have_text("Loaded", timeout=30_000)
    expect(status).to_contain_text("Loaded. Rows for the same indicator")
    expect(page.locator("#extract-status [hx-trigger]")).to_have_count(0)  # finished: polling stopped
    assert_accessible(page)
    page.get_by_role("link", name="All extracts").click()
    expect(page.get_by_role("link", name="e2e-good.csv").first).to_be_visible()
    assert not page.js_errors, page.js_errors


def test_a_bad_file_is_refused_with_every_problem_and_the_report(signed_in):
    from playwright.sync_api import expect

    page = signed_in("analyst")
    upload(page, "e2e-bad.csv", BAD)
    status = page.locator("#extract-status")
    expect(status.locator(".app-tag")).to_have_text("Refused", timeout=30_000)
    expect(page.get_by_role("heading", name="The file was refused: nothing was written")).to_be_visible()
    table = status.locator("table")
    expect(table.locator("caption")).to_contain_text("Problems")
    expect(table.locator("tbody tr")).to_have_count(1)
    cells = ["Error", "3", "numerator", "This is not a number.", "not_a_number"]
    expect(table.locator("tbody tr td")).to_have_text(cells)
    link = page.get_by_role("link", name="Download every problem as CSV")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert re.fullmatch(r"extract-\d+-problems\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as report:
        lines = report.read().splitlines()
    assert lines == ["severity,line,column,code,message", "error,3,numerator,not_a_number,This is not a number."]
    assert_accessible(page)
    assert not page.js_errors, page.js_errors
