"""Deterministic demo governance records (labelled "(demo)"): leads, milestones, reports, risks, commentary, insight.

The names are invented staff, never patients. Dates are laid out back from a given month so the pages show a
realistic picture whenever the demo is run: a year of reports with a few workstreams yet to report this month,
milestones done, due and late, and risks whose scores moved at recent JMBs (two with reviews overdue).
The three meta-risks (subsidiarity, finances, resources) are the plan's own; their scores are demo values.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from outcomes import actions as outcome_actions
from outcomes.models import Area, Observation
from outcomes.selectors import HARROW_CODE, outcome_indicators

from . import actions
from .models import CommunityInsight, InsightTheme, Milestone, Partner, Person, Risk, StatusReport, Workstream

PEOPLE = [
    # name, job title, partner code
    ("Priya Shah (demo)", "Director of Integration", "ics-borough-team"),
    ("Dr Sam Okafor (demo)", "Clinical Director", "harrow-health"),
    ("Helen Marsh (demo)", "Programme Manager", "ics-borough-team"),
    ("Tom Adeyemi (demo)", "Head of Adult Social Care Commissioning", "harrow-council"),
    ("Dr Leila Haddad (demo)", "Consultant Geriatrician", "lnwuht"),
    ("Grace Lin (demo)", "Community Development Lead", "voluntary-action-harrow"),
]
#: workstream code -> (SRO, management lead, clinical lead). Every other workstream whose SRO the plan leaves
#: "To be confirmed" gets a demo SRO named for its lead partner ("Demo SRO (Harrow Council)"), so the demo shows a
#: complete register; fixtures/workstreams.toml stays the plan's truth.
LEADS = {
    "community-champions": ("Priya Shah (demo)", "Grace Lin (demo)", None),
    "long-term-conditions": ("Priya Shah (demo)", "Helen Marsh (demo)", "Dr Sam Okafor (demo)"),
    "frailty": ("Priya Shah (demo)", "Helen Marsh (demo)", "Dr Leila Haddad (demo)"),
    "neighbourhood-teams": ("Tom Adeyemi (demo)", "Helen Marsh (demo)", "Dr Sam Okafor (demo)"),
    "core20plus5": ("Dr Sam Okafor (demo)", "Helen Marsh (demo)", None),
    "workforce": ("Tom Adeyemi (demo)", None, None),
}
#: The demo login that is an SRO (a board member who reports on their own workstreams).
SRO_LOGIN = ("sro", "Priya Shah (demo)")
#: The demo login that writes the reports of workstreams whose SRO has no login, the commentary and the insight.
ANALYST_LOGIN = "analyst"

#: Commentary on each outcome measure's latest period (in plan order, cycled), as the analysts would write it.
COMMENTARY = [
    "The latest month sits within the expected range; the community champions' outreach is now reaching the "
    "two wards with the lowest uptake, so we expect the next quarter to show whether it moves. (demo)",
    "Still above the NWL average. The integrated diabetes teams started in three PCNs this quarter; their effect "
    "on the care processes should show from the next extract. (demo)",
    "A run of months below the mean: the frailty service's falls pathway began in the spring. Not yet a "
    "significant change; the JMB will review again at the end of the quarter. (demo)",
    "Variation is common-cause. Neighbourhood teams are recruiting; the measure is not expected to move before "
    "they are fully staffed. (demo)",
    "The survey wave was smaller than usual, so the interval is wide; the direction is in line with the target "
    "trajectory. (demo)",
]

#: Recent community conversations (days before today, source, what we heard, what we did or "").
INSIGHT = [
    (
        12,
        "Harrow Citizen Forum (demo)",
        "People find it hard to get a same-day GP appointment by phone.",
        "The PCNs published their online booking options in the community newsletters.",
    ),
    (26, "Outreach in Wealdstone (demo)", "Carers did not know they could ask for a carer's assessment.", ""),
    (
        45,
        "Youth panel (demo)",
        "Young people want mental health support outside school hours.",
        "Shared with the children and young people workstream for its next plan.",
    ),
]

RISKS = [
    # title, description, workstream code or None, owner, (L, I) history oldest first, target (L, I), mitigations
    (
        "Subsidiarity: decisions drift from the borough to the ICS",
        "If decision-making and budgets are held at ICS level rather than delegated to the borough, the partnership "
        "cannot act on local need, and the JMB's outcomes become hard to influence.",
        None,
        "Priya Shah (demo)",
        [(4, 4), (3, 4), (3, 4)],
        (2, 3),
        "Schemes of delegation agreed with the ICB; the JMB escalates any decision taken above the borough.",
    ),
    (
        "Finances: the transformation budget does not cover the plan",
        "Cost pressures in partner organisations may remove funding for transformation workstreams before their "
        "benefits are realised.",
        None,
        "Tom Adeyemi (demo)",
        [(3, 4), (4, 4), (4, 5)],
        (2, 4),
        "Joint financial plan reviewed quarterly; workstreams prioritised by expected impact on the five outcomes.",
    ),
    (
        "Resources: too little capacity to run the workstreams",
        "Without dedicated programme and analytical capacity, workstreams stall and monthly reporting lapses.",
        None,
        "Helen Marsh (demo)",
        [(4, 3), (4, 3), (3, 3)],
        (2, 3),
        "Shared programme office across partners; SRO roles shared jointly between organisations.",
    ),
    (
        "GP and community nursing vacancies slow neighbourhood teams",
        "Vacancy rates in general practice and community nursing may stop PCNs staffing multidisciplinary teams.",
        "workforce",
        "Tom Adeyemi (demo)",
        [(4, 4), (4, 4)],
        (3, 3),
        "Retention programme; rotational posts across partners; promotion of Harrow as a place to work.",
    ),
    (
        "Data sharing agreements delay WSIC analysis for PCNs",
        "Until every partner signs the data sharing agreement, PCN-level population health analysis cannot start.",
        "data-intelligence",
        "Priya Shah (demo)",
        [(3, 3), (2, 3)],
        (1, 3),
        "Information governance leads meet fortnightly; template agreement from NWL ICS.",
    ),
    (
        "Winter demand pulls staff from diabetes and frailty work",
        "Seasonal pressure on acute and community services may divert clinicians from integrated diabetes and "
        "frailty teams, delaying falls and care-process improvements.",
        "frailty",
        "Dr Leila Haddad (demo)",
        [(3, 4), (4, 4)],
        (3, 3),
        "Protected time for integrated team clinicians agreed with LNWUHT and CLCH.",
    ),
]

REPORT_TEXT = {
    "green": ("Milestones for the month met.", "Continue as planned."),
    "amber": ("Most actions completed; one slipped.", "Recover the slipped action by next month."),
    "red": ("Key action blocked.", "Escalate to the JMB for a decision."),
}


def _pick(*parts: object, modulo: int) -> int:
    return int(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:8], 16) % modulo


def _months_back(month: dt.date, n: int) -> dt.date:
    year, index = divmod(month.year * 12 + month.month - 1 - n, 12)
    return dt.date(year, index + 1, 1)


@transaction.atomic
def load(*, month: dt.date) -> dict[str, int]:
    """Load the demo governance records once; a second run changes nothing and says so."""
    month = month.replace(day=1)
    if Risk.objects.filter(title=RISKS[0][0]).exists():
        return {}
    partners = {p.code: p for p in Partner.objects.all()}
    people = {}
    for name, title, partner in PEOPLE:
        person = actions.person_named(name=name)
        person.job_title, person.partner = title, partners.get(partner)
        person.save()
        people[name] = person
    user = get_user_model().objects.filter(username=SRO_LOGIN[0]).first()
    if user is not None and not Person.objects.filter(user=user).exists():
        people[SRO_LOGIN[1]].user = user
        people[SRO_LOGIN[1]].save()
    workstreams = list(Workstream.objects.filter(is_active=True).prefetch_related("partners"))
    for workstream in workstreams:
        if workstream.code in LEADS:
            sro, manager, clinician = LEADS[workstream.code]
            workstream.sro = people[sro]
            workstream.management_lead = people[manager] if manager else workstream.management_lead
            workstream.clinical_lead = people[clinician] if clinician else workstream.clinical_lead
            workstream.save()
        elif workstream.sro is None or workstream.sro.is_placeholder:
            workstream.sro = _demo_sro(workstream)
            workstream.save()
    User = get_user_model()
    analyst = User.objects.filter(username=ANALYST_LOGIN).first()
    reports = 0
    for index, workstream in enumerate(workstreams):
        for back in range(11, -1, -1):
            if back == 0 and index % 4 == 3:  # a quarter of workstreams have not reported yet this month
                continue
            rag = ("green", "green", "amber", "green", "red", "amber")[_pick(workstream.code, back, modulo=6)]
            achievements, next_steps = REPORT_TEXT[rag]
            StatusReport.objects.create(
                workstream=workstream,
                reported_by=_reporter(workstream, fallback=analyst),
                month=_months_back(month, back),
                rag=rag,
                achievements=f"{achievements} (demo report)",
                next_steps=next_steps,
                escalations="Decision needed on shared funding." if rag == "red" else "",
            )
            reports += 1
        # Milestones: one done on time, one due three months ago (done early for two workstreams in three,
        # otherwise late), one still to come.
        milestones = [
            ("Scope and governance agreed", 9, 0),
            ("First cohort live", 3, -5 if index % 3 else None),
            ("Evaluation to the JMB", -3, None),
        ]
        for title, due_back, done_offset in milestones:
            due = _months_back(month, due_back)
            completed = None if done_offset is None else due + dt.timedelta(days=done_offset)
            Milestone.objects.create(workstream=workstream, title=title, due=due, completed_on=completed)
    by_code = {w.code: w for w in workstreams}
    for title, description, code, owner, history, target, mitigations in RISKS:
        first_l, first_i = history[0]
        opened = _months_back(month, len(history))
        risk = actions.open_risk(
            title=title,
            description=description,
            workstream=by_code.get(code),
            owner=people[owner],
            likelihood=first_l,
            impact=first_i,
            target_likelihood=min(target[0], first_l),
            target_impact=min(target[1], first_i),
            mitigations=mitigations,
            review_date=_months_back(month, len(history) - 1),
            opened_on=opened,
        )
        for step, (likelihood, impact) in enumerate(history[1:], start=1):
            reviewed = _months_back(month, len(history) - step)
            overdue = step == len(history) - 1 and _pick(title, modulo=3) == 0
            next_review = reviewed + dt.timedelta(days=10 if overdue else 45)
            actions.review_risk(
                risk=risk,
                likelihood=likelihood,
                impact=impact,
                next_review=next_review,
                note="Reviewed at the JMB (demo).",
                reviewed_by=None,
                reviewed_on=reviewed,
            )
    notes = _commentary(author=analyst)
    heard = _insight(workstreams, recorded_by=analyst)
    return {"people": len(people), "reports": reports, "risks": len(RISKS), "commentary": notes, "insight": heard}


def _demo_sro(workstream: Workstream) -> Person:
    """A clearly invented SRO named for the workstream's lead partner, e.g. "Demo SRO (Harrow Council)"."""
    partner = next(iter(sorted(workstream.partners.all(), key=lambda p: p.code)), None)
    name = f"Demo SRO ({partner.name if partner else 'Harrow partnership'})"
    person = actions.person_named(name=name)
    if person.partner_id is None and partner is not None:
        person.partner, person.job_title = partner, "Senior Responsible Owner (demo)"
        person.save()
    return person


def _reporter(workstream: Workstream, *, fallback):
    """Who wrote the demo report: the SRO's own login where they have one, else the demo analyst."""
    sro = workstream.sro
    return sro.user if sro is not None and sro.user_id else fallback


def _commentary(*, author) -> int:
    """A note on each outcome measure's latest Harrow period, written as the demo analyst through the action."""
    harrow = Area.objects.filter(code=HARROW_CODE).first()
    if harrow is None:
        return 0
    written = 0
    for index, indicator in enumerate(outcome_indicators()):
        text = COMMENTARY[index % len(COMMENTARY)]
        latest = (
            Observation.objects.filter(indicator=indicator, area=harrow, is_current=True)
            .order_by("-period_end")
            .values_list("period_end", flat=True)
            .first()
        )
        if latest is None:
            continue
        outcome_actions.write_commentary(indicator=indicator, area=harrow, period_end=latest, text=text, author=author)
        written += 1
    return written


def _insight(workstreams: list[Workstream], *, recorded_by) -> int:
    """A few conversations from the last two months, so the insight log is current whenever the demo runs."""
    themes = list(InsightTheme.objects.order_by("code"))
    if not themes:
        return 0
    today = timezone.localdate()
    for index, (days, source, heard, did) in enumerate(INSIGHT):
        actions.record_insight(
            theme=themes[index % len(themes)],
            heard_on=today - dt.timedelta(days=days),
            source=source,
            what_we_heard=heard,
            what_we_did=did,
            status=CommunityInsight.Status.ACTING if did else CommunityInsight.Status.HEARD,
            workstreams=workstreams[index::5][:1],
            recorded_by=recorded_by,
        )
    return len(INSIGHT)
