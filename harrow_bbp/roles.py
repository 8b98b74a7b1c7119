"""The four roles as Django groups, with the model permissions each needs."""

from django.contrib.auth.models import Group, Permission

from .access import ADMIN, ANALYST, BOARD, PCN_LEAD, ROLES

#: Reference data analysts may edit (app_label, model).
ANALYST_EDITABLE = [
    ("outcomes", "indicator"),
    ("outcomes", "target"),
    ("outcomes", "area"),
    ("outcomes", "practicemembership"),
    ("outcomes", "commentary"),
    ("outcomes", "spcrebase"),
    ("outcomes", "extract"),
    ("workstreams", "partner"),
    ("workstreams", "person"),
    ("workstreams", "workstream"),
    ("workstreams", "milestone"),
    ("workstreams", "statusreport"),
    ("workstreams", "risk"),
]


def ensure_role_groups() -> int:
    """Create the role groups (idempotent) and give analysts their permissions. Returns the group count."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    perms = Permission.objects.filter(
        content_type__app_label__in={a for a, _ in ANALYST_EDITABLE},
        content_type__model__in={m for _, m in ANALYST_EDITABLE},
    )
    groups[ANALYST].permissions.set(perms)
    for name in (BOARD, PCN_LEAD, ADMIN):
        groups[name].permissions.clear()
    return len(groups)
