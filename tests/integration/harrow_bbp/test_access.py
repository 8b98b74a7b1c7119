"""Every page needs a login; roles are enforced in harrow_bbp.access."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from harrow_bbp import access

pytestmark = pytest.mark.django_db

PUBLIC = {"login"}


def all_named_paths(resolver=None, prefix="", namespace=""):
    """Every named URL without arguments, plus one concrete path for each parametrised one."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_named_paths(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", "/" + prefix + str(entry.pattern)


def project_paths():
    for name, pattern in all_named_paths():
        if name.split(":")[-1] in PUBLIC or name.startswith("admin:"):
            continue
        if "<" in pattern or "(?P" in pattern:
            continue
        yield name


@pytest.mark.parametrize("name", [*project_paths(), "admin:index"])
def test_anonymous_users_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith((reverse("login"), reverse("admin:login")))


def test_every_project_url_is_covered_by_the_anonymous_test():
    names = set(project_paths())
    assert "dashboards:board" in names


def test_a_signed_in_user_without_a_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("norole", password="x-long-password-1"))
    assert client.get(reverse("dashboards:board")).status_code == 403


@pytest.mark.parametrize("username", ["board", "analyst", "pcnlead", "admin"])
def test_each_role_can_read_the_board_overview(role_client, username):
    assert role_client(username).get(reverse("dashboards:board")).status_code == 200


def test_roles_and_pcn_scope(django_user_model):
    names = ["board", "analyst", "pcnlead", "admin"]
    users = {u.username: u for u in django_user_model.objects.filter(username__in=names)}
    assert access.roles_of(users["board"]) == {access.BOARD}
    assert access.is_analyst(users["analyst"]) and not access.is_analyst(users["board"])
    assert access.sees_unsuppressed_counts(users["analyst"]) and not access.sees_unsuppressed_counts(users["pcnlead"])
    own = access.own_pcn_id(users["pcnlead"])
    assert own is not None and access.can_see_practices_of(users["pcnlead"], own)
    assert not access.can_see_practices_of(users["pcnlead"], own + 1)
    assert not access.can_see_practices_of(users["board"], own)
    assert access.ADMIN in access.roles_of(users["admin"]) and access.can_upload(users["admin"])


def test_login_page_is_public_and_signs_in(client):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "board", "password": "demo-board-2026"})
    assert response.status_code == 302 and response.url == reverse("dashboards:board")


@pytest.mark.parametrize(
    "model",
    [
        "outcomes.area",
        "outcomes.indicator",
        "outcomes.target",
        "outcomes.observation",
        "outcomes.extract",
        "outcomes.commentary",
        "outcomes.practicemembership",
        "workstreams.partner",
        "workstreams.person",
        "workstreams.workstream",
        "workstreams.milestone",
        "workstreams.statusreport",
        "workstreams.risk",
    ],
)
def test_admin_lists_every_model_for_staff(role_client, model):
    app_label, model_name = model.split(".")
    response = role_client("admin").get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
