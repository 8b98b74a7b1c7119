"""The risk register: risks by score with the 5x5 heat map, a risk's history, opening and reviewing risks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from harrow_bbp.access import can_manage_risks, can_review_risk, can_view, require
from harrow_bbp.downloads import requested_format, table_response
from harrow_bbp.params import parse_flag, parse_slug
from harrow_bbp.tabular import Table
from workstreams import actions
from workstreams.forms import RiskForm, RiskReviewForm, apply_errors
from workstreams.models import Risk, Workstream
from workstreams.selectors import (
    active_workstreams,
    open_risks,
    overdue_reviews,
    risk_by_reference,
    risk_heat_map,
    risk_history,
    risk_register,
)

WORKSTREAM_CODE_LENGTH = Workstream._meta.get_field("code").max_length


@require(can_view)
def register(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    include_closed = parse_flag(request.GET.get("closed"), name="closed")
    workstream = parse_slug(request.GET.get("workstream"), name="workstream", max_length=WORKSTREAM_CODE_LENGTH)
    download = requested_format(request)
    risks = risk_register(include_closed=include_closed, workstream=workstream)
    if download:
        return table_response(_register_table(risks), filename=f"risk-register-{today:%Y-%m-%d}", format=download)
    current = open_risks()
    return render(
        request,
        "dashboards/governance/risks.html",
        {
            "risks": risks,
            "heat_map": risk_heat_map(current),
            "overdue": {r.pk for r in overdue_reviews(risks, today)},
            "overdue_count": len(overdue_reviews(current, today)),
            "include_closed": include_closed,
            "workstream": workstream,
            "workstreams": active_workstreams(),
            "today": today,
            "can_manage": can_manage_risks(request.user),
        },
    )


RISK_HEADER = [
    "reference",
    "risk",
    "workstream",
    "owner",
    "likelihood",
    "impact",
    "score",
    "target_score",
    "mitigations",
    "review_date",
    "status",
]


def _register_table(risks) -> Table:
    """The register as the page lists it (the filters applied), one row per risk."""
    rows = (
        [
            r.reference,
            r.title,
            r.workstream.name if r.workstream else "Partnership-wide",
            r.owner.name if r.owner else "",
            r.likelihood,
            r.impact,
            r.score_value,
            r.target_value,
            r.mitigations,
            r.review_date,
            r.get_status_display(),
        ]
        for r in risks
    )
    return Table(RISK_HEADER, rows)


@require(can_manage_risks)
def new_risk(request: HttpRequest) -> HttpResponse:
    form = RiskForm(request.POST or None, initial={"workstream": request.GET.get("workstream")})
    if request.method == "POST" and form.is_valid():
        try:
            risk = actions.open_risk(opened_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("dashboards:risk", reference=risk.reference)
    return render(request, "dashboards/governance/risk_form.html", {"form": form})


def _risk(reference: str) -> Risk:
    risk = risk_by_reference(reference)
    if risk is None:
        raise Http404("No such risk.")
    return risk


@require(can_view)
def risk_detail(request: HttpRequest, reference: str) -> HttpResponse:
    risk = _risk(reference)
    can_review = can_review_risk(request.user, risk)
    form = RiskReviewForm.for_risk(risk) if can_review else None
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        form = RiskReviewForm(request.POST)
        if form.is_valid():
            try:
                actions.review_risk(risk=risk, reviewed_by=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if request.htmx:
                    risk = _risk(reference)
                    form = RiskReviewForm.for_risk(risk)
                else:
                    return redirect(reverse("dashboards:risk", args=[reference]) + "#history")
    template = "dashboards/governance/_risk_review.html" if request.htmx else "dashboards/governance/risk.html"
    return render(
        request,
        template,
        {
            "risk": risk,
            "history": risk_history(risk),
            "form": form,
            "can_review": can_review,
            "today": timezone.localdate(),
        },
    )
