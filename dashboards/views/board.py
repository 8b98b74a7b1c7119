"""Thin views: ask selectors for data, stats for judgements, figures for charts; render."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from harrow_bbp.access import can_view, require
from outcomes.models import Area

from .. import jsna_page, pages
from ..cache import data_version


@require(can_view)
def board_overview(request: HttpRequest) -> HttpResponse:
    today, version = timezone.localdate(), data_version()
    borough, tiles = pages.board(today, version)
    pcns = Area.objects.filter(parent=borough, level="pcn").order_by("sort_order")
    jsna_counts = jsna_page.england_counts(pages.jsna(version))
    overdue = pages.overdue(today, borough, version)
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
