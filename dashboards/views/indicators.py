"""The indicator page (any indicator, any area), its CSV download, and commentary."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from harrow_bbp.access import can_see_practices_of, can_view, can_write_commentary, require, sees_unsuppressed_counts
from outcomes import actions
from outcomes.models import KEY_COLUMNS, NUMBER_COLUMNS, Area, Indicator
from outcomes.selectors import HARROW_CODE, indicator_data

from .. import pages
from ..indicator_page import area_choices, build


def _data(request: HttpRequest, code: str, area_code: str):
    try:
        data = indicator_data(code, area_code)
    except (Indicator.DoesNotExist, Area.DoesNotExist) as exc:
        raise Http404("No such indicator or area.") from exc
    if data.area.level == "practice":
        membership = data.area.memberships.filter(end__isnull=True).first()
        if membership is None or not can_see_practices_of(request.user, membership.pcn_id):
            raise PermissionDenied
    return data


@require(can_view)
def indicator_detail(request: HttpRequest, code: str, area_code: str = HARROW_CODE) -> HttpResponse:
    if request.GET.get("area") and request.GET["area"] != area_code:  # the area switcher, without JavaScript
        return redirect("dashboards:indicator_area", code=code, area_code=request.GET["area"])
    data = _data(request, code, area_code)
    today, unsuppressed = timezone.localdate(), sees_unsuppressed_counts(request.user)
    page = pages.indicator(code, area_code, today, unsuppressed, data=data)
    return render(
        request,
        "dashboards/indicator.html",
        {
            "page": page,
            "indicator": data.indicator,
            "area": data.area,
            "areas": area_choices(data),
            "can_comment": can_write_commentary(request.user),
            "periods": _periods(data),
            "commentary": data.commentary,
        },
    )


@require(can_view)
def indicator_csv(request: HttpRequest, code: str, area_code: str = HARROW_CODE) -> HttpResponse:
    """Exactly the numbers the page shows (counts under disclosure control unless the user is an analyst)."""
    data = _data(request, code, area_code)
    page = build(data, as_of=timezone.localdate(), unsuppressed=sees_unsuppressed_counts(request.user))
    export = page.export
    wanted = ["section", "area", *KEY_COLUMNS[2:], *NUMBER_COLUMNS, "suppressed"]
    columns = [c for c in wanted if c in export.columns]
    if not sees_unsuppressed_counts(request.user) and data.area.level != "borough":
        from outcomes.disclosure import apply_disclosure_control

        export = apply_disclosure_control(export)
    response = HttpResponse(export[columns].to_csv(index=False), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}-{area_code}.csv"'
    return response


@require(can_write_commentary)
@require_POST
def add_commentary(request: HttpRequest, code: str, area_code: str = HARROW_CODE) -> HttpResponse:
    data = _data(request, code, area_code)
    text = request.POST.get("text", "")
    error = ""
    try:
        period_end = dt.date.fromisoformat(request.POST.get("period_end", ""))
        actions.write_commentary(
            indicator=data.indicator, area=data.area, period_end=period_end, text=text, author=request.user
        )
    except ValueError as exc:
        error = str(exc) if "blank" in str(exc) else "Choose the period the commentary is about."
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


def _periods(data) -> list:
    return sorted(set(data.series["period_end"]), reverse=True)[:24] if not data.series.empty else []
