"""``create_user``: how production gets its logins (the demo users are refused there)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from harrow_bbp.access import roles_of

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]
PASSWORD = "correct-horse-battery-2026"


def test_creates_a_board_member_who_can_sign_in(monkeypatch, client):
    monkeypatch.setenv("HARROW_USER_PASSWORD", PASSWORD)
    call_command("create_user", "jsmith", "--role", "board")
    user = get_user_model().objects.get(username="jsmith")
    assert roles_of(user) == {"board"} and not user.is_staff
    # Through the sign-in form, as a person would (the lockout backend needs the request).
    response = client.post(reverse("login"), {"username": "jsmith", "password": PASSWORD})
    assert response.status_code == 302 and response.wsgi_request.user.username == "jsmith"


def test_updates_an_existing_login_to_another_role(monkeypatch):
    monkeypatch.setenv("HARROW_USER_PASSWORD", PASSWORD)
    call_command("create_user", "jsmith", "--role", "board")
    call_command("create_user", "jsmith", "--role", "pcn_lead", "--pcn", "U84846")
    user = get_user_model().objects.get(username="jsmith")
    assert roles_of(user) == {"pcn_lead"}
    assert user.profile.pcn.code == "U84846"


@pytest.mark.parametrize(
    ("password", "arguments", "message"),
    [
        ("", ["--role", "board"], "HARROW_USER_PASSWORD"),
        ("password", ["--role", "board"], "Password refused"),
        (PASSWORD, ["--role", "pcn_lead"], "--pcn is required"),
        (PASSWORD, ["--role", "pcn_lead", "--pcn", "NOPE"], "No PCN with code 'NOPE'"),
        (PASSWORD, ["--role", "pcn_lead", "--pcn", "HRW-PCN-HS"], "It is a former code: use U84846"),
    ],
)
def test_refuses_without_a_good_password_or_a_pcn_lead_without_a_pcn(monkeypatch, password, arguments, message):
    monkeypatch.setenv("HARROW_USER_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("create_user", "newuser", *arguments)
    assert not get_user_model().objects.filter(username="newuser").exists()
