"""Optional single sign-on through OpenID Connect (NHS organisations use Microsoft Entra ID).

Off unless ``OIDC_RP_CLIENT_ID`` is set. The provider's ``groups`` claim (Entra: group object IDs) is mapped to
the tracker's roles by ``OIDC_ROLE_GROUPS``; the roles are set again at every sign-in, so removing someone from
a group in Entra removes the role at their next sign-in. Someone with no mapped group is not signed in: they
would only see 403 pages. A PCN lead's PCN is still set on their profile by an admin.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .access import ROLES

log = logging.getLogger("harrow_bbp.signin")


def roles_from_claims(claims: dict[str, Any]) -> set[str]:
    """The tracker roles the provider's group claim maps to (unknown groups are ignored)."""
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    mapping = settings.OIDC_ROLE_GROUPS
    return {mapping[group] for group in groups if group in mapping and mapping[group] in ROLES}


class RoleMappingBackend(OIDCAuthenticationBackend):
    """Users are matched by the username claim (not by e-mail) and get their roles from the group claim."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any):
        """The code flow; a provider that is down, refuses the code or sends a bad token means no sign-in, not a 500."""
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, jwt.PyJWTError, SuspiciousOperation, KeyError, ValueError) as exc:
            log.warning("Single sign-on failed: %s: %s", type(exc).__name__, exc)
            return None

    def retrieve_matching_jwk(self, token: str):
        """The provider's signing key for this token: the one with the token's ``kid`` (Entra publishes several), or
        the only key when the token names none (the library's own lookup fails then with a KeyError, a 500)."""
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = response.json()["keys"]
        header = jwt.get_unverified_header(token)
        matching = [
            key
            for key in keys
            if key.get("alg", header["alg"]) == header["alg"]
            and ("kid" not in header or key.get("kid") == header["kid"])
        ]
        if len(matching) != 1:
            raise SuspiciousOperation(f"{len(matching)} signing keys match the token's header")
        return jwt.PyJWK(matching[0])

    def username_from(self, claims: dict[str, Any]) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "")[:150]

    def filter_users_by_claims(self, claims: dict[str, Any]):
        username = self.username_from(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username__iexact=username)

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        username, roles = self.username_from(claims), roles_from_claims(claims)
        if not username or not roles:
            log.warning("Single sign-on refused: username=%r has no mapped role (groups claim)", username or None)
            return False
        return True

    def create_user(self, claims: dict[str, Any]):
        user = self.UserModel(username=self.username_from(claims))
        user.set_unusable_password()  # signs in through the provider only
        user.save()
        return self.update_user(user, claims)

    def update_user(self, user, claims: dict[str, Any]):
        user.email = claims.get("email") or user.email
        user.first_name = (claims.get("given_name") or user.first_name)[:150]
        user.last_name = (claims.get("family_name") or user.last_name)[:150]
        user.save()
        roles = roles_from_claims(claims)
        kept = user.groups.exclude(name__in=ROLES)
        user.groups.set([*kept, *Group.objects.filter(name__in=roles)])
        user.__dict__.pop("_harrow_roles", None)
        log.info("Single sign-on: username=%r roles=%s", user.username, ",".join(sorted(roles)))
        return user


def _enabled(view):
    """404 unless single sign-on is configured (the provider's endpoints would be missing otherwise)."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        return view(request, *args, **kwargs)

    return login_not_required(wrapped)


#: ``next`` values that mean "the site" rather than a page asked for (see `SignInView`).
_STARTS = {"/", ""}

sso_start = _enabled(OIDCAuthenticationRequestView.as_view())
sso_callback = _enabled(OIDCAuthenticationCallbackView.as_view())


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    """Django's sign-in page, offering single sign-on when it is configured and saying when it failed.

    Signing in lands on each role's start page (``LOGIN_REDIRECT_URL``: a PCN lead on their PCN). Opening the
    site's address while signed out asks for ``?next=/``; that is where everyone starts, not a page asked for, so
    it is dropped (from the form and from the single sign-on link) and the start page applies.
    """

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()
        return "" if url in _STARTS else url

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.OIDC_ENABLED
        context["sso_label"] = settings.OIDC_LABEL
        context["sso_failed"] = settings.OIDC_ENABLED and self.request.GET.get("sso") == "failed"
        return context
