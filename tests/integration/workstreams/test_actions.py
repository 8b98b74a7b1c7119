"""Governance writes: reports are appended never overwritten, risks keep a history of scores, insight rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests import factories
from workstreams import actions
from workstreams.models import CommunityInsight, InsightTheme, Risk, RiskReview, StatusReport

pytestmark = [pytest.mark.django_db, pytest.mark.world("empty")]
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def workstream():
    return factories.WorkstreamFactory(code="estates", name="Estates")


@pytest.fixture
def owner():
    return factories.PersonFactory(name="Priya Shah (demo)")


@pytest.fixture
def open_risk(workstream, owner):
    """An open risk with the first review of its history, opened as the product opens risks."""
    risk = actions.open_risk(
        title="Workforce gaps",
        description="Vacancies in the neighbourhood teams.",
        workstream=workstream,
        owner=owner,
        likelihood=4,
        impact=3,
        target_likelihood=2,
        target_impact=2,
        review_date=dt.date(2027, 1, 1),
        opened_on=dt.date(2026, 10, 1),
    )
    assert risk.status == "open"
    return risk


def report(workstream, **overrides):
    values = {
        "workstream": workstream,
        "month": dt.date(2026, 11, 1),
        "rag": "amber",
        "achievements": "Site survey done.",
        "next_steps": "Business case.",
        "reported_by": None,
        "today": TODAY,
    }
    return actions.submit_status_report(**{**values, **overrides})


def test_a_second_report_for_the_month_is_added_and_the_first_kept(workstream):
    earlier = set(
        StatusReport.objects.filter(workstream=workstream, month=dt.date(2026, 11, 1)).values_list("pk", flat=True)
    )
    first = report(workstream, rag="amber")
    second = report(workstream, rag="red", escalations="Need capital.")
    kept = StatusReport.objects.filter(workstream=workstream, month=dt.date(2026, 11, 1)).exclude(pk__in=earlier)
    assert [r.pk for r in kept.order_by("pk")] == [first.pk, second.pk]
    assert set(StatusReport.objects.filter(pk__in=earlier).values_list("pk", flat=True)) == earlier
    assert [r.rag for r in kept.order_by("pk")] == ["amber", "red"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"month": dt.date(2027, 1, 1)}, "month"),
        ({"rag": "purple"}, "rag"),
        ({"achievements": "   "}, "achievements"),
        ({"next_steps": ""}, "next_steps"),
    ],
)
def test_bad_reports_are_refused_naming_the_field_and_nothing_is_written(workstream, overrides, field):
    before = StatusReport.objects.count()
    with pytest.raises(ValidationError) as error:
        report(workstream, **overrides)
    assert field in error.value.message_dict
    assert StatusReport.objects.count() == before


def test_month_is_stored_as_its_first_day(workstream):
    assert report(workstream, month=dt.date(2026, 11, 17)).month == dt.date(2026, 11, 1)


def test_the_database_refuses_a_report_month_that_is_not_a_first_day(workstream):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReport.objects.create(
            workstream=workstream, month=dt.date(2026, 11, 2), rag="green", achievements="a", next_steps="b"
        )


def test_opening_a_risk_numbers_it_and_starts_its_history(owner, workstream):
    risk = actions.open_risk(
        title="Lease expires",
        description="The hub lease may not be renewed.",
        workstream=workstream,
        owner=owner,
        likelihood=3,
        impact=4,
        target_likelihood=2,
        target_impact=3,
        review_date=dt.date(2027, 1, 15),
        opened_on=dt.date(2026, 11, 20),
    )
    numbers = sorted(int(r[2:]) for r in Risk.objects.values_list("reference", flat=True) if r.startswith("R-"))
    assert risk.reference == f"R-{numbers[-1]:03d}"
    assert risk.score == 12 and risk.target_score == 6
    assert [(r.likelihood, r.impact, r.note) for r in risk.reviews.all()] == [(3, 4, "Risk opened.")]


def test_a_review_changes_the_score_and_keeps_the_old_one(open_risk):
    risk = open_risk
    before = risk.reviews.count()
    old_score = risk.score
    actions.review_risk(
        risk=risk,
        likelihood=5,
        impact=5,
        next_review=dt.date(2027, 2, 1),
        note="Worse after the budget round.",
        reviewed_by=None,
        reviewed_on=dt.date(2026, 12, 1),
    )
    risk.refresh_from_db()
    assert risk.score == 25 and risk.review_date == dt.date(2027, 2, 1)
    history = list(risk.reviews.order_by("reviewed_on", "pk"))
    assert len(history) == before + 1
    assert history[-1].score == 25 and history[-2].score == old_score


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"likelihood": 6}, "likelihood"),
        ({"impact": 0}, "impact"),
        ({"note": ""}, "note"),
        ({"next_review": None}, "next_review"),
        ({"next_review": dt.date(2026, 11, 1)}, "next_review"),
    ],
)
def test_bad_reviews_are_refused_and_change_nothing(open_risk, overrides, field):
    risk = open_risk
    reviews, score = RiskReview.objects.count(), risk.score
    values = {
        "risk": risk,
        "likelihood": 2,
        "impact": 2,
        "next_review": dt.date(2027, 1, 1),
        "note": "Reviewed.",
        "reviewed_by": None,
        "reviewed_on": dt.date(2026, 12, 1),
    }
    with pytest.raises(ValidationError) as error:
        actions.review_risk(**{**values, **overrides})
    assert field in error.value.message_dict
    risk.refresh_from_db()
    assert RiskReview.objects.count() == reviews and risk.score == score


def test_closing_a_risk_needs_no_next_review(open_risk):
    risk = open_risk
    actions.review_risk(
        risk=risk, likelihood=1, impact=1, next_review=None, note="Closed.", reviewed_by=None, status="closed"
    )
    risk.refresh_from_db()
    assert risk.status == "closed" and risk.target_score <= risk.score


def test_insight_cannot_be_marked_acting_without_saying_what_was_done():
    theme = InsightTheme.objects.create(code="access", name="Access to appointments")
    with pytest.raises(ValidationError) as error:
        actions.record_insight(
            theme=theme, heard_on=dt.date(2026, 10, 1), source="Forum", what_we_heard="Long waits.", status="acting"
        )
    assert "what_we_did" in error.value.message_dict
    insight = actions.record_insight(
        theme=theme, heard_on=dt.date(2026, 10, 1), source="Forum", what_we_heard="Long waits."
    )
    actions.respond_to_insight(insight=insight, what_we_did="Extra clinics.", status="done")
    insight.refresh_from_db()
    assert insight.status == CommunityInsight.Status.DONE and insight.what_we_did == "Extra clinics."
