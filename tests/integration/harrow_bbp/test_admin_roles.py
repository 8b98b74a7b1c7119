"""Who may use the admin, and for what: administrators for everything, analysts for reference data only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from harrow_bbp import access
from harrow_bbp.roles import ANALYST_EDITABLE, ANALYST_VIEWABLE, ensure_role_groups
from outcomes.models import Indicator
from workstreams.models import Risk

from ..admin_post import change_form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["board", "pcnlead", "sro"])
def test_board_and_pcn_leads_cannot_open_the_admin(role_client, username):
    client = role_client(username)
    for url in (reverse("admin:index"), reverse("admin:outcomes_indicator_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login")), url


def test_board_members_cannot_sign_in_to_the_admin(client):
    response = client.post(reverse("admin:login"), {"username": "board", "password": "demo-board-2026"})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_analysts_sign_in_to_the_admin_without_being_staff(client, django_user_model):
    assert not django_user_model.objects.get(username="analyst").is_staff  # not the admin role
    response = client.post(
        reverse("admin:login") + "?next=/admin/", {"username": "analyst", "password": "demo-analyst-2026"}
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_analyst_opens_and_saves_an_indicator(role_client):
    client = role_client("analyst")
    indicator = Indicator.objects.order_by("code").first()
    assert client.get(reverse("admin:outcomes_indicator_changelist")).status_code == 200
    url = reverse("admin:outcomes_indicator_change", args=[indicator.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, change_form_data(page, definition="Revised by the analyst."))
    assert response.status_code == 302
    assert Indicator.objects.get(pk=indicator.pk).definition == "Revised by the analyst."


@pytest.mark.parametrize(
    "url_name", ["auth_user_changelist", "auth_group_changelist", "harrow_bbp_profile_changelist", "auth_user_add"]
)
def test_analysts_cannot_open_users_groups_or_profiles(role_client, url_name):
    assert role_client("analyst").get(reverse(f"admin:{url_name}")).status_code == 403


def test_analysts_read_but_do_not_change_records_with_history(role_client):
    client = role_client("analyst")
    risk = Risk.objects.first()
    url = reverse("admin:workstreams_risk_change", args=[risk.pk])
    assert client.get(url).status_code == 200  # read-only view
    assert client.post(url, {"title": "Changed behind the review history"}).status_code == 403
    assert Risk.objects.get(pk=risk.pk).title == risk.title
    assert client.get(reverse("admin:workstreams_risk_add")).status_code == 403


def test_the_admin_link_shows_for_those_who_may_use_it(role_client):
    admin_link = f'href="{reverse("admin:index")}"'
    assert admin_link in role_client("analyst").get(reverse("dashboards:board")).content.decode()
    assert admin_link in role_client("admin").get(reverse("dashboards:board")).content.decode()
    assert admin_link not in role_client("board").get(reverse("dashboards:board")).content.decode()


def test_role_groups_hold_exactly_their_permissions():
    Group.objects.get(name=access.ANALYST).permissions.clear()
    Group.objects.get(name=access.BOARD).permissions.add(*Group.objects.get(name=access.ANALYST).permissions.all())
    ensure_role_groups()  # as load_reference_data and create_demo_users run it: puts both back
    analyst = {
        f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=access.ANALYST).permissions.all()
    }
    for app, model in ANALYST_EDITABLE:
        assert {f"{app}.{action}_{model}" for action in ("add", "change", "delete", "view")} <= analyst
    for app, model in ANALYST_VIEWABLE:
        assert f"{app}.view_{model}" in analyst and f"{app}.change_{model}" not in analyst
    assert not {p for p in analyst if p.startswith(("auth.", "harrow_bbp."))}
    for role in (access.BOARD, access.PCN_LEAD, access.ADMIN):
        assert not Group.objects.get(name=role).permissions.exists()


def test_can_use_admin(django_user_model):
    users = {u.username: u for u in django_user_model.objects.filter(username__in=["board", "analyst", "admin"])}
    assert access.can_use_admin(users["analyst"]) and access.can_use_admin(users["admin"])
    assert not access.can_use_admin(users["board"])
    users["analyst"].is_active = False
    assert not access.can_use_admin(users["analyst"])
