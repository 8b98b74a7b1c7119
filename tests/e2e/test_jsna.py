"""The JSNA page at 1366 px, 768 px and on a phone (390 px): no page wider than the window, the tables scroll
inside their own container (and not at all at 1366 px), no word broken across lines, nothing axe calls serious.
``HARROW_SCREENSHOTS=<folder>`` also saves the 1366 px page as ``jsna-1366.png`` there (docs/screenshots holds the
current one)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .support import axe_violations, blocking, broken_words, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TABLES = """() => [...document.querySelectorAll("main .app-table-scroll")].map(box => {
  const r = box.getBoundingClientRect();
  return [r.left, r.right, box.scrollWidth, box.clientWidth];
})"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (768, 1024), (390, 844)])
def test_the_jsna_page_fits_the_window_breaks_no_word_and_passes_axe(signed_in, width, height):
    page = signed_in("board")
    page.set_viewport_size({"width": width, "height": height})
    page.goto("/jsna/")
    assert page.locator("h1").inner_text() == "Joint Strategic Needs Assessment indicators"
    assert page.locator("table.app-jsna tbody tr").count() >= 20
    assert page.get_by_role("heading", name="Awaiting data").is_visible()
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"/jsna/ is {scroll} px wide in a {inner} px window"
    boxes = page.evaluate(TABLES)
    assert boxes and all(left >= 0 and right <= inner for left, right, _, _ in boxes)
    if width == 390:  # the table is wider than a phone: it scrolls inside its container, not the page
        assert any(scroll_width > client for _, _, scroll_width, client in boxes)
    elif width >= 1200:  # at 1366 px every column shows without scrolling
        assert all(scroll_width <= client for _, _, scroll_width, client in boxes), boxes
    # Every word in the tables and tags; a unit joined by a no-break space ("per\u00a01,000") counts as one word,
    # so a unit split over two lines is caught too.
    assert broken_words(page, "main", within="table, .app-tag", pattern=r"[^ \t\n]+") == []
    assert page.locator("table.app-jsna .app-jsna__value").count() >= 20
    violations = blocking(axe_violations(page))
    assert not violations, describe(violations)
    assert not page.js_errors
    folder = os.environ.get("HARROW_SCREENSHOTS")
    if folder and width == 1366:
        page.screenshot(path=str(Path(folder) / "jsna-1366.png"), full_page=True)
