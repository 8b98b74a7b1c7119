"""At 1366 x 768 a board member sees every partnership outcome on the first screen, and no developer text."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

#: Text meant for developers (as in tests/integration/dashboards/test_overview_page.py).
DEVELOPER_TEXT = ("relative_unit", ".toml", "interpretation", "less demanding reading", "TODO", "baseline_pending")


def test_the_five_outcomes_are_on_the_first_screen_at_1366_by_768(signed_in):
    page = signed_in("board")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/")
    rows = page.eval_on_selector_all(
        "tr.app-scorecard__row",
        "els => els.map(e => [e.dataset.outcome, e.getBoundingClientRect().top, e.getBoundingClientRect().bottom])",
    )
    first_row = {}
    for outcome, top, bottom in rows:
        first_row.setdefault(outcome, (top, bottom))
    assert set(first_row) == {"1", "2", "3", "4", "5"}
    for outcome, (top, bottom) in first_row.items():
        assert top >= 0 and bottom <= 768, f"Outcome {outcome}'s row ends at {bottom} px, below the first screen"
    text = page.inner_text("body")
    assert not [phrase for phrase in DEVELOPER_TEXT if phrase in text]
    badge = page.locator("tr.app-scorecard__row a.app-status").first
    assert badge.get_attribute("href").startswith("/glossary/#status-")


def test_the_scorecard_and_glossary_fit_a_phone(signed_in):
    page = signed_in("board")
    for path in ("/", "/glossary/"):
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(path)
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{path} is {scroll} px wide in a {inner} px window"
