"""My PCN in real Chromium (issue 13.6): the PCN lead lands on their own PCN page after signing in (the
``signed_in`` fixture checks the landing); the practice matrix, funnels and practice table fit 1366 and 390 px
(the matrix scrolls inside its own container), axe finds nothing serious, and a funnel's point opens its
practice's trend page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from .support import axe_violations, blocking, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

WIDTHS = (1366, 390)


def own_pcn_path() -> str:
    pcn = get_user_model().objects.get(username="pcnlead").profile.pcn
    return reverse("dashboards:pcn", args=[pcn.code])


@pytest.mark.parametrize("width", WIDTHS)
def test_the_lead_lands_on_their_pcn_which_fits_and_passes_axe(signed_in, width):
    page = signed_in("pcnlead")  # lands on their own PCN page, or the fixture fails
    assert page.url.endswith(own_pcn_path())
    page.set_viewport_size({"width": width, "height": 900})
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length > 0")
    assert page.locator("h1").inner_text().strip()
    assert page.locator("table.app-matrix tbody tr").count() >= 2
    charts = page.locator("[data-figure]").count()
    page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot').length == {charts}")
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"the PCN page is {scroll} px wide in a {inner} px window"
    box = page.evaluate(
        """() => { const el = document.querySelector('.app-matrix-scroll');
                   return [el.scrollWidth, el.clientWidth, el.getBoundingClientRect().right]; }"""
    )
    assert box[2] <= inner + 1  # the matrix's container fits the window...
    if width == 390:
        assert box[0] > box[1]  # ...and the matrix scrolls inside it on a phone
    # Every practice name is whole in the matrix (never shortened) and in every funnel's hover data.
    names = page.eval_on_selector_all("table.app-matrix tbody th", "els => els.map(e => e.innerText.trim())")
    in_funnels = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(el => el.data
              .filter(t => t.customdata && t.meta && t.meta.links).flatMap(t => t.customdata.map(r => r[0])))"""
    )
    assert in_funnels and set(in_funnels) <= set(names)
    assert not page.js_errors, page.js_errors
    violations = blocking(axe_violations(page))
    assert not violations, describe(violations)


def test_a_funnel_point_opens_its_practices_trend_page(signed_in):
    page = signed_in("pcnlead")
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length > 0")
    target = page.evaluate(
        """() => { for (const el of document.querySelectorAll('.js-plotly-plot')) {
                       const i = el.data.findIndex(t => t.meta && t.meta.links && t.meta.links.length);
                       if (i < 0) continue;
                       el.scrollIntoView();
                       const point = el.querySelectorAll('.scatterlayer .trace')[i].querySelector('.points path');
                       const box = point.getBoundingClientRect();
                       return {x: box.x + box.width / 2, y: box.y + box.height / 2, link: el.data[i].meta.links[0]};
                   } return null; }"""
    )
    assert target is not None
    page.mouse.move(target["x"], target["y"])
    page.mouse.click(target["x"], target["y"])
    page.wait_for_url(f"**{target['link']}")
    assert page.url.endswith(target["link"])


def test_board_members_still_land_on_the_overview(signed_in):
    page = signed_in("board")  # the fixture checks the board overview
    assert page.locator("table.app-matrix").count() == 0
    assert page.get_by_role("link", name="My PCN").count() == 0
