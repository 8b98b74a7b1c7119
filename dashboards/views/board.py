"""Thin views: ask selectors for data, stats for judgements, figures for charts; render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from harrow_bbp.access import can_view, require
from outcomes.models import Area

from ..board import board_tiles


@require(can_view)
def board_overview(request: HttpRequest) -> HttpResponse:
    borough, tiles = board_tiles(timezone.localdate())
    pcns = Area.objects.filter(parent=borough, level="pcn").order_by("sort_order")
    return render(request, "dashboards/board.html", {"borough": borough, "tiles": tiles, "pcns": pcns})
