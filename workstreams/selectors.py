"""Reads for the governance pages and the board pack, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, QuerySet

from outcomes.periods import month_start

from .models import (
    CommunityInsight,
    InsightTheme,
    Milestone,
    Partner,
    Risk,
    RiskReview,
    StatusReport,
    Workstream,
)
from .risk_matrix import HeatMap, heat_map


def partner_codes() -> list[str]:
    """The partner organisations' codes: the valid categories of the staff measures' partner breakdown."""
    return list(Partner.objects.values_list("code", flat=True))


@dataclass
class WorkstreamStatus:
    """A workstream's delivery position for a month: that month's report, or the latest before it."""

    workstream: Workstream
    month: dt.date
    latest: StatusReport | None  # newest report for a month up to ``month``
    late_milestones: list[Milestone] = field(default_factory=list)

    @property
    def reported_this_month(self) -> bool:
        return self.latest is not None and self.latest.month == self.month

    @property
    def rag(self) -> str:
        return self.latest.rag if self.latest else "none"


def _workstreams() -> QuerySet[Workstream]:
    return Workstream.objects.filter(is_active=True).select_related(
        "sro", "management_lead", "clinical_lead", "sro__partner"
    )


def workstream_statuses(month: dt.date, *, as_of: dt.date | None = None) -> list[WorkstreamStatus]:
    """Every active workstream with its latest report up to ``month`` (three queries).

    ``as_of`` (default: the last day of the month) bounds which milestones count as late.
    """
    month = month_start(month)
    as_of = as_of or (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    workstreams = list(_workstreams())
    latest: dict[int, StatusReport] = {}
    for report in (
        StatusReport.objects.filter(month__lte=month)
        .select_related("reported_by__person")
        .order_by("workstream_id", "-month", "-created_at", "-pk")
    ):
        latest.setdefault(report.workstream_id, report)
    late: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(completed_on__isnull=True, due__lt=as_of):
        late.setdefault(milestone.workstream_id, []).append(milestone)
    return [WorkstreamStatus(w, month, latest.get(w.pk), late.get(w.pk, [])) for w in workstreams]


def not_reported(month: dt.date) -> list[WorkstreamStatus]:
    return [s for s in workstream_statuses(month) if not s.reported_this_month]


@dataclass
class WorkstreamDetail:
    workstream: Workstream
    reports: list[StatusReport]
    milestones: list[Milestone]
    risks: list[Risk]


def workstream_detail(code: str) -> WorkstreamDetail:
    workstream = (
        _workstreams().prefetch_related("partners", Prefetch("indicators"), Prefetch("insights")).get(code=code)
    )
    reports = list(workstream.reports.select_related("reported_by__person").order_by("-month", "-created_at", "-pk"))
    milestones = list(workstream.milestones.all())
    risks = list(_risks().filter(workstream=workstream))
    return WorkstreamDetail(workstream, reports, milestones, risks)


def _risks() -> QuerySet[Risk]:
    return Risk.objects.select_related("owner", "workstream").annotate(
        score_value=F("likelihood") * F("impact"), target_value=F("target_likelihood") * F("target_impact")
    )


def open_risks() -> list[Risk]:
    """Open risks, highest score first (ties by reference)."""
    return list(_risks().filter(status=Risk.Status.OPEN).order_by("-score_value", "reference"))


def risk_register(*, include_closed: bool = False, workstream: str | None = None) -> list[Risk]:
    risks = _risks()
    if not include_closed:
        risks = risks.filter(status=Risk.Status.OPEN)
    if workstream:
        risks = risks.filter(workstream__code=workstream)
    return list(risks.order_by("status", "-score_value", "reference"))


def top_risks(limit: int = 10) -> list[Risk]:
    return open_risks()[:limit]


def risk_heat_map(risks: list[Risk]) -> HeatMap:
    return heat_map((r.reference, r.likelihood, r.impact) for r in risks)


def overdue_reviews(risks: list[Risk], today: dt.date) -> list[Risk]:
    return [r for r in risks if r.status == Risk.Status.OPEN and r.review_date < today]


def risk_history(risk: Risk) -> list[RiskReview]:
    """Reviews newest first, each with ``change``: its score minus the review before it (None for the first)."""
    reviews = list(risk.reviews.select_related("reviewed_by").order_by("-reviewed_on", "-created_at", "-pk"))
    for newer, older in zip(reviews, [*reviews[1:], None], strict=True):
        newer.change = None if older is None else newer.score - older.score
    return reviews


def insight_log(*, theme: str | None = None, month: dt.date | None = None) -> list[CommunityInsight]:
    insights = CommunityInsight.objects.select_related("theme", "recorded_by").prefetch_related("workstreams")
    if theme:
        insights = insights.filter(theme__code=theme)
    if month:
        month = month_start(month)
        insights = insights.filter(heard_on__year=month.year, heard_on__month=month.month)
    return list(insights.order_by("-heard_on", "theme__name", "pk"))


def active_workstreams() -> list[Workstream]:
    return list(Workstream.objects.filter(is_active=True))


def logic_model_workstreams() -> list[Workstream]:
    """Active workstreams by objective, each with its indicators (two queries)."""
    return list(
        Workstream.objects.filter(is_active=True).prefetch_related("indicators").order_by("objective", "sort_order")
    )


def reporting_workstream(code: str) -> Workstream | None:
    """An active workstream with its SRO (who may report its status), or None."""
    return Workstream.objects.select_related("sro").filter(code=code, is_active=True).first()


def risk_by_reference(reference: str) -> Risk | None:
    return Risk.objects.select_related("owner", "workstream").filter(reference=reference).first()


def insight_themes() -> list[InsightTheme]:
    return list(InsightTheme.objects.all())


def insight_detail(pk: int) -> CommunityInsight | None:
    return CommunityInsight.objects.select_related("theme").filter(pk=pk).first()
