"""Workstreams: the list by objective, a workstream's page, the monthly status report form, who has not reported."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from harrow_bbp.access import can_report_status, can_view, require
from harrow_bbp.downloads import requested_format, table_response
from harrow_bbp.params import parse_month
from harrow_bbp.tabular import Table
from outcomes.periods import month_start
from workstreams import actions
from workstreams.forms import StatusReportForm, apply_errors
from workstreams.models import Workstream
from workstreams.selectors import not_reported, reporting_workstream, workstream_detail, workstream_statuses

from ..logic_model import measure_statuses


def _month(request: HttpRequest) -> dt.date:
    """The ?month=YYYY-MM asked for (400 when malformed or out of range), else this month."""
    return parse_month(request.GET.get("month"), default=month_start(timezone.localdate()))


def _by_objective(statuses):
    labels = dict(Workstream.Objective.choices)
    return [(labels[o], list(items)) for o, items in groupby(statuses, key=lambda s: s.workstream.objective)]


@require(can_view)
def workstream_list(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    download = requested_format(request)
    statuses = workstream_statuses(month)
    if download:
        return table_response(_workstream_table(statuses), filename=f"workstreams-{month:%Y-%m}", format=download)
    return render(
        request,
        "dashboards/governance/workstreams.html",
        {
            "month": month,
            "objectives": _by_objective(statuses),
            "missing": sum(not s.reported_this_month for s in statuses),
        },
    )


WORKSTREAM_HEADER = [
    "objective",
    "workstream",
    "sro",
    "management_lead",
    "clinical_lead",
    "status",
    "last_reported",
    "reported_this_month",
    "late_milestones",
]


def _workstream_table(statuses) -> Table:
    """The workstreams list as the page shows it for the month: leads, latest RAG, when last reported."""

    def name(person) -> str:
        return person.name if person else ""

    rows = (
        [
            s.workstream.objective,
            s.workstream.name,
            name(s.workstream.sro),
            name(s.workstream.management_lead),
            name(s.workstream.clinical_lead),
            s.latest.get_rag_display() if s.latest else "Not reported",
            s.latest.month.strftime("%Y-%m") if s.latest else "",
            s.reported_this_month,
            len(s.late_milestones),
        ]
        for s in statuses
    )
    return Table(WORKSTREAM_HEADER, rows)


@require(can_view)
def workstreams_not_reported(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    return render(
        request,
        "dashboards/governance/not_reported.html",
        {"month": month, "statuses": not_reported(month), "previous": (month - dt.timedelta(days=1)).replace(day=1)},
    )


@require(can_view)
def workstream_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        detail = workstream_detail(code)
    except Workstream.DoesNotExist as exc:
        raise Http404("No such workstream.") from exc
    today = timezone.localdate()
    statuses = measure_statuses(detail.workstream.indicators.all(), today)
    return render(
        request,
        "dashboards/governance/workstream.html",
        {
            "detail": detail,
            "workstream": detail.workstream,
            "today": today,
            "measures": [statuses[i.pk] for i in detail.workstream.indicators.all()],
            "can_report": can_report_status(request.user, detail.workstream),
        },
    )


@require(can_view)
def report_status(request: HttpRequest, code: str) -> HttpResponse:
    workstream = reporting_workstream(code)
    if workstream is None:
        raise Http404("No such workstream.")
    if not can_report_status(request.user, workstream):
        raise PermissionDenied
    form = StatusReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit_status_report(workstream=workstream, reported_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect(reverse("dashboards:workstream", args=[workstream.code]) + "#reports")
    return render(request, "dashboards/governance/report_form.html", {"workstream": workstream, "form": form})
