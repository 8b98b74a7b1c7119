"""Every role signs in through the login form and visits every page it may use, in real Chromium (an admin, whose
pages are the analyst's, only those that differ: ``ROLE_VISITS``).

Each page must answer 200, have an h1, draw every Plotly chart, raise no JavaScript error, have no
serious or critical axe violation, and be no wider than the window at 1366, 768 and 390 px (a phone):
tables scroll inside their own container and the menu collapses. Axe and the widths are checked once per page,
by one role, except on pages whose content depends on the role (``ROLE_SPECIFIC_PAGES``). Pages come from the
dashboards URL conf: a page without arguments is visited as it is; one with arguments needs an entry in
``ARGUMENTS`` (the test says so when a new one appears). Board members and PCN leads must get 403 on the
analysts' pages.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from django.urls import reverse

from .support import ROLES, axe_violations, blocking, describe

# django_db: each test is rolled back, browser's writes included (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# 403 for board members and PCN leads (neither leads a workstream, so neither reports on one)
ANALYST_PAGES = {
    "upload",
    "extracts",
    "extract",
    "data_status",
    "report_status",
    "new_risk",
    "new_insight",
    "respond_insight",
    "indicator_drafts",
    "indicator_draft",
}
NOT_PAGES = {  # downloads, form targets
    "board_csv",
    "indicator_csv",
    "indicator_xlsx",
    "commentary",
    "spc_rebase",
    "extract_problems",
    "extract_problems_xlsx",
    "extract_template",
    "board_pack_html",
    "board_pack_pdf",
    "start_tracking",
    "extract_accept_coverage",
    "rerun_extract",
    "approve_indicator_draft",
}
PCN_INDICATOR = ("OUT5_ACSC_ADMISSIONS", "U84846")

# Serious or critical violations the lead has been told about and is fixing, by axe rule: the test is
# reported as XFAIL (with the reason) while they are the only ones, and fails once they are gone, so
# that the entry is removed. Only violations on the element named here count as known.
KNOWN_VIOLATIONS: dict[str, tuple[str, str]] = {}


def partnership_outcomes() -> list[tuple]:
    from outcomes.models import Indicator

    codes = Indicator.objects.filter(partnership_outcome__isnull=False).order_by("partnership_outcome", "sort_order")
    return [(code,) for code in codes.values_list("code", flat=True)]


def pcns() -> list[tuple]:
    """The demo PCN lead's own PCN (practice detail shown to them) and another (not shown to them).

    Every PCN page is the same template over different numbers; two cover both of its forms for
    every role at a fifth of the time of all of them.
    """
    from outcomes.models import Area

    own = "U84846"
    other = Area.objects.filter(level="pcn").exclude(code=own).order_by("code").values_list("code", flat=True)[0]
    return [(own,), (other,)]


def newest_extract() -> list[tuple]:
    from outcomes.models import Extract

    return [(Extract.objects.latest("pk").pk,)]


def first_risk() -> list[tuple]:
    from workstreams.models import Risk

    return [(Risk.objects.order_by("reference").values_list("reference", flat=True)[0],)]


def first_insight() -> list[tuple]:
    from workstreams.models import CommunityInsight

    return [(CommunityInsight.objects.order_by("pk").values_list("pk", flat=True)[0],)]


def a_draft() -> list[tuple]:
    """A draft indicator definition (one is made, as an analyst would from a refused Fingertips export)."""
    from django.contrib.auth import get_user_model

    from outcomes.models import IndicatorDraft

    draft = IndicatorDraft.objects.order_by("pk").first() or IndicatorDraft.objects.create(
        fingertips_id=93553,
        code="FT_93553_DEPRIVATION_SCORE_IMD_2019",
        name="Deprivation score (IMD 2019)",
        definition="Deprivation score (IMD 2019) (OHID Fingertips indicator 93553).",
        frequency="annual",
        levels=["borough", "region", "country"],
        fingertips_sex="Persons",
        fingertips_age="All ages",
        seen={"sexes": ["Persons"], "ages": ["All ages"], "area_types": ["Counties & UAs (from Apr 2023)"]},
        created_by=get_user_model().objects.get(username="analyst"),
    )
    return [(draft.pk,)]


def board_packs() -> list[tuple]:
    from dashboards.models import BoardPack

    return [(pk,) for pk in BoardPack.objects.order_by("-pk").values_list("pk", flat=True)[:1]]


ARGUMENTS: dict[str, Callable[[], list[tuple]]] = {
    "workstream": lambda: [("community-champions",)],
    "report_status": lambda: [("community-champions",)],
    "risk": first_risk,
    "respond_insight": first_insight,
    "insight_month": lambda: [(2021, 12)],
    "board_pack": board_packs,
    "indicator": partnership_outcomes,
    "indicator_area": lambda: [PCN_INDICATOR],
    "pcn": pcns,
    "extract": newest_extract,
    "indicator_draft": a_draft,
}


def dashboard_pages() -> dict[str, list[str]]:
    """URL name -> the paths to visit, for every page in the dashboards URL conf."""
    from dashboards.urls import app_name, urlpatterns

    pages: dict[str, list[str]] = {}
    for pattern in urlpatterns:
        name = pattern.name
        if name in NOT_PAGES:
            continue
        if pattern.pattern.converters:
            assert name in ARGUMENTS, f"dashboards:{name} takes arguments: say which to visit in ARGUMENTS"
            pages[name] = [reverse(f"{app_name}:{name}", args=args) for args in ARGUMENTS[name]()]
        else:
            pages[name] = [reverse(f"{app_name}:{name}")]
    return pages


# Desktop, tablet and phone widths: nothing on any page may be wider than the window at any of them.
WIDTHS = (1366, 768, 390)
CHARTS_FIT = """() => [...document.querySelectorAll('.js-plotly-plot')].every(el => {
    const svg = el.querySelector('svg.main-svg');
    return !svg || svg.getBoundingClientRect().width <= el.parentElement.getBoundingClientRect().width + 1;
})"""


def too_wide(page, path: str) -> list[str]:
    """The widths at which ``path`` is wider than the window, naming the widest elements that stick out."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        with contextlib.suppress(Exception):  # plotly redraws responsive charts after the resize event
            page.wait_for_function(CHARTS_FIT, timeout=5_000)  # measured below all the same if it times out
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            culprits = page.evaluate(
                """(w) => [...document.querySelectorAll('body *')].filter(el => {
                    if (el.getBoundingClientRect().right <= w + 1) return false;
                    for (let a = el.parentElement; a; a = a.parentElement) {
                        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return false;
                    }
                    return true;
                }).slice(0, 5).map(el => el.tagName.toLowerCase() + '.' + el.className)""",
                inner,
            )
            problems.append(f"{path}: {scroll} px wide in a {inner} px window ({culprits})")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    return problems


# The axe sweep and the width check run once per page, not once per role: a page is the same template over the
# same data for every role that may see it, so one role sweeps it, the analyst (who sees every page, with the
# analysts' controls). A page whose content depends on the role is swept by each role listed here. Every role
# still visits every page (status, heading, charts drawn, no JavaScript error) and gets 403 where it should.
SWEEP_ROLE = "analyst"
ROLE_SPECIFIC_PAGES: dict[str, tuple[str, ...]] = {
    "board": ROLES,  # the first page after sign-in: each role's menu (analyst links, admin link) is swept once
    "pcn": ("analyst", "pcnlead"),  # a PCN lead sees their own PCN's practices, others' not
    "indicator_area": ("analyst", "pcnlead"),  # the same, for an indicator in a PCN
    "indicator_draft": ("analyst", "admin"),  # an admin may approve a draft the analyst may not (they began it)
}


# The admin role is an analyst with Django staff rights (``harrow_bbp.access``): every page shows an admin the same
# content as the analyst, who visits them all, except the menu (its admin link, on the first page) and a draft
# indicator definition (an admin may approve their own). The admin visits those; the rest would repeat the
# analyst's visit (34 s of worker time). The integration tests still request every page as every role.
ROLE_VISITS: dict[str, tuple[str, ...]] = {"admin": ("board", "indicator_drafts", "indicator_draft")}


def sweeps(name: str, role: str) -> bool:
    """Whether ``role`` runs the axe sweep and the width check on the page named ``name``."""
    return role in ROLE_SPECIFIC_PAGES.get(name, (SWEEP_ROLE,))


def visits(name: str, role: str) -> bool:
    """Whether ``role`` visits the page named ``name`` (each role visits every page, but an admin only those
    that differ from the analyst's)."""
    return name in ROLE_VISITS.get(role, (name,))


def is_known(violation: dict) -> bool:
    marker, _ = KNOWN_VIOLATIONS.get(violation["id"], (None, None))
    return marker is not None and all(marker in node["html"] for node in violation["nodes"])


def check_page(page, path: str, known: set[str], *, sweep: bool = True) -> list[str]:
    """What is wrong with one page, as lines for the failure message; adds known violations to ``known``.

    Without ``sweep`` the page is loaded and its charts drawn, but axe and the widths are left to another role."""
    page.js_errors.clear()
    response = page.goto(path)
    if response is None or response.status != 200:
        return [f"{path}: status {response.status if response else 'none'}, expected 200"]
    problems = []
    if page.locator("h1").count() == 0:
        problems.append(f"{path}: no <h1>")
    charts = page.locator("[data-figure]").count()
    if charts:
        try:
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-figure]')].every(el => el.querySelector('svg.main-svg'))",
                timeout=15_000,
            )
        except Exception:  # Playwright's TimeoutError: say which charts stayed empty
            empty = page.eval_on_selector_all(
                "[data-figure]",
                "els => els.filter(el => !el.querySelector('svg.main-svg')).map(el => el.dataset.figure)",
            )
            problems.append(f"{path}: {len(empty)} of {charts} Plotly charts did not render: {empty}")
    if not sweep:
        return [*problems, *([f"{path}: JavaScript errors: {page.js_errors}"] if page.js_errors else [])]
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")  # axe sees tables
    violations = blocking(axe_violations(page))
    known.update(v["id"] for v in violations if is_known(v))
    violations = [v for v in violations if not is_known(v)]
    if violations:
        problems.append(f"{path}: axe found serious or critical violations:\n{describe(violations)}")
    problems += too_wide(page, path)
    if page.js_errors:
        problems.append(f"{path}: JavaScript errors: {page.js_errors}")
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_may_use_loads_draws_its_charts_and_passes_axe(signed_in, role):
    from django.contrib.auth import get_user_model

    from harrow_bbp.access import is_analyst

    analyst = is_analyst(get_user_model().objects.get(username=role))
    pages = dashboard_pages()
    page = signed_in(role)
    problems: list[str] = []
    known: set[str] = set()
    visited = refused = 0
    for name, paths in pages.items():
        if not visits(name, role):
            continue
        for path in paths:
            if name in ANALYST_PAGES and not analyst:
                response = page.goto(path)
                if response is None or response.status != 403:
                    problems.append(f"{path}: {role} got {response.status if response else 'none'}, expected 403")
                refused += 1
                continue
            problems += check_page(page, path, known, sweep=sweeps(name, role))
            visited += 1
    assert visited >= (10 if role not in ROLE_VISITS else len(ROLE_VISITS[role])), f"only {visited} pages: {pages}"
    assert analyst or refused == len(ANALYST_PAGES), f"{role} tried {refused} analyst pages"
    assert not problems, f"{role}: {len(problems)} problems on {visited} pages\n" + "\n".join(problems)
    stale = set(KNOWN_VIOLATIONS) - known if role == SWEEP_ROLE else set()
    assert not stale, f"fixed, remove from KNOWN_VIOLATIONS: {sorted(stale)}"
    if known:
        pytest.xfail("known axe violations: " + "; ".join(f"{k}: {KNOWN_VIOLATIONS[k][1]}" for k in sorted(known)))


def test_a_pcn_lead_reads_a_practice_of_their_own_pcn_and_no_other(signed_in):
    from outcomes.models import PracticeMembership

    def practice_of(pcn_code: str) -> str:
        memberships = PracticeMembership.objects.filter(pcn__code=pcn_code, end__isnull=True)
        return memberships.order_by("practice__code").first().practice.code

    own, other = practice_of("U84846"), practice_of("U89806")
    page = signed_in("pcnlead")
    problems = check_page(page, reverse("dashboards:indicator_area", args=["OUT5_ACSC_ADMISSIONS", own]), set())
    assert not problems, "\n".join(problems)
    assert page.locator("[data-figure]").count() >= 1
    response = page.goto(reverse("dashboards:indicator_area", args=["OUT5_ACSC_ADMISSIONS", other]))
    assert response is not None and response.status == 403


def test_the_sign_in_page_and_its_error_pass_axe(server, browser):
    context = browser.new_context(base_url=server)
    try:
        page = context.new_page()
        assert page.goto("/").url.endswith("/accounts/login/?next=/")  # every page needs a login
        assert page.locator("h1").inner_text() == "Sign in"
        problems = [describe(v) for v in [blocking(axe_violations(page))] if v]
        page.fill("#id_username", "board")
        page.fill("#id_password", "not-the-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert page.get_by_role("alert").inner_text().startswith("There is a problem")
        problems += [describe(v) for v in [blocking(axe_violations(page))] if v]
        assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
    finally:
        context.close()


def test_on_a_phone_the_menu_collapses_behind_a_button_and_opens(signed_in):
    page = signed_in("analyst")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("dashboards:board"))
    toggle = page.get_by_role("button", name="Menu")
    upload = page.get_by_role("link", name="Upload")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not upload.is_visible()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and upload.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 768})
    assert not toggle.is_visible() and upload.is_visible()
