"""Sessions end after SESSION_IDLE_TIMEOUT without activity and SESSION_ABSOLUTE_LIFETIME after sign-in.

The clock is ``harrow_bbp.session_limits.now``, moved with monkeypatch.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from harrow_bbp import session_limits

pytestmark = pytest.mark.django_db

START = 1_800_000_000.0


@pytest.fixture
def clock(monkeypatch):
    """A settable clock: ``clock.at = seconds``."""

    class Clock:
        at = START

    monkeypatch.setattr(session_limits, "now", lambda: Clock.at)
    return Clock


@pytest.fixture
def signed_in(client, clock):
    response = client.post(reverse("login"), {"username": "board", "password": "demo-board-2026"})
    assert response.status_code == 302
    assert client.session[session_limits.SIGNED_IN_AT] == START
    return client


def is_signed_out(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_defaults_are_thirty_minutes_idle_and_twelve_hours(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_LIFETIME


def test_idle_for_longer_than_the_timeout_signs_out_with_a_message(signed_in, clock, settings):
    clock.at = START + settings.SESSION_IDLE_TIMEOUT - 1
    assert signed_in.get(reverse("dashboards:jsna")).status_code == 200
    clock.at += settings.SESSION_IDLE_TIMEOUT + 1
    response = signed_in.get(reverse("dashboards:jsna"))
    assert is_signed_out(response) and "next=%2Fjsna%2F" in response.url
    assert "_auth_user_id" not in signed_in.session
    login_page = signed_in.get(response.url).content.decode()
    assert "signed out after 30 minutes without activity" in login_page


def test_activity_keeps_the_session_until_the_absolute_lifetime(signed_in, clock, settings):
    step = settings.SESSION_IDLE_TIMEOUT - 60
    while clock.at + step < START + settings.SESSION_ABSOLUTE_LIFETIME:
        clock.at += step
        assert signed_in.get(reverse("dashboards:jsna")).status_code == 200
    clock.at = START + settings.SESSION_ABSOLUTE_LIFETIME + 1
    response = signed_in.get(reverse("dashboards:jsna"))
    assert is_signed_out(response)
    assert "signed in more than 12 hours ago" in signed_in.get(response.url).content.decode()


def test_the_limits_come_from_settings(signed_in, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 120
    clock.at += 121
    assert is_signed_out(signed_in.get(reverse("dashboards:jsna")))


def test_htmx_polls_are_not_activity_but_are_signed_out(signed_in, clock, settings):
    """An open progress page polls by itself; it must not keep an unattended session alive."""
    for _ in range(4):
        clock.at += settings.SESSION_IDLE_TIMEOUT / 4
        response = signed_in.get(reverse("dashboards:jsna"), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert signed_in.session[session_limits.LAST_ACTIVITY] == START
    clock.at += 2
    response = signed_in.get(reverse("dashboards:jsna"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("login")


def test_last_activity_is_written_at_most_once_a_minute(signed_in, clock):
    clock.at += 30
    signed_in.get(reverse("dashboards:jsna"))
    assert signed_in.session[session_limits.LAST_ACTIVITY] == START
    clock.at += 31
    signed_in.get(reverse("dashboards:jsna"))
    assert signed_in.session[session_limits.LAST_ACTIVITY] == START + 61


def test_a_session_from_before_the_limits_starts_its_clocks(client, clock, django_user_model):
    client.force_login(django_user_model.objects.get(username="board"))
    session = client.session
    del session[session_limits.SIGNED_IN_AT], session[session_limits.LAST_ACTIVITY]
    session.save()
    assert client.get(reverse("dashboards:jsna")).status_code == 200
    assert client.session[session_limits.SIGNED_IN_AT] == START
