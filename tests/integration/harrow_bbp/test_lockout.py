"""Sign-in lockout (django-axes with a limit per count): per account and address, per account, per address.

Addresses are set with REMOTE_ADDR, as the web server would; the test client's default is 127.0.0.1.
"""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.world("empty")]

RIGHT = "demo-board-2026"


@pytest.fixture(autouse=True)
def users():
    """The logins these tests sign in as, with the demo's names and passwords."""
    factories.UserFactory(username="board", role="board", password=RIGHT)
    factories.UserFactory(username="analyst", role="analyst", password="demo-analyst-2026")
    factories.UserFactory(username="admin", role="admin", password="demo-admin-2026")


def sign_in(client, username: str = "board", password: str = RIGHT, address: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, times: int, username: str = "board", address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong-password-1", address)
        assert response.status_code == 200, "a failure below the limit shows the form again"


def test_thirty_wrong_passwords_then_the_right_one_is_refused(client, settings):
    """The review's finding: 30 failures, then the right password logged straight in."""
    for attempt in range(30):
        response = sign_in(client, password=f"wrong-{attempt}")
        assert response.status_code == (200 if attempt < settings.AXES_FAILURE_LIMIT - 1 else 429)
    response = sign_in(client)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_says_what_happened_and_what_to_do(client, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    response = sign_in(client, password="still-wrong-1")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "Sign-in locked" in page and "too many failed attempts to sign in as <strong>board</strong>" in page
    assert "Wait 15 minutes" in page and "ask an administrator" in page


def test_the_limits_come_from_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    fail(client, 2)
    assert sign_in(client).status_code == 302  # two failures: still allowed, and the count is cleared
    fail(client, 2)
    assert sign_in(client, password="wrong-again-1").status_code == 429
    assert sign_in(client).status_code == 429


def test_a_success_clears_the_accounts_failures_from_that_address(client, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client).status_code == 302
    client.logout()
    fail(client, settings.AXES_FAILURE_LIMIT - 1)  # would lock had the earlier failures been kept
    assert sign_in(client).status_code == 302


def test_a_guess_spread_over_many_addresses_locks_the_account(client, settings):
    per_address = settings.AXES_FAILURE_LIMIT - 1
    addresses = [f"10.1.0.{n}" for n in range(1, 10)]
    total = 0
    for address in addresses:
        if total + per_address >= settings.SIGNIN_ACCOUNT_FAILURE_LIMIT:
            break
        fail(client, per_address, address=address)
        total += per_address
    fail(client, settings.SIGNIN_ACCOUNT_FAILURE_LIMIT - total - 1, address="10.2.0.1")
    assert sign_in(client, address="10.3.0.1").status_code == 302  # one below the account limit: allowed
    client.logout()
    # The success cleared only its own address's (none); one more failure anywhere reaches the limit.
    assert sign_in(client, password="wrong-last-1", address="10.4.0.1").status_code == 429
    assert sign_in(client, address="10.5.0.1").status_code == 429  # locked from every address


def test_failures_behind_a_shared_proxy_do_not_lock_out_colleagues(client, settings):
    """One NHS proxy address: one person's failures lock that person there, not everyone behind it."""
    proxy = "192.0.2.10"
    fail(client, settings.AXES_FAILURE_LIMIT - 1, username="analyst", address=proxy)
    assert sign_in(client, "analyst", "wrong-password-1", proxy).status_code == 429
    assert sign_in(client, "board", RIGHT, proxy).status_code == 302


def test_the_address_limit_throttles_a_spray_over_many_accounts(client, settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 12
    for n in range(11):
        assert sign_in(client, f"guess{n}", "wrong-password-1").status_code == 200
    assert sign_in(client, "guess-last", "wrong-password-1").status_code == 429
    assert sign_in(client, "board", RIGHT).status_code == 429  # the address is throttled for everyone
    assert sign_in(client, "board", RIGHT, address="10.9.9.9").status_code == 302


def test_the_lockout_is_logged(client, settings, caplog):
    with caplog.at_level(logging.WARNING, logger="harrow_bbp.signin"):
        fail(client, settings.AXES_FAILURE_LIMIT - 1)
        assert not [r for r in caplog.records if r.name == "harrow_bbp.signin"]
        sign_in(client, password="wrong-password-2")
    [record] = [r for r in caplog.records if r.name == "harrow_bbp.signin"]
    assert record.levelno == logging.WARNING
    message = record.getMessage()
    assert "locked out" in message and "'board'" in message and "10.0.0.1" in message


def test_an_admin_sees_the_lockout_and_removes_it(client, settings, django_user_model, caplog):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, password="wrong-password-2").status_code == 429
    assert sign_in(client).status_code == 429
    [attempt] = AccessAttempt.objects.filter(username="board")

    client.force_login(django_user_model.objects.get(username="admin"))
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "10.0.0.1" in changelist.content.decode()
    confirm = client.get(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]))
    assert confirm.status_code == 200
    with caplog.at_level(logging.INFO, logger="harrow_bbp.signin"):
        removed = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert removed.status_code == 302
    assert not AccessAttempt.objects.filter(username="board").exists()
    assert any("failures cleared" in r.getMessage() and "'board'" in r.getMessage() for r in caplog.records)
    client.logout()
    assert sign_in(client).status_code == 302


def test_the_lockout_admin_is_for_staff_only(role_client):
    # Analysts may use the admin for reference data (ADR 0013), but not the lockouts; others not at all.
    assert role_client("analyst").get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    response = role_client("board").get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_admin_sign_in_is_guarded_too(client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("admin:login"), {"username": "admin", "password": "wrong-password-1"}, REMOTE_ADDR="10.0.0.7"
        )
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": "demo-admin-2026"}, REMOTE_ADDR="10.0.0.7"
    )
    assert response.status_code == 429 and "Sign-in locked" in response.content.decode()


def test_behind_a_proxy_failures_count_against_the_forwarded_address(client, settings):
    settings.SIGNIN_PROXY_COUNT = 1
    url, proxy = reverse("login"), "10.8.0.1"
    wrong = {"username": "board", "password": "wrong-password-1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = client.post(url, wrong, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="81.2.69.160")
    assert last.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"81.2.69.160"}
    right = {"username": "board", "password": RIGHT}
    assert client.post(url, right, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="81.2.69.161").status_code == 302
