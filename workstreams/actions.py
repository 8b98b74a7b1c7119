"""Writes for the governance side: keyword-only, transactional."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outcomes.models import Area, Indicator

from .models import (
    CommunityInsight,
    InsightTheme,
    Partner,
    Person,
    Risk,
    RiskReview,
    StatusReport,
    Workstream,
)

PLACEHOLDER_NAME = "To be confirmed"


@transaction.atomic
def upsert_partner(*, code: str, name: str, kind: str, short_name: str = "", pcn: Area | None = None) -> Partner:
    partner = Partner.objects.filter(code=code).first() or Partner(code=code)
    partner.name, partner.kind, partner.short_name, partner.pcn_area = name, kind, short_name, pcn
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def person_named(*, name: str) -> Person:
    """The person record for a name; "To be confirmed" is the shared placeholder for unnamed roles."""
    person, _ = Person.objects.get_or_create(name=name, defaults={"is_placeholder": name == PLACEHOLDER_NAME})
    return person


@transaction.atomic
def upsert_workstream(
    *,
    code: str,
    name: str,
    objective: int,
    description: str,
    activities: Iterable[str],
    outputs: Iterable[str],
    sro_name: str,
    management_lead_name: str | None,
    clinical_lead_name: str | None,
    partner_codes: Iterable[str],
    indicator_codes: Iterable[str],
    sort_order: int = 0,
    keep_assigned_leads: bool = True,
) -> Workstream:
    """Create or update a workstream from its definition.

    With ``keep_assigned_leads`` an SRO or lead already assigned through the site is not reset to the
    fixture's placeholder: the definition file seeds roles, the board's later edits win.
    """
    workstream = Workstream.objects.filter(code=code).first() or Workstream(code=code)
    workstream.name, workstream.objective, workstream.description = name, objective, description
    workstream.activities = "\n".join(activities)
    workstream.outputs = "\n".join(outputs)
    workstream.sort_order = sort_order
    for attr, person_name in (
        ("sro", sro_name),
        ("management_lead", management_lead_name),
        ("clinical_lead", clinical_lead_name),
    ):
        current = getattr(workstream, attr, None) if getattr(workstream, f"{attr}_id") else None
        fixture_person = person_named(name=person_name) if person_name else None
        if (
            keep_assigned_leads
            and current is not None
            and not current.is_placeholder
            and (fixture_person is None or fixture_person.is_placeholder)
        ):
            continue
        setattr(workstream, attr, fixture_person)
    workstream.full_clean()
    workstream.save()
    partner_codes, indicator_codes = list(partner_codes), list(indicator_codes)
    partners = list(Partner.objects.filter(code__in=partner_codes))
    indicators = list(Indicator.objects.filter(code__in=indicator_codes))
    missing = (set(partner_codes) - {p.code for p in partners}) | (set(indicator_codes) - {i.code for i in indicators})
    if missing:
        raise ValueError(f"Workstream {code} refers to unknown codes: {', '.join(sorted(missing))}")
    workstream.partners.set(partners)
    workstream.indicators.set(indicators)
    return workstream


def _require_text(**fields: str) -> dict[str, str]:
    """Strip each text; a ValidationError naming every blank one, in the form's words."""
    cleaned = {name: (value or "").strip() for name, value in fields.items()}
    blank = {name: "Enter this: it cannot be blank." for name, value in cleaned.items() if not value}
    if blank:
        raise ValidationError(blank)
    return cleaned


def _check_scores(**scores: int) -> None:
    bad = {name: "Choose a score from 1 to 5." for name, value in scores.items() if value not in range(1, 6)}
    if bad:
        raise ValidationError(bad)


@transaction.atomic
def submit_status_report(
    *,
    workstream: Workstream,
    month: dt.date,
    rag: str,
    achievements: str,
    next_steps: str,
    escalations: str = "",
    reported_by: Any,
    today: dt.date | None = None,
) -> StatusReport:
    """Append a month's delivery report. Earlier reports, even for the same month, are kept as history."""
    today = today or timezone.localdate()
    month = month.replace(day=1)
    if month > today.replace(day=1):
        raise ValidationError({"month": "A report cannot be for a month that has not started yet."})
    if rag not in StatusReport.Rag.values:
        raise ValidationError({"rag": "Choose red, amber, green or complete."})
    text = _require_text(achievements=achievements, next_steps=next_steps)
    report = StatusReport(
        workstream=workstream,
        month=month,
        rag=rag,
        achievements=text["achievements"],
        next_steps=text["next_steps"],
        escalations=(escalations or "").strip(),
        reported_by=reported_by,
    )
    report.full_clean()
    report.save()
    return report


def _next_reference() -> str:
    """R-001, R-002, ...: the next free number (two openers at once: the unique reference refuses the second)."""
    references = Risk.objects.filter(reference__regex=r"^R-[0-9]+$").values_list("reference", flat=True)
    numbers = [int(r[2:]) for r in references]
    return f"R-{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def open_risk(
    *,
    title: str,
    description: str,
    owner: Person,
    likelihood: int,
    impact: int,
    target_likelihood: int,
    target_impact: int,
    review_date: dt.date,
    workstream: Workstream | None = None,
    mitigations: str = "",
    opened_by: Any = None,
    opened_on: dt.date | None = None,
    reference: str | None = None,
) -> Risk:
    """Add a risk to the register, with its first scored review as the start of its history."""
    text = _require_text(title=title, description=description)
    _check_scores(
        likelihood=likelihood, impact=impact, target_likelihood=target_likelihood, target_impact=target_impact
    )
    if target_likelihood * target_impact > likelihood * impact:
        raise ValidationError({"target_impact": "The target score cannot be above the current score."})
    opened_on = opened_on or timezone.localdate()
    risk = Risk(
        reference=reference or _next_reference(),
        title=text["title"],
        description=text["description"],
        workstream=workstream,
        owner=owner,
        likelihood=likelihood,
        impact=impact,
        target_likelihood=target_likelihood,
        target_impact=target_impact,
        mitigations=(mitigations or "").strip(),
        review_date=review_date,
        opened_on=opened_on,
    )
    risk.full_clean()
    risk.save()
    RiskReview.objects.create(
        risk=risk,
        reviewed_on=opened_on,
        likelihood=likelihood,
        impact=impact,
        status=risk.status,
        note="Risk opened.",
        next_review=review_date,
        reviewed_by=opened_by,
    )
    return risk


@transaction.atomic
def review_risk(
    *,
    risk: Risk,
    likelihood: int,
    impact: int,
    next_review: dt.date | None,
    note: str,
    reviewed_by: Any,
    mitigations: str | None = None,
    status: str = Risk.Status.OPEN,
    reviewed_on: dt.date | None = None,
) -> RiskReview:
    """Record a review: the risk takes the new score and next review date; the review is kept as history."""
    reviewed_on = reviewed_on or timezone.localdate()
    _check_scores(likelihood=likelihood, impact=impact)
    text = _require_text(note=note)
    if status not in Risk.Status.values:
        raise ValidationError({"status": "Choose open or closed."})
    if status == Risk.Status.OPEN:
        if next_review is None:
            raise ValidationError({"next_review": "An open risk needs a next review date."})
        if next_review <= reviewed_on:
            raise ValidationError({"next_review": "The next review must be after this one."})
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    risk.likelihood, risk.impact, risk.status = likelihood, impact, status
    if next_review is not None:
        risk.review_date = next_review
    if mitigations is not None:
        risk.mitigations = mitigations.strip()
    if risk.target_likelihood * risk.target_impact > likelihood * impact:
        # The risk is now below its target: the target follows it down rather than the score being refused.
        risk.target_likelihood, risk.target_impact = likelihood, impact
    risk.full_clean()
    risk.save()
    return RiskReview.objects.create(
        risk=risk,
        reviewed_on=reviewed_on,
        likelihood=likelihood,
        impact=impact,
        status=status,
        note=text["note"],
        next_review=next_review,
        reviewed_by=reviewed_by,
    )


@transaction.atomic
def upsert_insight_theme(*, code: str, name: str) -> InsightTheme:
    theme = InsightTheme.objects.filter(code=code).first() or InsightTheme(code=code)
    theme.name = name
    theme.full_clean()
    theme.save()
    return theme


@transaction.atomic
def record_insight(
    *,
    theme: InsightTheme,
    heard_on: dt.date,
    source: str,
    what_we_heard: str,
    what_we_did: str = "",
    status: str = CommunityInsight.Status.HEARD,
    workstreams: Iterable[Workstream] = (),
    recorded_by: Any = None,
) -> CommunityInsight:
    """Log what was heard at a community conversation (and, if already known, what was done)."""
    text = _require_text(source=source, what_we_heard=what_we_heard)
    if heard_on > timezone.localdate():
        raise ValidationError({"heard_on": "The conversation cannot be in the future."})
    insight = CommunityInsight(
        theme=theme,
        heard_on=heard_on,
        source=text["source"],
        what_we_heard=text["what_we_heard"],
        what_we_did=(what_we_did or "").strip(),
        status=status,
        recorded_by=recorded_by,
    )
    _check_insight_status(insight)
    insight.full_clean()
    insight.save()
    insight.workstreams.set(list(workstreams))
    return insight


@transaction.atomic
def respond_to_insight(
    *, insight: CommunityInsight, what_we_did: str, status: str, workstreams: Iterable[Workstream] | None = None
) -> CommunityInsight:
    """Record what the partnership did about something it heard ("you said, we did")."""
    insight.what_we_did, insight.status = (what_we_did or "").strip(), status
    _check_insight_status(insight)
    insight.full_clean()
    insight.save()
    if workstreams is not None:
        insight.workstreams.set(list(workstreams))
    return insight


def _check_insight_status(insight: CommunityInsight) -> None:
    if insight.status not in CommunityInsight.Status.values:
        raise ValidationError({"status": "Choose heard, acting or done."})
    if insight.status != CommunityInsight.Status.HEARD and not insight.what_we_did:
        raise ValidationError({"what_we_did": "Say what was done (or is being done) before marking it acting or done."})
