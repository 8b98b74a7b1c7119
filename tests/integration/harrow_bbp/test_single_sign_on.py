"""Single sign-on through OpenID Connect against a real provider process (oidc-provider-mock, started here).

The provider is a separate server speaking the protocol: the tracker sends the browser to its authorisation
endpoint, exchanges the code at its token endpoint, checks the ID token's signature against its published keys
and reads the user's claims from its userinfo endpoint, all over HTTP. Only the person at the provider's sign-in
form is played by the test (it posts the subject, as someone would type it).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from harrow_bbp import access

pytestmark = pytest.mark.django_db

BOARD_GROUP, ANALYST_GROUP, OTHER_GROUP = "6f1c-board-group-id", "9a2e-analyst-group-id", "0000-unrelated-group"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """An OpenID provider in its own process; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port), "--require-nonce"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/.well-known/openid-configuration", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the OpenID provider did not start")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, provider):
    """The tracker configured from the provider's discovery document, as an admin would from Entra's."""
    discovery = json.load(urllib.request.urlopen(f"{provider}/.well-known/openid-configuration", timeout=5))
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "harrow-tracker"
    settings.OIDC_RP_CLIENT_SECRET = "test-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.OIDC_ROLE_GROUPS = {BOARD_GROUP: access.BOARD, ANALYST_GROUP: access.ANALYST}
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "harrow_bbp.oidc.RoleMappingBackend"]
    return provider


def set_provider_user(provider: str, sub: str, **claims) -> None:
    request = urllib.request.Request(
        f"{provider}/users/{urllib.parse.quote(sub)}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    assert urllib.request.urlopen(request, timeout=5).status == 204


def sign_in_through_provider(client, sub: str, next_path: str = "/jsna/"):
    """Follow the code flow: tracker -> provider's form -> tracker's callback. The callback's response."""
    start = client.get(reverse("oidc_authentication_init"), {"next": next_path})
    assert start.status_code == 302
    authorize = start.url
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorize).query)
    assert query["response_type"] == ["code"] and "nonce" in query and query["code_challenge_method"] == ["S256"]
    try:
        OPENER.open(authorize, data=urllib.parse.urlencode({"sub": sub}).encode(), timeout=5)
        pytest.fail("the provider should redirect back to the tracker")
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302
        back = urllib.parse.urlsplit(redirect.headers["Location"])
    assert back.path == reverse("oidc_authentication_callback")
    return client.get(back.path, dict(urllib.parse.parse_qsl(back.query)))


def test_a_member_of_the_analyst_group_signs_in_as_an_analyst(client, sso, django_user_model):
    set_provider_user(
        sso,
        "entra-oid-1",
        preferred_username="jane.doe@nhs.net",
        email="jane.doe@nhs.net",
        given_name="Jane",
        groups=[ANALYST_GROUP, OTHER_GROUP],
    )
    response = sign_in_through_provider(client, "entra-oid-1")
    assert response.status_code == 302 and response.url == "/jsna/"
    user = django_user_model.objects.get(username="jane.doe@nhs.net")
    assert access.roles_of(user) == {access.ANALYST}
    assert not user.has_usable_password() and user.first_name == "Jane"
    assert client.get(reverse("dashboards:upload")).status_code == 200  # an analyst's page
    assert client.session["_auth_user_id"] == str(user.pk)


def test_roles_follow_the_groups_at_every_sign_in(client, sso, django_user_model):
    set_provider_user(sso, "entra-oid-2", preferred_username="sam@nhs.net", groups=[ANALYST_GROUP])
    assert sign_in_through_provider(client, "entra-oid-2").status_code == 302
    client.logout()
    set_provider_user(sso, "entra-oid-2", preferred_username="sam@nhs.net", groups=[BOARD_GROUP])
    assert sign_in_through_provider(client, "entra-oid-2").status_code == 302
    user = django_user_model.objects.get(username="sam@nhs.net")
    assert set(user.groups.values_list("name", flat=True)) == {access.BOARD}
    assert client.get(reverse("dashboards:upload")).status_code == 403
    assert client.get(reverse("dashboards:board")).status_code == 200


def test_someone_with_no_mapped_group_is_not_signed_in_and_is_told(client, sso, django_user_model):
    set_provider_user(sso, "entra-oid-3", preferred_username="visitor@nhs.net", groups=[OTHER_GROUP])
    response = sign_in_through_provider(client, "entra-oid-3")
    assert response.status_code == 302 and response.url == "/accounts/login/?sso=failed"
    assert "_auth_user_id" not in client.session
    assert not django_user_model.objects.filter(username="visitor@nhs.net").exists()
    page = client.get(response.url).content.decode()
    assert "Single sign-on did not sign you in" in page and "Ask an administrator" in page


def test_a_callback_with_a_forged_code_signs_nobody_in(client, sso):
    start = client.get(reverse("oidc_authentication_init"))
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(start.url).query)["state"][0]
    response = client.get(reverse("oidc_authentication_callback"), {"code": "forged", "state": state})
    assert response.status_code == 302 and response.url == "/accounts/login/?sso=failed"
    assert "_auth_user_id" not in client.session


def test_failed_callbacks_count_against_the_address_only(client, sso, settings):
    """Failures without a username are not pooled into one account-wide count that would lock out everyone."""
    for _ in range(settings.SIGNIN_ACCOUNT_FAILURE_LIMIT + 1):
        start = client.get(reverse("oidc_authentication_init"))
        state = urllib.parse.parse_qs(urllib.parse.urlsplit(start.url).query)["state"][0]
        client.get(reverse("oidc_authentication_callback"), {"code": "forged", "state": state}, REMOTE_ADDR="10.6.0.1")
    set_provider_user(sso, "entra-oid-4", preferred_username="kim@nhs.net", groups=[BOARD_GROUP])
    assert sign_in_through_provider(client, "entra-oid-4").status_code == 302
    assert client.session.get("_auth_user_id")


def test_the_sign_in_page_offers_single_sign_on_only_when_configured(client, sso, settings):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your NHS or council account" in page
    settings.OIDC_ENABLED = False
    assert "Sign in with your NHS or council account" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404


def test_groups_exist_for_every_mapped_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(access.ROLES)


def test_a_pcn_lead_signing_in_from_the_sites_address_lands_on_their_pcn(client, sso, settings, django_user_model):
    """The sign-in page given next=/ (opening the site signed out) sends no next to the provider, so single sign-on
    ends on the start page, which is a PCN lead's own PCN (issue 13.6)."""
    lead_group = "3c4d-pcn-lead-group-id"
    settings.OIDC_ROLE_GROUPS = {**settings.OIDC_ROLE_GROUPS, lead_group: access.PCN_LEAD}
    page = client.get(reverse("login"), {"next": "/"}).content.decode()
    assert f'href="{reverse("oidc_authentication_init")}"' in page  # no "?next=/" carried on
    set_provider_user(sso, "entra-oid-lead", preferred_username="pcnlead", groups=[lead_group])
    response = sign_in_through_provider(client, "entra-oid-lead", next_path="")
    assert response.status_code == 302 and response.url == reverse("dashboards:home")
    own = django_user_model.objects.get(username="pcnlead").profile.pcn
    landing = client.get(response.url)
    assert landing.status_code == 302 and landing.url == reverse("dashboards:pcn", args=[own.code])
