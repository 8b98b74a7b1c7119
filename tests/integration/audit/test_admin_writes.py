"""Admin writes go through the same actions as the product's forms, and users are deactivated, never deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from workstreams.models import Person, Risk, RiskReview, StatusReport, Workstream

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="admin"))
    return client


def risk_form(risk: Risk, **overrides) -> dict:
    data = {
        "reference": risk.reference,
        "title": risk.title,
        "description": risk.description,
        "workstream": risk.workstream_id or "",
        "owner": risk.owner_id,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "target_likelihood": risk.target_likelihood,
        "target_impact": risk.target_impact,
        "mitigations": risk.mitigations,
        "review_date": risk.review_date.isoformat(),
        "status": risk.status,
        "opened_on": risk.opened_on.isoformat(),
        "review_note": "",
    }
    return {**data, **overrides}


def open_risk() -> Risk:
    return Risk.objects.filter(status="open", likelihood__gte=3, impact__gte=3, target_likelihood=1).first() or (
        Risk.objects.filter(status="open", likelihood__gte=3, impact__gte=3).first()
    )


def test_an_admin_score_change_is_a_review_in_the_register_and_the_history(admin_client):
    risk = open_risk()
    reviews = risk.reviews.count()
    next_review = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    url = reverse("admin:workstreams_risk_change", args=[risk.pk])
    new_l, new_i = risk.likelihood - 1, risk.impact - 1
    data = risk_form(
        risk,
        likelihood=new_l,
        impact=new_i,
        target_likelihood=1,
        target_impact=1,
        review_date=next_review,
        review_note="Board agreed the lower score.",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact) == (new_l, new_i)
    review = risk.reviews.order_by("-created_at", "-pk").first()
    assert risk.reviews.count() == reviews + 1
    assert (review.likelihood, review.impact, review.note) == (new_l, new_i, "Board agreed the lower score.")
    assert review.reviewed_by.username == "admin"
    latest = risk.history.order_by("-history_date", "-history_id").first()
    assert (latest.likelihood, latest.impact) == (new_l, new_i) and latest.history_user.username == "admin"


def test_an_admin_score_change_without_a_review_note_is_refused_and_changes_nothing(admin_client):
    risk = open_risk()
    before = (risk.likelihood, risk.impact, risk.reviews.count(), risk.history.count())
    url = reverse("admin:workstreams_risk_change", args=[risk.pk])
    response = admin_client.post(url, risk_form(risk, likelihood=1, target_likelihood=1))
    assert response.status_code == 200 and "Say why the score or status changed" in response.content.decode()
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact, risk.reviews.count(), risk.history.count()) == before


def test_an_admin_edit_of_other_fields_adds_no_review(admin_client):
    risk = open_risk()
    reviews = risk.reviews.count()
    url = reverse("admin:workstreams_risk_change", args=[risk.pk])
    assert admin_client.post(url, risk_form(risk, mitigations="Weekly huddle.")).status_code == 302
    risk.refresh_from_db()
    assert risk.mitigations == "Weekly huddle." and risk.reviews.count() == reviews
    assert risk.history.order_by("-history_date", "-history_id").first().mitigations == "Weekly huddle."


def test_the_review_note_is_asked_for_on_the_change_form_not_the_add_form(admin_client):
    risk = open_risk()
    change = admin_client.get(reverse("admin:workstreams_risk_change", args=[risk.pk])).content.decode()
    add = admin_client.get(reverse("admin:workstreams_risk_add")).content.decode()
    assert 'name="review_note"' in change and 'name="review_note"' not in add
    assert 'name="status"' not in add  # a risk is opened open, as on the product's form


def test_a_risk_added_in_the_admin_starts_its_history_of_scores(admin_client):
    owner = Person.objects.first()
    data = {
        "reference": "R-ADM",
        "title": "Added in the admin",
        "description": "Cause, event, effect.",
        "workstream": "",
        "owner": owner.pk,
        "likelihood": 4,
        "impact": 3,
        "target_likelihood": 2,
        "target_impact": 2,
        "mitigations": "",
        "review_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        "opened_on": timezone.localdate().isoformat(),
    }
    assert admin_client.post(reverse("admin:workstreams_risk_add"), data).status_code == 302
    risk = Risk.objects.get(reference="R-ADM")
    review = RiskReview.objects.get(risk=risk)
    assert (review.likelihood, review.impact, review.reviewed_by.username) == (4, 3, "admin")


def test_risks_cannot_be_deleted_in_the_admin(admin_client):
    risk = open_risk()
    url = reverse("admin:workstreams_risk_delete", args=[risk.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert Risk.objects.filter(pk=risk.pk).exists()


def test_an_admin_cannot_attribute_a_status_report_to_someone_else(admin_client, django_user_model):
    sro = django_user_model.objects.get(username="sro")
    workstream = Workstream.objects.get(code="estates")
    month = timezone.localdate().replace(day=1)
    data = {
        "workstream": workstream.pk,
        "month": month.isoformat(),
        "rag": "green",
        "achievements": "Added in the admin.",
        "next_steps": "More.",
        "escalations": "",
        "reported_by": sro.pk,  # ignored: the field is not on the form
    }
    page = admin_client.get(reverse("admin:workstreams_statusreport_add")).content.decode()
    assert 'name="reported_by"' not in page
    assert admin_client.post(reverse("admin:workstreams_statusreport_add"), data).status_code == 302
    report = StatusReport.objects.get(achievements="Added in the admin.")
    assert report.reported_by.username == "admin"
    assert report.history.get().history_user.username == "admin"


def test_an_admin_status_report_for_a_future_month_is_refused(admin_client):
    month = (timezone.localdate().replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    data = {
        "workstream": Workstream.objects.get(code="estates").pk,
        "month": month.isoformat(),
        "rag": "green",
        "achievements": "Too early.",
        "next_steps": "x",
    }
    response = admin_client.post(reverse("admin:workstreams_statusreport_add"), data)
    assert response.status_code == 200 and "has not started yet" in response.content.decode()
    assert not StatusReport.objects.filter(achievements="Too early.").exists()


def test_users_cannot_be_deleted_and_deactivation_keeps_authorship(admin_client, django_user_model):
    analyst = django_user_model.objects.get(username="analyst")
    report = StatusReport.objects.create(
        workstream=Workstream.objects.get(code="estates"),
        month=dt.date(2026, 10, 1),
        rag="green",
        achievements="Kept.",
        next_steps="x",
        reported_by=analyst,
    )
    delete_url = reverse("admin:auth_user_delete", args=[analyst.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:auth_user_changelist")
    response = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [analyst.pk]})
    assert django_user_model.objects.filter(pk=analyst.pk).exists()
    response = admin_client.post(changelist, {"action": "deactivate", "_selected_action": [analyst.pk]})
    assert response.status_code == 302
    analyst.refresh_from_db()
    report.refresh_from_db()
    assert not analyst.is_active and report.reported_by == analyst
    record = analyst.history.order_by("-history_date", "-history_id").first()
    assert record.is_active is False and record.history_user.username == "admin"


def test_an_admin_cannot_deactivate_their_own_login(admin_client, django_user_model):
    admin = django_user_model.objects.get(username="admin")
    changelist = reverse("admin:auth_user_changelist")
    admin_client.post(changelist, {"action": "deactivate", "_selected_action": [admin.pk]})
    admin.refresh_from_db()
    assert admin.is_active


def test_even_a_shell_delete_cannot_blank_authorship(django_user_model):
    from outcomes import actions
    from outcomes.models import Area, Indicator

    author = django_user_model.objects.create_user("writer", password="x-long-password-1")
    commentary = actions.write_commentary(
        indicator=Indicator.objects.first(),
        area=Area.objects.get(code="E09000015"),
        period_end=dt.date(2026, 9, 30),
        text="Mine.",
        author=author,
    )
    with pytest.raises(ProtectedError):
        author.delete()
    commentary.refresh_from_db()
    assert commentary.author == author


def test_a_role_change_in_the_admin_is_in_the_users_history(admin_client, django_user_model):
    from django.contrib.auth.models import Group

    from audit.models import AuditEvent

    board = django_user_model.objects.get(username="board")
    url = reverse("admin:auth_user_change", args=[board.pk])
    data = {
        "username": "board",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "groups": [Group.objects.get(name="analyst").pk],
        "date_joined_0": board.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": board.date_joined.strftime("%H:%M:%S"),
    }
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    events = AuditEvent.objects.filter(model="auth.user", object_id=str(board.pk), pk__gt=last)
    text = "\n".join(events.values_list("changes", flat=True))
    assert "groups: added analyst" in text and "removed board" in text
    assert {e.user.username for e in events} == {"admin"}


def test_history_pages_show_but_never_revert(admin_client):
    """simple-history's revert form would save an old score over the register without a review."""
    risk = open_risk()
    version = risk.history.order_by("history_date", "history_id").first()
    assert admin_client.get(reverse("admin:workstreams_risk_history", args=[risk.pk])).status_code == 200
    url = reverse("admin:workstreams_risk_simple_history", args=[risk.pk, version.history_id])
    assert admin_client.get(url).status_code == 200
    before = (risk.likelihood, risk.impact, risk.reviews.count())
    assert admin_client.post(url, risk_form(risk, likelihood=1, target_likelihood=1)).status_code == 403
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact, risk.reviews.count()) == before


def test_users_history_page_lists_role_changes(admin_client, django_user_model):
    from django.contrib.auth.models import Group

    board = django_user_model.objects.get(username="board")
    board.groups.add(Group.objects.get(name="analyst"))
    response = admin_client.get(reverse("admin:auth_user_history", args=[board.pk]))
    assert response.status_code == 200
