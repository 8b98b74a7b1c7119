"""Old links keep working: a page asked for by an area's former code (``/pcns/HRW-PCN-HS/``) is moved for good to
the same URL with the area's code now (``/pcns/U84846/``), query string kept (ADR 0017).

Only a GET or HEAD that ended in 404 is looked at, so pages that exist cost nothing and a form post is never
replayed. The redirect only rewrites the URL: the page it leads to applies its own access rules, so a PCN lead
reaches another PCN's practices by an old code no more than by its new one.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils.encoding import escape_uri_path

from harrow_bbp.params import is_code
from outcomes.models import Area
from outcomes.selectors import current_codes

CODE_LENGTH = Area._meta.get_field("code").max_length


def moved_url(request: HttpRequest) -> str | None:
    """The URL with every former area code (a path segment or a query value) replaced, or None if it has none."""
    segments = request.path.split("/")
    pairs = [(key, value) for key, values in request.GET.lists() for value in values]
    candidates = {s for s in segments if is_code(s, max_length=CODE_LENGTH)}
    candidates |= {v for _, v in pairs if is_code(v, max_length=CODE_LENGTH)}
    moved = current_codes(candidates)
    if not moved:
        return None
    url = escape_uri_path("/".join(moved.get(s, s) for s in segments))
    if any(v in moved for _, v in pairs):
        return f"{url}?{urlencode([(k, moved.get(v, v)) for k, v in pairs])}"
    query = request.META.get("QUERY_STRING", "")
    return f"{url}?{query}" if query else url


class FormerCodeRedirectMiddleware:
    """301 from a 404 whose URL carries a former area code to the same URL with the current code."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        url = moved_url(request)
        return HttpResponsePermanentRedirect(url) if url else response
