"""Every signed-in user can change their own password, under the same rules as everyone's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.world("reference")]

OLD = {"board": "demo-board-2026", "analyst": "demo-analyst-2026", "pcnlead": "demo-pcnlead-2026"}
NEW = "Harrow-outcomes-new-2026!"


@pytest.fixture(autouse=True)
def users():
    """One login per role, with the demo's names and passwords (the PCN lead's PCN is any PCN in the reference data)."""
    from outcomes.models import Area

    factories.UserFactory(username="board", role="board", password=OLD["board"])
    factories.UserFactory(username="analyst", role="analyst", password=OLD["analyst"])
    pcn = Area.objects.filter(level="pcn").order_by("code").first()
    factories.UserFactory(username="pcnlead", role="pcn_lead", pcn=pcn, password=OLD["pcnlead"])


@pytest.mark.parametrize("username", ["board", "analyst", "pcnlead"])
def test_each_role_changes_their_own_password(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))
    board = client.get(reverse("dashboards:board")).content.decode()
    assert f'href="{reverse("password_change")}"' in board  # linked from the header

    page = client.get(reverse("password_change"))
    assert page.status_code == 200 and "Change your password" in page.content.decode()
    response = client.post(
        reverse("password_change"), {"old_password": OLD[username], "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("dashboards:board")).status_code == 200  # still signed in here

    client.logout()
    refused = client.post(reverse("login"), {"username": username, "password": OLD[username]})
    assert refused.status_code == 200 and "did not match" in refused.content.decode()
    signed_in = client.post(reverse("login"), {"username": username, "password": NEW})
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("zxcvqwer", "too short"),
        ("83920174650", "entirely numeric"),
        ("qwertyuiop12", "neighbouring keys"),
    ],
)
def test_weak_new_passwords_are_refused_with_the_reason(board_client, django_user_model, new, reason):
    response = board_client.post(
        reverse("password_change"), {"old_password": OLD["board"], "new_password1": new, "new_password2": new}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and reason in page
    assert new not in page  # the typed password is never echoed back
    assert django_user_model.objects.get(username="board").check_password(OLD["board"])


def test_a_wrong_current_password_changes_nothing(board_client, django_user_model):
    response = board_client.post(
        reverse("password_change"), {"old_password": "not-my-password", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200 and "old password was entered incorrectly" in response.content.decode()
    assert django_user_model.objects.get(username="board").check_password(OLD["board"])


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
