"""Governance workflows in real Chromium: an SRO reports their workstream's month; the risk register is kept.

Each page and its error state must have no serious or critical axe violation.
"""

from __future__ import annotations

import re

import pytest

from .support import axe_violations, blocking, describe

# django_db: each test is rolled back, browser's writes included (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def assert_accessible(page) -> None:
    violations = blocking(axe_violations(page))
    assert not violations, f"{page.url}: axe found serious or critical violations:\n{describe(violations)}"


def test_an_sro_reports_the_month_through_the_form_and_sees_it_in_the_history(signed_in):
    from playwright.sync_api import expect

    page = signed_in("sro")
    page.goto("/workstreams/community-champions/")
    page.get_by_role("link", name="Report this month's status").click()
    expect(page.locator("h1")).to_have_text("Monthly status report")
    assert_accessible(page)
    page.get_by_role("button", name="Submit report").click()  # nothing filled in: refused with reasons
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page)
    page.get_by_label("Amber: at risk, recoverable").check()
    page.get_by_label("Achievements this month").fill("Forty community champions trained in Wealdstone.")
    page.get_by_label("Next steps").fill("Start the Edgware cohort.")
    page.get_by_label("Escalations to the board (optional)").fill("Venue funding for 2027.")
    page.get_by_role("button", name="Submit report").click()
    expect(page).to_have_url(re.compile(r"/workstreams/community-champions/#reports$"))
    history = page.locator(".app-report").first
    expect(history).to_contain_text("Forty community champions trained in Wealdstone.")
    expect(history).to_contain_text("Venue funding for 2027.")
    expect(history.locator(".app-tag")).to_have_text("Amber")
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def test_a_board_member_who_leads_nothing_is_refused_the_form(signed_in):
    page = signed_in("board")
    page.goto("/workstreams/community-champions/")
    assert page.get_by_role("link", name="Report this month's status").count() == 0
    response = page.goto("/workstreams/community-champions/report/")
    assert response is not None and response.status == 403


def test_an_analyst_adds_a_risk_and_reviews_it_in_place(signed_in):
    from playwright.sync_api import expect

    page = signed_in("analyst")
    page.goto("/risks/")
    expect(page.locator(".app-heat-map")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a risk").click()
    page.get_by_label("Title").fill("Hub lease not renewed")
    page.get_by_label("Description").fill("The Wealdstone hub lease may end in 2027.")
    page.get_by_label("Owner").select_option(label="Helen Marsh (demo)")
    page.get_by_label("Likelihood", exact=True).select_option("4")
    page.get_by_label("Impact", exact=True).select_option("4")
    page.get_by_label("Target likelihood").select_option("2")
    page.get_by_label("Target impact").select_option("3")
    page.get_by_label("Next review").fill("2027-01-31")
    page.get_by_role("button", name="Add to the register").click()
    expect(page.locator("h1")).to_have_text("Hub lease not renewed")
    expect(page.locator("#risk-review")).to_contain_text("16 (4 \u00d7 4, extreme)")
    assert_accessible(page)
    # The review form posts with htmx and swaps the summary and history in place.
    page.get_by_label("Likelihood", exact=True).select_option("2")
    page.get_by_label("Review note").fill("Landlord agreed a two-year extension.")
    page.get_by_label("Next review").fill("2027-03-31")
    page.get_by_role("button", name="Record review").click()
    history = page.locator("#history + .app-table-scroll table")
    expect(history).to_contain_text("Landlord agreed a two-year extension.")
    expect(history).to_contain_text("Down 8")
    expect(page.locator("#risk-review")).to_contain_text("8 (2 \u00d7 4, high)")
    assert_accessible(page)
    page.goto("/risks/")
    expect(page.get_by_role("row", name="Hub lease not renewed")).to_contain_text("8")
    assert not page.js_errors, page.js_errors
