"""The four roles as Django groups, with the model permissions each needs.

Analysts use the Django admin for reference data (``harrow_bbp.admin_site`` lets the analyst role in without
being staff); what they may do there is exactly the permissions below, so users, groups and profiles stay with
administrators. Everything that keeps a history (extracts and observations, status reports, risks and their
reviews, board packs) is view-only: those change through the product's own forms and commands.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .access import ADMIN, ANALYST, BOARD, PCN_LEAD, ROLES

#: Reference data analysts add, change and delete in the admin (app_label, model).
ANALYST_EDITABLE = [
    ("outcomes", "indicator"),
    ("outcomes", "target"),
    ("outcomes", "area"),
    ("outcomes", "areaalias"),
    ("outcomes", "practicemembership"),
    ("outcomes", "commentary"),
    ("outcomes", "spcrebase"),
    ("workstreams", "partner"),
    ("workstreams", "person"),
    ("workstreams", "workstream"),
    ("workstreams", "milestone"),
]
#: Records analysts may read in the admin but change only through the product (their history must stay whole).
ANALYST_VIEWABLE = [
    ("outcomes", "extract"),
    ("outcomes", "observation"),
    ("workstreams", "statusreport"),
    ("workstreams", "risk"),
    ("dashboards", "boardpack"),
]


def _permissions(models: list[tuple[str, str]], *, view_only: bool = False) -> list[Permission]:
    match = reduce(or_, (Q(content_type__app_label=app, content_type__model=model) for app, model in models))
    perms = Permission.objects.filter(match).select_related("content_type")
    return [p for p in perms if not view_only or p.codename == f"view_{p.content_type.model}"]


def analyst_permissions() -> list[Permission]:
    return _permissions(ANALYST_EDITABLE) + _permissions(ANALYST_VIEWABLE, view_only=True)


def ensure_role_groups() -> int:
    """Create the role groups (idempotent) and set each group's permissions exactly. Returns the group count."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}
    groups[ANALYST].permissions.set(analyst_permissions())
    for name in (BOARD, PCN_LEAD, ADMIN):
        groups[name].permissions.clear()
    return len(groups)
