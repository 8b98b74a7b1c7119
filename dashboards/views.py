"""Thin views: ask selectors for data, stats for judgements, figures for charts; render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from harrow_bbp.access import can_view, require


@require(can_view)
def board_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/board.html", {})
