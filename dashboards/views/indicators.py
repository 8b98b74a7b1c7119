"""The indicator page (any indicator, any area), its CSV download, and commentary."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from harrow_bbp.access import (
    can_see_practices_of,
    can_view,
    can_write_commentary,
    is_analyst,
    require,
    sees_unsuppressed_counts,
)
from harrow_bbp.downloads import table_response
from harrow_bbp.params import code_in_path, is_code, month_or_none
from harrow_bbp.tabular import Table
from outcomes import actions
from outcomes.models import Area, Indicator
from outcomes.selectors import HARROW_CODE, indicator_data

from .. import pages
from ..indicator_export import export_decimals
from ..indicator_page import BREAKDOWN_TITLES, area_choices

AREA_CODE_LENGTH = Area._meta.get_field("code").max_length


def _data(request: HttpRequest, code: str, area_code: str):
    code_in_path(area_code, max_length=AREA_CODE_LENGTH)
    try:
        data = indicator_data(code, area_code)
    except (Indicator.DoesNotExist, Area.DoesNotExist) as exc:
        raise Http404("No such indicator or area.") from exc
    if data.area.level in ("pcn", "practice") and data.area.level not in data.indicator.levels:
        level = {"pcn": "primary care network (PCN)", "practice": "GP practice"}[data.area.level]
        raise Http404(f"{data.indicator.display_name} is not published by {level}, only for the borough and above.")
    if data.area.level == "practice" and not is_analyst(request.user):
        # A PCN lead sees the practices their PCN has now; a practice in no PCN (closed, or between PCNs) is
        # for analysts only.
        membership = data.area.memberships.filter(end__isnull=True).first()
        if membership is None or not can_see_practices_of(request.user, membership.pcn_id):
            raise PermissionDenied
    return data


INDEX_GROUPS = (
    ("Partnership outcome measures", lambda i: i.partnership_outcome is not None),
    ("Performance measures", lambda i: i.is_performance),
    ("Core20PLUS5", lambda i: i.is_core20plus5),
    ("JSNA headline indicators", lambda i: i.is_jsna),
)


@require(can_view)
def indicator_index(request: HttpRequest) -> HttpResponse:
    """Every indicator by group, each with links to its page for every Harrow PCN and to each breakdown."""
    indicators = list(Indicator.objects.order_by("partnership_outcome", "sort_order", "code"))
    pcns = list(Area.objects.filter(parent__code=HARROW_CODE, level="pcn").order_by("sort_order"))
    groups = [(title, [i for i in indicators if belongs(i)]) for title, belongs in INDEX_GROUPS]
    grouped = {i.pk for _, members in groups for i in members}
    groups.append(("Other indicators", [i for i in indicators if i.pk not in grouped]))
    rows = [
        (
            title,
            [
                {
                    "indicator": i,
                    "pcns": pcns if "pcn" in i.levels else [],
                    "breakdowns": [(b, BREAKDOWN_TITLES.get(b, b)) for b in i.breakdowns],
                }
                for i in members
            ],
        )
        for title, members in groups
        if members
    ]
    return render(request, "dashboards/indicators.html", {"groups": rows, "harrow_code": HARROW_CODE})


@require(can_view)
def indicator_detail(request: HttpRequest, code: str, area_code: str = HARROW_CODE) -> HttpResponse:
    switch_to = request.GET.get("area")
    if switch_to and switch_to != area_code:  # the area switcher, without JavaScript
        if not is_code(switch_to, max_length=AREA_CODE_LENGTH) or not Area.objects.filter(code=switch_to).exists():
            raise Http404("No such area.")
        return redirect("dashboards:indicator_area", code=code, area_code=switch_to)
    return _indicator_response(request, _data(request, code, area_code))


def _indicator_response(request: HttpRequest, data, *, rebase_error: str = "", status: int = 200) -> HttpResponse:
    today, unsuppressed = timezone.localdate(), sees_unsuppressed_counts(request.user)
    page = pages.indicator(data.indicator.code, data.area.code, today, unsuppressed, data=data)
    return render(
        request,
        "dashboards/indicator.html",
        {
            "page": page,
            "indicator": data.indicator,
            "area": data.area,
            "areas": area_choices(data),
            "can_comment": can_write_commentary(request.user),
            "can_rebase": is_analyst(request.user),
            "rebase_error": rebase_error,
            "periods": _periods(data),
            "commentary": data.commentary,
        },
        status=status,
    )


@require(is_analyst)
@require_POST
def add_rebase(request: HttpRequest, code: str, area_code: str = HARROW_CODE) -> HttpResponse:
    """An analyst re-bases the SPC chart from a period start, with the reason (Making Data Count: re-base after a
    sustained shift that a known change explains). Back to the page, which shows the new limits and the reason."""
    data = _data(request, code, area_code)
    try:
        starts = _period_start(request.POST.get("starts", ""), data)
        actions.add_spc_rebase(
            indicator=data.indicator, area=data.area, starts=starts, reason=request.POST.get("reason", "")
        )
    except ValueError as exc:
        return _indicator_response(request, data, rebase_error=str(exc), status=400)
    return redirect("dashboards:indicator_area", code=data.indicator.code, area_code=data.area.code)


def _period_start(text: str, data) -> dt.date:
    """A posted YYYY-MM-DD that is the start of one of the area's periods; else ValueError in words."""
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or data.series.empty or day not in set(data.series["period_start"]):
        raise ValueError("Choose the first period of the new process from the chart's periods.")
    return day


@require(can_view)
def indicator_csv(request: HttpRequest, code: str, area_code: str = HARROW_CODE) -> HttpResponse:
    """Exactly the numbers the page shows: the export built with the page, from the same controlled frames."""
    return _indicator_download(request, code, area_code, "csv")


@require(can_view)
def indicator_xlsx(request: HttpRequest, code: str, area_code: str = HARROW_CODE) -> HttpResponse:
    """The same table as the CSV, as a spreadsheet."""
    return _indicator_download(request, code, area_code, "xlsx")


def _indicator_download(request: HttpRequest, code: str, area_code: str, format: str) -> HttpResponse:
    data = _data(request, code, area_code)
    page = pages.indicator(code, area_code, timezone.localdate(), sees_unsuppressed_counts(request.user), data=data)
    table = Table.from_frame(page.export, export_decimals(data.indicator.decimal_places))
    return table_response(table, filename=f"{code}-{area_code}", format=format)


@require(can_write_commentary)
@require_POST
def add_commentary(request: HttpRequest, code: str, area_code: str = HARROW_CODE) -> HttpResponse:
    data = _data(request, code, area_code)
    text = request.POST.get("text", "")
    error = ""
    try:
        period_end = _period_end(request.POST.get("period_end", ""))
        if "\x00" in text:
            raise ValueError("Commentary cannot contain null characters.")
        actions.write_commentary(
            indicator=data.indicator, area=data.area, period_end=period_end, text=text, author=request.user
        )
    except ValueError as exc:
        error = str(exc) if "Commentary" in str(exc) else "Choose the period the commentary is about."
    data = _data(request, code, area_code)
    return render(
        request,
        "dashboards/components/commentary.html",
        {
            "commentary": data.commentary,
            "indicator": data.indicator,
            "area": data.area,
            "can_comment": True,
            "error": error,
            "periods": _periods(data),
        },
    )


def _period_end(text: str) -> dt.date:
    """A period end posted as YYYY-MM-DD, in the years months may be asked for; else ValueError."""
    day = dt.date.fromisoformat(text) if len(text) == 10 else None
    if day is None or month_or_none(day.year, day.month) is None:
        raise ValueError("not a period end")
    return day


def _periods(data) -> list:
    return sorted(set(data.series["period_end"]), reverse=True)[:24] if not data.series.empty else []
