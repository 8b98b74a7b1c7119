"""The PCN page and the JSNA page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from harrow_bbp.access import (
    can_see_practices_of,
    can_view,
    own_pcn_code,
    own_pcn_id,
    require,
    sees_unsuppressed_counts,
)
from harrow_bbp.downloads import requested_format, table_response
from harrow_bbp.params import code_in_path
from harrow_bbp.tabular import Table
from outcomes.models import Area
from outcomes.selectors import pcn_and_its_siblings

from .. import jsna_page, pages


@require(can_view)
def home(request: HttpRequest) -> HttpResponse:
    """Where signing in lands (``LOGIN_REDIRECT_URL``) and the "My PCN" link: a PCN lead's own PCN page; everyone
    else (and a PCN lead whose PCN is not set yet) the board overview."""
    code = own_pcn_code(request.user)
    return redirect("dashboards:pcn", code) if code else redirect("dashboards:board")


@require(can_view)
def pcn_detail(request: HttpRequest, code: str) -> HttpResponse:
    code_in_path(code, max_length=Area._meta.get_field("code").max_length)
    try:
        pcn, pcns = pcn_and_its_siblings(code)
    except Area.DoesNotExist as exc:
        raise Http404("No such PCN.") from exc
    shows, unsuppressed = can_see_practices_of(request.user, pcn.pk), sees_unsuppressed_counts(request.user)
    page = pages.pcn(code, shows, unsuppressed)  # the page's data is read only when it is built
    download = requested_format(request)
    if download:
        if page.practice_export is None:
            raise Http404("No practice table to download.")
        decimals = page.practice_export_decimals  # each row at its indicator's decimals, as the page shows it
        table = Table.from_frame(
            page.practice_export,
            {"numerator": 0, "denominator": 0, "value": decimals, "pcn_value": decimals, "harrow_value": decimals},
        )
        return table_response(table, filename=f"{code}-practices", format=download)
    context = {"page": page, "pcn": pcn, "pcns": pcns, "is_own_pcn": own_pcn_id(request.user) == pcn.pk}
    return render(request, "dashboards/pcn.html", context)


@require(can_view)
def jsna(request: HttpRequest) -> HttpResponse:
    page = pages.jsna()
    download = requested_format(request)
    if download:
        return table_response(page.table(), filename="harrow-jsna-indicators", format=download)
    return render(
        request,
        "dashboards/jsna.html",
        {"page": page, "stages": page.stages, "counts": jsna_page.england_counts(page)},
    )
