"""Who viewed or downloaded practice-level data: one ``AccessLogEntry`` per request for such a page or file.

Decided from the resolved URL and its arguments, after the view has run, so the views need not know about it:

- a practice's indicator page or CSV (``dashboards:indicator_area`` / ``indicator_csv`` with a practice code);
- a PCN page when it shows that PCN's practices to the user (their own PCN for a lead; any PCN for an analyst).

Refused requests (403) are logged too: an attempt to see a practice is part of who looked. Anonymous requests
never reach a view (LoginRequiredMiddleware), so they are not logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from harrow_bbp.access import can_see_practices_of
from harrow_bbp.params import is_code
from outcomes.models import Area
from outcomes.models.choices import AreaLevel

from .models import AccessKind, AccessLogEntry

log = logging.getLogger(__name__)

#: URL name -> kind, for URLs whose ``area_code`` argument may be a practice.
PRACTICE_AREA_URLS = {
    "dashboards:indicator_area": AccessKind.VIEW,
    "dashboards:indicator_csv": AccessKind.DOWNLOAD,
}
#: URL names of PCN pages (argument ``code``) that show practice detail to those allowed to see it.
PCN_URLS = {"dashboards:pcn": AccessKind.VIEW}


def practice_level_access(request: HttpRequest) -> tuple[str, str] | None:
    """(kind, area code) when this request was for practice-level data, else None."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    name = match.view_name
    code = match.kwargs.get("area_code" if name in PRACTICE_AREA_URLS else "code", "")
    if not isinstance(code, str) or not is_code(code, max_length=64):
        return None  # not an area code (the view answers 400 or 404): nothing practice-level was shown
    if name in PRACTICE_AREA_URLS:
        if Area.objects.filter(code=code, level=AreaLevel.PRACTICE).exists():
            return PRACTICE_AREA_URLS[name], code
    elif name in PCN_URLS:
        pcn_id = Area.objects.filter(code=code, level=AreaLevel.PCN).values_list("pk", flat=True).first()
        if pcn_id is not None and can_see_practices_of(request.user, pcn_id):
            return PCN_URLS[name], code
    return None


class AccessLogMiddleware:
    """Writes the access log after the view; a failed write is logged as an error, never turned into a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user: Any = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            access = practice_level_access(request)
            if access is not None:
                try:
                    AccessLogEntry.objects.create(
                        user=user,
                        kind=access[0],
                        url_name=request.resolver_match.view_name[:100],
                        path=request.get_full_path()[:500],
                        area_code=access[1],
                        status_code=response.status_code,
                    )
                except DatabaseError:
                    log.exception("Could not write the access log for %s %s", user, request.path)
        return response
