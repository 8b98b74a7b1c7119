"""The audit trail and access log in the admin: staff only, searchable, filterable, exported as safe CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from workstreams.models import Risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="admin"))
    return client


@pytest.fixture
def edited_risk(client, django_user_model):
    """A risk whose mitigations an analyst changed to text that a spreadsheet would run as a formula."""
    risk = Risk.objects.filter(status="open").first()
    analyst = django_user_model.objects.get(username="analyst")
    from audit.history import change_source
    from workstreams import actions

    with change_source("test: a review", user=analyst):
        actions.review_risk(
            risk=risk,
            likelihood=risk.likelihood,
            impact=risk.impact,
            next_review=timezone.localdate() + dt.timedelta(days=20),
            note="Checked.",
            mitigations='=HYPERLINK("http://example.invalid")',
            reviewed_by=analyst,
        )
    return risk


def export(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_staff_search_the_trail_and_export_what_they_see(admin_client, edited_risk):
    changelist = reverse("admin:audit_auditevent_changelist")
    response = admin_client.get(changelist, {"q": "HYPERLINK", "model": "workstreams.risk"})
    page = response.content.decode()
    assert response.status_code == 200 and edited_risk.reference in page and "Export CSV" in page
    rows = export(admin_client, reverse("admin:audit_auditevent_export") + "?q=HYPERLINK&model=workstreams.risk")
    header, body = rows[0], rows[1:]
    assert header[:4] == ["at", "user", "action", "model"] and len(body) >= 1
    record = dict(zip(header, body[0], strict=True))
    assert record["user"] == "analyst" and record["object_id"] == str(edited_risk.pk)
    # A cell that would start a formula is prefixed with a quote; this one starts with the field's name.
    assert record["changes"].startswith("mitigations:") and "=HYPERLINK" in record["changes"]


def test_the_export_honours_the_user_and_date_filters(admin_client, edited_risk, django_user_model):
    analyst = django_user_model.objects.get(username="analyst")
    today = timezone.localdate().isoformat()
    url = reverse("admin:audit_auditevent_export") + f"?user__id__exact={analyst.pk}&at__date__gte={today}"
    body = export(admin_client, url)[1:]
    assert body and {row[1] for row in body} == {"analyst"}
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    assert export(admin_client, reverse("admin:audit_auditevent_export") + f"?at__date__gte={future}")[1:] == []


def test_a_bad_date_in_the_filter_is_refused_not_a_500(admin_client):
    response = admin_client.get(reverse("admin:audit_auditevent_changelist"), {"at__date__gte": "31/12/2026"})
    assert response.status_code in (200, 302)
    response = admin_client.get(reverse("admin:audit_auditevent_export"), {"at__date__gte": "31/12/2026"})
    assert response.status_code == 302


def test_access_log_export_makes_formula_cells_safe(admin_client, django_user_model):
    AccessLogEntry.objects.create(
        user=django_user_model.objects.get(username="pcnlead"),
        kind="view",
        url_name="dashboards:pcn",
        path="/pcns/U84846/",
        area_code="=1+cmd|'/C'!A0",
        status_code=200,
    )
    rows = export(admin_client, reverse("admin:audit_accesslogentry_export"))
    assert rows[1][rows[0].index("area_code")] == "'=1+cmd|'/C'!A0"


@pytest.mark.parametrize("username", ["board", "analyst", "pcnlead"])
def test_only_staff_see_the_trail(role_client, username):
    client = role_client(username)
    for name in ("admin:audit_auditevent_changelist", "admin:audit_auditevent_export"):
        response = client.get(reverse(name))
        if username == "analyst":  # in the admin for reference data only (ADR 0013): refused here
            assert response.status_code == 403
        else:
            assert response.status_code == 302 and reverse("admin:login") in response.url


def test_the_trail_cannot_be_edited_or_deleted_even_by_staff(admin_client):
    from audit.models import AuditEvent

    event = AuditEvent.objects.first()
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_record_type_filter_offers_every_audited_model(admin_client):
    page = admin_client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    for label in ("workstreams.risk", "outcomes.commentary", "workstreams.communityinsight", "auth.user"):
        assert f"model={label}" in page
    assert "model=outcomes.observation" not in page
