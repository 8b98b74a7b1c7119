"""Sign-in lockout on top of django-axes: a limit per kind of count, the lockout page, and the audit log.

Axes keeps one failure limit for every lockout parameter. One address can be a whole NHS trust behind its proxy,
so the per-address count needs a much higher limit than the count for one account from one address; and only a
per-account count (any address) stops a guess spread over many addresses. ``TieredLimitsHandler`` gives each
parameter of ``AXES_LOCKOUT_PARAMETERS`` its own limit. State stays in axes' database tables, so every web
process sees the same counts.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

log = logging.getLogger("harrow_bbp.signin")


def parameter_limit(parameter: str | list[str] | tuple[str, ...]) -> int:
    """The failure limit for one lockout parameter: an account, an address, or both together."""
    if parameter == "username":
        return settings.SIGNIN_ACCOUNT_FAILURE_LIMIT
    if parameter == "ip_address":
        return settings.SIGNIN_ADDRESS_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


class TieredLimitsHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter (see the module docstring)."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Failures scaled to ``AXES_FAILURE_LIMIT``: at or above it exactly when some count reached its own limit.

        Axes compares this one number with ``AXES_FAILURE_LIMIT``; ``count * limit // own_limit`` is at least
        ``limit`` if and only if ``count >= own_limit``, so each parameter locks at its own limit.
        """
        limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        anonymous = get_client_username(request, credentials) is None
        worst = 0
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            if anonymous and "username" in ([parameter] if isinstance(parameter, str) else parameter):
                # No username (a single sign-on callback): "username IS NULL" would pool everyone's failed
                # callbacks into one count and lock single sign-on for all. Only the address is counted.
                continue
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            worst = max(worst, count * limit // max(parameter_limit(parameter), 1))
        return worst

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful sign-in clear that account's failures from that address, and nothing else.

        Axes would delete every record matching any parameter, including every failure from the address: one
        insider signing in to their own account would then wipe the count of a guess at someone else's.
        """
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted against: REMOTE_ADDR, or behind ``SIGNIN_PROXY_COUNT`` reverse proxies the
    entry the outermost of them appended to X-Forwarded-For (the client as it saw it).

    Entries further left were written by the client and can be anything, so they are never used; a header shorter
    than the proxy count (a request that bypassed a proxy) falls back to REMOTE_ADDR.
    """
    proxies = settings.SIGNIN_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies and (address := _ip(forwarded[-proxies])):
            return address
    return request.META.get("REMOTE_ADDR")


def _ip(entry: str) -> str | None:
    """An address from an X-Forwarded-For entry, without a port (some gateways add one); None if it is not one."""
    for candidate in (entry, entry.rsplit(":", 1)[0].strip("[]")):
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The lockout page: what happened and what to do, with 429 and Retry-After (never a bare error)."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = TemplateResponse(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "username": get_client_username(request, credentials) or ""},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response.render()


@receiver(user_locked_out)
def log_lockout(sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs) -> None:
    """One warning per refused sign-in while locked, for the audit trail (axes also keeps AccessAttempt rows)."""
    log.warning(
        "Sign-in locked out: username=%r address=%s failures=%s",
        username,
        ip_address,
        getattr(request, "axes_failures_since_start", "?"),
    )


@receiver(post_delete, sender=AccessAttempt)
def log_unlock(sender: Any, instance: AccessAttempt, **kwargs) -> None:
    """Removing failure records (an admin unlocking, or a successful sign-in) is logged too."""
    log.info(
        "Sign-in failures cleared: username=%r address=%s failures=%s",
        instance.username,
        instance.ip_address,
        instance.failures_since_start,
    )
