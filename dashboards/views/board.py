"""Thin views: ask selectors for data, stats for judgements, figures for charts; render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from harrow_bbp.access import can_view, require
from outcomes.models import Area, Indicator
from outcomes.selectors import jsna_data, latest_headline

from .. import jsna_page, pages
from ..board import overdue_indicators


@require(can_view)
def board_overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    borough, tiles = pages.board(today)
    pcns = Area.objects.filter(parent=borough, level="pcn").order_by("sort_order")
    jsna_counts = jsna_page.england_counts(jsna_page.build(jsna_data()))
    indicators = list(Indicator.objects.order_by("sort_order", "code"))
    overdue = overdue_indicators(indicators, latest_headline(None, [borough.pk]), today)
    return render(
        request,
        "dashboards/board.html",
        {
            "borough": borough,
            "tiles": tiles,
            "pcns": pcns,
            "jsna_counts": jsna_counts,
            "overdue": overdue,
        },
    )
