"""The Content-Security-Policy holds in a real browser: the charts draw and Chromium reports no violation.

The policy allows scripts from this origin only (no inline script, no eval); plotly.js, htmx and the page's
own behaviour are static files, and figures are JSON in ``<script type="application/json">`` (data, never run).
A violation shows both as a ``securitypolicyviolation`` event (recorded by a script Playwright adds before the
page's own, which the policy does not govern) and as a console error; either fails the test.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.content_security_policy import directives

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} `
    + `at ${event.sourceFile}:${event.lineNumber}`);
});
"""
CHARTS_DRAWN = (
    "() => { const charts = [...document.querySelectorAll('[data-figure]')];"
    " return charts.length > 0 && charts.every(el => el.classList.contains('js-plotly-plot')"
    " && el.querySelector('svg.main-svg')); }"
)


def pages() -> list[str]:
    return [
        reverse("dashboards:board"),
        reverse("dashboards:indicator", args=["OUT5_ACSC_ADMISSIONS"]),
        reverse("dashboards:pcn", args=["U84846"]),
    ]


def test_board_indicator_and_pcn_pages_draw_their_charts_with_no_policy_violation(signed_in):
    page = signed_in("board")
    page.context.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    for path in pages():
        console.clear()
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        header = response.headers.get("content-security-policy", "")
        assert directives(header).get("script-src") == "'self'", f"{path}: {header!r}"
        assert "unsafe-eval" not in header, f"{path}: {header!r}"
        page.wait_for_function(CHARTS_DRAWN, timeout=20_000)
        charts = page.locator(".js-plotly-plot svg.main-svg").count()
        assert charts >= 1, f"{path}: no chart drawn"
        # Hover a chart: plotly builds its hover layer (and any styles) lazily.
        page.locator(".js-plotly-plot").first.hover()
        page.wait_for_timeout(300)
        violations = page.evaluate("() => window.__cspViolations")
        assert violations == [], f"{path}: {violations}"
        policy_messages = [line for line in console if "Content Security Policy" in line]
        assert policy_messages == [], f"{path}: {policy_messages}"
        assert page.js_errors == [], f"{path}: {page.js_errors}"


def assert_no_violation(page, paths: list[str]) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    for path in paths:
        console.clear()
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert "Content-Security-Policy" in {name.title() for name in response.headers}, path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => window.__cspViolations") == [], path
        assert [line for line in console if "Content Security Policy" in line] == [], path
        assert page.js_errors == [], f"{path}: {page.js_errors}"


def test_htmx_pages_and_the_admin_site_run_under_the_policy(signed_in):
    """htmx (its indicator styles) and Django's admin (its own scripts) need nothing the policy forbids."""
    from outcomes.models import Indicator
    from workstreams.models import Risk

    page = signed_in("admin")
    page.context.add_init_script(RECORD_VIOLATIONS)
    reference = Risk.objects.order_by("reference").values_list("reference", flat=True)[0]
    indicator = Indicator.objects.order_by("code").values_list("pk", flat=True)[0]
    assert_no_violation(page, [reverse("dashboards:risk", args=[reference])])
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx did not load"
    assert_no_violation(
        page,
        [
            reverse("admin:index"),
            reverse("admin:outcomes_indicator_changelist"),
            reverse("admin:outcomes_indicator_change", args=[indicator]),
        ],
    )


def test_an_inline_script_is_blocked(signed_in):
    """The policy is enforced, not merely sent: a script injected into the page's markup does not run."""
    page = signed_in("board")
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.goto(reverse("dashboards:board"))
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.__ran === true") is False
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert "script-src" in page.evaluate("() => window.__cspViolations[0]")
