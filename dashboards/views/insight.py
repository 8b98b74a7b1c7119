"""Community insight: the "what we heard / what we did" log by theme, the monthly summary, recording insight."""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from harrow_bbp.access import can_record_insight, can_view, require
from harrow_bbp.params import month_in_path, parse_slug
from workstreams import actions
from workstreams.forms import InsightForm, InsightResponseForm, apply_errors
from workstreams.models import CommunityInsight, InsightTheme
from workstreams.selectors import insight_detail, insight_log, insight_themes

THEME_CODE_LENGTH = InsightTheme._meta.get_field("code").max_length


@require(can_view)
def log(request: HttpRequest) -> HttpResponse:
    theme = parse_slug(request.GET.get("theme"), name="theme", max_length=THEME_CODE_LENGTH)
    insights = insight_log(theme=theme)
    months = sorted({i.heard_on.replace(day=1) for i in insight_log()}, reverse=True)
    return render(
        request,
        "dashboards/governance/insight.html",
        {
            "insights": insights,
            "themes": insight_themes(),
            "theme": theme,
            "months": months,
            "can_record": can_record_insight(request.user),
        },
    )


@require(can_view)
def month_summary(request: HttpRequest, year: int, month: int) -> HttpResponse:
    first = month_in_path(year, month)
    insights = insight_log(month=first)
    by_theme = Counter(i.theme.name for i in insights)
    statuses = Counter(i.status for i in insights)
    return render(
        request,
        "dashboards/governance/insight_month.html",
        {
            "month": first,
            "insights": insights,
            "by_theme": sorted(by_theme.items(), key=lambda kv: (-kv[1], kv[0])),
            "acted_on": statuses[CommunityInsight.Status.ACTING] + statuses[CommunityInsight.Status.DONE],
            "done": statuses[CommunityInsight.Status.DONE],
            "workstreams": sorted({w for i in insights for w in i.workstreams.all()}, key=lambda w: w.name),
        },
    )


@require(can_record_insight)
def record(request: HttpRequest) -> HttpResponse:
    form = InsightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_insight(recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("dashboards:insight")
    return render(request, "dashboards/governance/insight_form.html", {"form": form, "insight": None})


@require(can_record_insight)
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    insight = insight_detail(pk)
    if insight is None:
        raise Http404("No such insight.")
    initial = {"what_we_did": insight.what_we_did, "status": insight.status, "workstreams": insight.workstreams.all()}
    form = InsightResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.respond_to_insight(insight=insight, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("dashboards:insight")
    return render(request, "dashboards/governance/insight_form.html", {"form": form, "insight": insight})
