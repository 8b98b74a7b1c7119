"""Changes to governance and reference data are kept with who and when, from the product's forms and from loads."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audit.history import change_source
from audit.models import AuditEvent
from harrow_bbp.models import Profile
from outcomes import actions as outcome_actions
from outcomes.models import Area, Commentary, Indicator, Target
from workstreams import actions
from workstreams.models import InsightTheme, Risk, Workstream

pytestmark = pytest.mark.django_db


def events_for(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("pk"))


def test_a_risk_review_on_the_product_form_keeps_the_old_mitigations_and_score_with_the_reviewer(role_client):
    risk = Risk.objects.filter(owner__user__username="sro", status="open").first()
    old_mitigations, old_score = risk.mitigations, (risk.likelihood, risk.impact)
    response = role_client("sro").post(
        reverse("dashboards:risk", args=[risk.reference]),
        {
            "likelihood": 2,
            "impact": 3,
            "mitigations": "A new mitigation plan.",
            "note": "Reduced after new funding.",
            "status": "open",
            "next_review": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
        },
    )
    assert response.status_code == 302
    latest, before = risk.history.order_by("-history_date", "-history_id")[:2]
    assert latest.history_user.username == "sro" and latest.mitigations == "A new mitigation plan."
    assert before.mitigations == old_mitigations and (before.likelihood, before.impact) == old_score
    assert latest.history_change_reason == "web: dashboards:risk"
    event = events_for(risk)[-1]
    assert event.user.username == "sro" and event.action == "changed"
    assert f"mitigations: {old_mitigations or '(blank)'}"[:60] in event.changes
    assert "A new mitigation plan." in event.changes


def test_an_insight_response_keeps_what_was_said_before_with_who_changed_it(role_client):
    insight = actions.record_insight(
        theme=InsightTheme.objects.first(),
        heard_on=dt.date(2026, 11, 2),
        source="Audit forum",
        what_we_heard="Parking at the hub is hard.",
        what_we_did="Asked the council.",
        status="acting",
    )
    url = reverse("dashboards:respond_insight", args=[insight.pk])
    workstream = Workstream.objects.get(code="estates")
    response = role_client("analyst").post(
        url, {"what_we_did": "Twenty spaces added.", "status": "done", "workstreams": [workstream.pk]}
    )
    assert response.status_code == 302
    records = list(insight.history.order_by("history_date", "history_id"))
    assert records[0].what_we_did == "Asked the council."
    assert records[-1].what_we_did == "Twenty spaces added." and records[-1].history_user.username == "analyst"
    changes = "\n".join(e.changes for e in events_for(insight))
    assert "what we did: Asked the council. -> Twenty spaces added." in changes
    assert f"workstreams: added {workstream.name}" in changes


def test_commentary_edits_keep_the_old_text(client, django_user_model):
    admin = django_user_model.objects.get(username="admin")
    commentary = outcome_actions.write_commentary(
        indicator=Indicator.objects.first(),
        area=Area.objects.get(code="E09000015"),
        period_end=dt.date(2026, 9, 30),
        text="First reading.",
        author=django_user_model.objects.get(username="analyst"),
    )
    client.force_login(admin)
    url = reverse("admin:outcomes_commentary_change", args=[commentary.pk])
    data = {
        "indicator": commentary.indicator_id,
        "area": commentary.area_id,
        "period_end": "2026-09-30",
        "text": "Second reading.",
    }
    assert client.post(url, data).status_code == 302
    commentary.refresh_from_db()
    assert commentary.text == "Second reading." and commentary.author.username == "analyst"
    old, new = commentary.history.order_by("history_date", "history_id")
    assert old.text == "First reading." and new.history_user == admin
    assert new.history_change_reason == "web: admin:outcomes_commentary_change"


def test_target_and_indicator_edits_are_recorded(django_user_model):
    target = Target.objects.first()
    before = target.history.count()
    target.interpretation = "The board reads this as a floor."
    target.save()
    assert target.history.count() == before + 1
    assert "interpretation:" in events_for(target)[-1].changes


def test_a_save_that_changes_nothing_adds_no_history():
    area = Area.objects.get(code="E09000015")
    before = area.history.count()
    area.save()
    assert area.history.count() == before


def test_reloading_the_reference_data_adds_no_history_and_the_first_load_names_its_command():
    before = AuditEvent.objects.count()
    call_command("load_reference_data", stdout=StringIO())
    assert AuditEvent.objects.count() == before
    first = Area.objects.get(code="E09000015").history.earliest("history_date")
    assert first.history_change_reason == "command: load_reference_data" and first.history_user is None


def test_a_load_labelled_with_a_source_and_user_is_attributed_to_them(django_user_model):
    analyst = django_user_model.objects.get(username="analyst")
    with change_source("extract 7: epraccur.csv", user=analyst):
        area = outcome_actions.upsert_area(
            code="E84999", name="Audit Practice", level="practice", parent=Area.objects.get(code="U84846")
        )
    record = area.history.get()
    assert record.history_user == analyst and record.history_change_reason == "extract 7: epraccur.csv"


def test_role_changes_are_recorded_from_either_side(django_user_model):
    user = django_user_model.objects.create_user("newlead", password="x-long-password-1")
    user.groups.add(Group.objects.get(name="pcn_lead"))
    Group.objects.get(name="analyst").user_set.add(user)  # from the group's side
    user.is_staff = True
    user.save()
    changes = "\n".join(e.changes for e in events_for(user))
    assert "groups: added pcn_lead" in changes and "groups: added analyst" in changes
    assert "staff status: False -> True" in changes
    profile = Profile.objects.create(user=user)
    profile.pcn = Area.objects.get(code="U84846")
    profile.save()
    assert "pcn:" in events_for(profile)[-1].changes


def test_the_users_history_never_holds_the_password():
    from django.contrib.auth import get_user_model

    history_fields = {f.name for f in get_user_model().history.model._meta.fields}
    assert "password" not in history_fields and "last_login" not in history_fields


def test_observations_have_no_history_table():
    from outcomes.models import Observation

    assert not hasattr(Observation, "history")
    assert Commentary.history.model._meta.db_table == "outcomes_historicalcommentary"


def test_an_ods_file_loaded_by_the_pipeline_is_attributed_to_its_extract_and_uploader(django_user_model):
    from pathlib import Path

    from outcomes.ingest import pipeline

    epcn = Path(__file__).resolve().parents[3] / "fixtures" / "samples" / "epcn_sample.csv"
    analyst = django_user_model.objects.get(username="analyst")
    extract = outcome_actions.receive_extract(
        file_name=epcn.name, content=epcn.read_bytes(), format="auto", source="upload", uploaded_by=analyst
    )
    assert pipeline.run_extract(extract.pk).ok
    record = Area.objects.get(code="Y09876").history.get()
    assert record.history_change_reason == f"extract {extract.pk}: epcn_sample.csv"
    assert record.history_user == analyst


def test_adding_a_role_someone_already_has_records_nothing(django_user_model):
    user = django_user_model.objects.get(username="board")
    before = user.history.count()
    user.groups.add(Group.objects.get(name="board"))
    Group.objects.get(name="board").user_set.add(user)
    assert user.history.count() == before


def test_a_change_to_what_a_role_may_do_is_recorded():
    from django.contrib.auth.models import Permission

    board = Group.objects.get(name="board")
    permission = Permission.objects.get(codename="change_risk")
    board.permissions.add(permission)
    assert f"permissions: added {permission}" in events_for(board)[-1].changes
