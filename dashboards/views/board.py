"""Thin views: ask selectors for data, stats for judgements, figures for charts; render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from harrow_bbp.access import can_view, require

from ..board import board_tiles


@require(can_view)
def board_overview(request: HttpRequest) -> HttpResponse:
    borough, tiles = board_tiles(timezone.localdate())
    return render(request, "dashboards/board.html", {"borough": borough, "tiles": tiles})
