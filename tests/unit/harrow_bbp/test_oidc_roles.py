"""Roles from the provider's group claim (single sign-on)."""

from __future__ import annotations

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
