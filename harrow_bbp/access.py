"""Access rules in one place: the four roles and PCN scoping.

Roles are Django groups. Every view asks this module, never the groups directly, so the rules can be
read and tested in one file:

- ``board``: reads every borough-level page.
- ``analyst``: also uploads, edits reference data (in the admin, limited by ``harrow_bbp.roles``), writes
  commentary, and sees unsuppressed counts.
- ``pcn_lead``: what a board member sees, plus practice-level detail for their own PCN only.
- ``admin``: Django staff; everything.

Governance: a workstream's SRO and leads (their ``Person`` record linked to their login) report its monthly
status; a risk's owner reviews it; analysts do both for anyone, record community insight and generate board
packs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

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


def own_pcn_code(user: Any) -> str | None:
    """The code of the PCN a PCN lead leads (their landing page after signing in), or None."""
    if own_pcn_id(user) is None:
        return None
    return user.profile.pcn.code


def can_see_practices_of(user: Any, pcn_id: int) -> bool:
    """Practice-level detail: analysts and admins everywhere, PCN leads for their own PCN only."""
    if is_analyst(user):
        return True
    return own_pcn_id(user) == pcn_id


def can_manage_risks(user: Any) -> bool:
    """Open risks and review any risk (analysts keep the register for the JMB)."""
    return is_analyst(user)


def person_of(user: Any) -> Any:
    """The ``workstreams.Person`` linked to a login, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except ObjectDoesNotExist:  # no person linked to this login
        return None


def leads_workstream(user: Any, workstream: Any) -> bool:
    person = person_of(user)
    return person is not None and person.pk in {
        workstream.sro_id,
        workstream.management_lead_id,
        workstream.clinical_lead_id,
    }


def can_report_status(user: Any, workstream: Any) -> bool:
    """A workstream's SRO or leads, and analysts, record its monthly status."""
    return can_view(user) and (is_analyst(user) or leads_workstream(user, workstream))


def can_report_on_any(user: Any) -> bool:
    """Whether the user may report on at least one workstream (for navigation)."""
    if is_analyst(user):
        return True
    person = person_of(user)
    if person is None or not can_view(user):
        return False
    return person.sro_of.exists() or person.manages.exists() or person.clinically_leads.exists()


def can_review_risk(user: Any, risk: Any) -> bool:
    """Analysts review any risk; a risk's owner reviews their own."""
    if not can_view(user):
        return False
    if is_analyst(user):
        return True
    person = person_of(user)
    return person is not None and person.pk == risk.owner_id


def can_record_insight(user: Any) -> bool:
    return is_analyst(user)


def can_generate_board_pack(user: Any) -> bool:
    return is_analyst(user)


def can_track_indicators(user: Any) -> bool:
    """Start, edit and read draft indicator definitions (from a Fingertips export), and run an extract again."""
    return is_analyst(user)


def can_approve_draft(user: Any, draft: Any) -> bool:
    """A draft definition is approved by a second analyst (not the one who started it) or by an admin."""
    if ADMIN in roles_of(user):
        return True
    return ANALYST in roles_of(user) and user.pk != draft.created_by_id


def can_use_admin(user: Any) -> bool:
    """The Django admin: staff (the admin role), and analysts for the reference data their permissions allow."""
    return bool(getattr(user, "is_active", False) and (user.is_staff or ANALYST in roles_of(user)))


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
        "user_can_use_admin": can_use_admin(user),
    }
