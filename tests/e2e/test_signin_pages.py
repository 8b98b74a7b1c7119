"""The sign-in pages added for issue 11 in real Chromium: password change (every role's header links to it) and
the lockout page, each passing axe."""

from __future__ import annotations

import pytest

from .support import PASSWORDS, axe_violations, blocking, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def axe_problems(page) -> list[str]:
    return [describe(v) for v in [blocking(axe_violations(page))] if v]


@pytest.mark.parametrize("role", ["board", "analyst", "pcnlead"])
def test_each_role_reaches_the_password_change_page_from_the_header(signed_in, role):
    page = signed_in(role)
    page.get_by_role("link", name="Change password").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Change your password"
    problems = axe_problems(page)
    page.fill("#id_old_password", PASSWORDS[role])
    page.fill("#id_new_password1", "zxcvqwer")
    page.fill("#id_new_password2", "zxcvqwer")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert").inner_text()
    assert summary.startswith("There is a problem") and "too short" in summary
    problems += axe_problems(page)
    assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)


def test_the_lockout_page_says_what_to_do_and_passes_axe(server, browser, settings):
    context = browser.new_context(base_url=server)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            page.fill("#id_username", "analyst")
            page.fill("#id_password", f"wrong-password-{attempt}")
            with page.expect_response(lambda r: r.request.method == "POST") as posted:
                page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
        assert posted.value.status == 429
        assert page.locator("h1").inner_text() == "What to do now"
        assert "Sign-in locked" in page.get_by_role("alert").inner_text()
        assert "ask an administrator" in page.content()
        problems = axe_problems(page)
        assert not problems, "axe found serious or critical violations:\n" + "\n".join(problems)
    finally:
        context.close()
