"""Single sign-on without a provider: roles from the group claim, and the choice of the provider's signing key."""

from __future__ import annotations

import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from harrow_bbp import oidc
from harrow_bbp.access import ANALYST, BOARD
from harrow_bbp.oidc import roles_from_claims


def test_groups_map_to_roles_and_unknown_ones_are_ignored(settings):
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_ROLE_GROUPS = {"g-board": BOARD, "g-analyst": ANALYST, "g-typo": "superuser"}
    assert roles_from_claims({"groups": ["g-board", "g-analyst", "g-other"]}) == {BOARD, ANALYST}
    assert roles_from_claims({"groups": "g-board"}) == {BOARD}  # a single value
    assert roles_from_claims({"groups": ["g-typo"]}) == set()  # only the tracker's roles
    assert roles_from_claims({}) == set()


def test_the_group_claim_name_is_a_setting(settings):
    settings.OIDC_GROUPS_CLAIM = "roles"
    settings.OIDC_ROLE_GROUPS = {"Tracker.Board": BOARD}
    assert roles_from_claims({"roles": ["Tracker.Board"], "groups": ["x"]}) == {BOARD}


@pytest.fixture(scope="module")
def keys() -> dict[str, rsa.RSAPrivateKey]:
    """Two signing keys, as Entra publishes several."""
    return {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in ("k1", "k2")}


def published(keys: dict[str, rsa.RSAPrivateKey]) -> dict:
    return {
        "keys": [
            {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "RS256"}
            for kid, key in keys.items()
        ]
    }


def token(keys, kid: str | None, signer: str) -> str:
    return jwt.encode({"sub": "x"}, keys[signer], algorithm="RS256", headers={"kid": kid} if kid else {})


def backend_seeing(monkeypatch, jwks: dict) -> oidc.RoleMappingBackend:
    """The backend with the provider's JWKS endpoint answering ``jwks``."""

    class Response:
        def raise_for_status(self) -> None:
            pass

        def json(self) -> dict:
            return jwks

    monkeypatch.setattr(oidc.requests, "get", lambda *args, **kwargs: Response())
    backend = oidc.RoleMappingBackend.__new__(oidc.RoleMappingBackend)  # no provider settings needed here
    backend.OIDC_OP_JWKS_ENDPOINT = "https://provider.example/jwks"
    return backend


def test_the_signing_key_is_chosen_by_the_tokens_kid(monkeypatch, keys):
    backend = backend_seeing(monkeypatch, published(keys))
    good = token(keys, "k2", signer="k2")
    assert jwt.decode(good, backend.retrieve_matching_jwk(good).key, algorithms=["RS256"])["sub"] == "x"
    forged = token(keys, "k1", signer="k2")  # names one key, signed with the other
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, backend.retrieve_matching_jwk(forged).key, algorithms=["RS256"])


def test_a_token_without_kid_needs_exactly_one_published_key(monkeypatch, keys):
    with pytest.raises(SuspiciousOperation):  # two keys: the backend does not guess
        backend_seeing(monkeypatch, published(keys)).retrieve_matching_jwk(token(keys, None, signer="k1"))
    one = {"keys": published(keys)["keys"][:1]}
    assert backend_seeing(monkeypatch, one).retrieve_matching_jwk(token(keys, None, signer="k1")).key_id == "k1"
