"""The 400 page: like Django's, but rendered with the request (so the header and navigation show) and with the
reason when the project raised it (``harrow_bbp.params.BadParameter``); other bad requests get a generic line."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .params import BadParameter


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception) if isinstance(exception, BadParameter) else ""
    return render(request, "400.html", {"reason": reason}, status=400)
