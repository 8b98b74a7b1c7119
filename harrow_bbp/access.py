"""Access rules in one place: the four roles and PCN scoping.

Roles are Django groups. Every view asks this module, never the groups directly, so the rules can be
read and tested in one file:

- ``board``: reads every borough-level page.
- ``analyst``: also uploads, edits reference data, writes commentary, and sees unsuppressed counts.
- ``pcn_lead``: what a board member sees, plus practice-level detail for their own PCN only.
- ``admin``: Django staff; everything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.http import HttpRequest

BOARD = "board"
ANALYST = "analyst"
PCN_LEAD = "pcn_lead"
ADMIN = "admin"
ROLES = (BOARD, ANALYST, PCN_LEAD, ADMIN)
ROLE_DESCRIPTIONS = {
    BOARD: "Board member: reads every borough-level page",
    ANALYST: "Analyst: uploads extracts, edits reference data, writes commentary, sees unsuppressed counts",
    PCN_LEAD: "PCN lead: board view plus practice-level detail for their own PCN",
    ADMIN: "Administrator: Django staff",
}


def roles_of(user: Any) -> frozenset[str]:
    """The roles a user holds (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_harrow_roles", None)
    if cached is not None:
        return cached
    roles = set(user.groups.values_list("name", flat=True)) & set(ROLES)
    if user.is_staff or user.is_superuser:
        roles.add(ADMIN)
    user._harrow_roles = frozenset(roles)
    return user._harrow_roles


def can_view(user: Any) -> bool:
    """Any role may read the borough-level pages."""
    return bool(roles_of(user))


def is_analyst(user: Any) -> bool:
    return bool(roles_of(user) & {ANALYST, ADMIN})


def can_upload(user: Any) -> bool:
    return is_analyst(user)


def can_write_commentary(user: Any) -> bool:
    return is_analyst(user)


def sees_unsuppressed_counts(user: Any) -> bool:
    return is_analyst(user)


def own_pcn_id(user: Any) -> int | None:
    """The PCN (Area id) a PCN lead leads, or None."""
    if PCN_LEAD not in roles_of(user):
        return None
    profile = getattr(user, "profile", None)
    return getattr(profile, "pcn_id", None)


def can_see_practices_of(user: Any, pcn_id: int) -> bool:
    """Practice-level detail: analysts and admins everywhere, PCN leads for their own PCN only."""
    if is_analyst(user):
        return True
    return own_pcn_id(user) == pcn_id


def require(check: Callable[[Any], bool]) -> Callable:
    """View decorator: 403 unless ``check(request.user)`` holds (login is enforced by middleware)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def roles_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the signed-in user's roles and capabilities, for navigation."""
    user = getattr(request, "user", None)
    return {
        "user_roles": sorted(roles_of(user)),
        "user_is_analyst": is_analyst(user),
    }
