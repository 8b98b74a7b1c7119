"""Sessions end after a spell without activity (idle timeout) and a fixed time after sign-in (absolute lifetime).

Django's own settings give one or the other, not both: ``SESSION_COOKIE_AGE`` with ``SESSION_SAVE_EVERY_REQUEST``
is an idle timeout that any request renews forever, and writes the session on every request. Here the sign-in
time and the last activity are kept in the session; the last activity is written at most once a minute.

htmx GETs (the upload and board-pack progress polls, which run by themselves every second or two) are not
activity: an open progress page would otherwise keep a session alive with nobody at the desk. They are still
checked, and an expired session gets an ``HX-Redirect`` to the sign-in page instead of a fragment.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url

log = logging.getLogger("harrow_bbp.signin")

SIGNED_IN_AT = "harrow_signed_in_at"
LAST_ACTIVITY = "harrow_last_activity"
# Write the last activity only when it has moved this many seconds (a session write per request otherwise).
ACTIVITY_RESOLUTION = 60


def now() -> float:
    """The clock (a function so tests can move it)."""
    return time.time()


@receiver(user_logged_in)
def stamp_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Start both clocks when someone signs in."""
    if request is not None and hasattr(request, "session"):
        moment = now()
        request.session[SIGNED_IN_AT] = moment
        request.session[LAST_ACTIVITY] = moment


def expiry_reason(session, moment: float) -> str | None:
    """Why this session has ended, or None. A session signed in before this module existed starts its clocks now."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_activity = session.get(LAST_ACTIVITY)
    if signed_in_at is None or last_activity is None:
        return None
    if moment - signed_in_at > settings.SESSION_ABSOLUTE_LIFETIME:
        hours = settings.SESSION_ABSOLUTE_LIFETIME / 3600
        return f"You have been signed out because you signed in more than {hours:g} hours ago. Sign in again."
    if moment - last_activity > settings.SESSION_IDLE_TIMEOUT:
        minutes = settings.SESSION_IDLE_TIMEOUT / 60
        return f"You have been signed out after {minutes:g} minutes without activity. Sign in again."
    return None


def is_activity(request: HttpRequest) -> bool:
    """Anything but an htmx GET (a poll or a fragment loading by itself) is someone using the page."""
    return not (request.method == "GET" and request.headers.get("HX-Request") == "true")


class SessionLimitsMiddleware:
    """Signs out expired sessions (after AuthenticationMiddleware and MessageMiddleware) and records activity."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        moment = now()
        if SIGNED_IN_AT not in session or LAST_ACTIVITY not in session:
            session.setdefault(SIGNED_IN_AT, moment)
            session.setdefault(LAST_ACTIVITY, moment)
        reason = expiry_reason(session, moment)
        if reason:
            return self.sign_out(request, reason)
        if is_activity(request) and moment - session[LAST_ACTIVITY] >= ACTIVITY_RESOLUTION:
            session[LAST_ACTIVITY] = moment
        return self.get_response(request)

    @staticmethod
    def sign_out(request: HttpRequest, reason: str) -> HttpResponse:
        log.info("Session ended: username=%r reason=%s", request.user.get_username(), reason)
        logout(request)
        messages.info(request, reason)
        login_url = resolve_url(settings.LOGIN_URL)
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        target = request.get_full_path() if request.method == "GET" else ""
        return HttpResponseRedirect(f"{login_url}?{urlencode({'next': target})}" if target else login_url)
