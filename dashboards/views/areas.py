"""The PCN page and the JSNA page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from harrow_bbp.access import can_see_practices_of, can_view, require, sees_unsuppressed_counts
from harrow_bbp.params import code_in_path
from outcomes.models import Area
from outcomes.selectors import pcn_data

from .. import jsna_page, pages


@require(can_view)
def pcn_detail(request: HttpRequest, code: str) -> HttpResponse:
    code_in_path(code, max_length=Area._meta.get_field("code").max_length)
    try:
        data = pcn_data(code)
    except Area.DoesNotExist as exc:
        raise Http404("No such PCN.") from exc
    shows, unsuppressed = can_see_practices_of(request.user, data.pcn.pk), sees_unsuppressed_counts(request.user)
    page = pages.pcn(code, shows, unsuppressed, data=data)
    return render(request, "dashboards/pcn.html", {"page": page, "pcn": data.pcn, "pcns": data.pcns})


@require(can_view)
def jsna(request: HttpRequest) -> HttpResponse:
    stages = pages.jsna()
    return render(request, "dashboards/jsna.html", {"stages": stages, "counts": jsna_page.england_counts(stages)})
