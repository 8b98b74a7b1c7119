"""The logic model page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from harrow_bbp.access import can_view, require

from .. import logic_model


@require(can_view)
def logic_model_page(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/governance/logic_model.html", {"model": logic_model.build(timezone.localdate())})
