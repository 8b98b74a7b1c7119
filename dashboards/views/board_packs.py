"""Board packs: the list with the form to generate one, progress, and the stored HTML and PDF as they were."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from harrow_bbp.access import can_generate_board_pack, can_view, require
from harrow_bbp.params import MIN_YEAR

from ..board_pack import actions
from ..board_pack.content import last_complete_month
from ..models import BoardPack
from ..selectors import board_pack_detail, board_packs

LIST_LIMIT = 100


class BoardPackForm(forms.Form):
    month = forms.DateField(
        label="Month",
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="The pack shows the data as they stood at the end of this month; it starts at the last complete "
        "month.",
    )

    def clean_month(self) -> dt.date:
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate().replace(day=1):
            raise forms.ValidationError("Choose this month or an earlier one.")
        if month.year < MIN_YEAR:
            raise forms.ValidationError(f"Choose a month from {MIN_YEAR} on.")
        return month


@require(can_view)
@require_http_methods(["GET", "POST"])
def pack_list(request: HttpRequest) -> HttpResponse:
    may_generate = can_generate_board_pack(request.user)
    if request.method == "POST":
        if not may_generate:
            raise PermissionDenied
        form = BoardPackForm(request.POST)
        if form.is_valid():
            pack = actions.request_board_pack(month=form.cleaned_data["month"], requested_by=request.user)
            return redirect("dashboards:board_pack", pk=pack.pk)
    else:
        form = BoardPackForm(initial={"month": last_complete_month(timezone.localdate())})
    packs = board_packs(LIST_LIMIT)
    current = {}
    for pack in packs:
        if pack.status == BoardPack.Status.READY:
            current.setdefault(pack.month, pack.pk)
    return render(
        request,
        "dashboards/board_pack/list.html",
        {"packs": packs, "form": form if may_generate else None, "current_ids": set(current.values())},
    )


@require(can_view)
def pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pack = board_pack_detail(pk)
    if pack is None:
        raise Http404("No such board pack.")
    template = "dashboards/board_pack/_status.html" if request.htmx else "dashboards/board_pack/detail.html"
    return render(request, template, {"pack": pack})


def _ready(pk: int) -> BoardPack:
    pack = board_pack_detail(pk)
    if pack is None:
        raise Http404("No such board pack.")
    if pack.status != BoardPack.Status.READY:
        raise Http404("This pack is not ready.")
    return pack


@require(can_view)
def pack_html(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored HTML file, byte for byte as it was generated."""
    pack = _ready(pk)
    response = FileResponse(pack.html.open("rb"), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    return response


@require(can_view)
def pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _ready(pk)
    return FileResponse(pack.pdf.open("rb"), content_type="application/pdf", filename=pack.pdf_filename)
