"""Users are deactivated, never deleted, so the name on every report, review, commentary and pack stays."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction


@transaction.atomic
def deactivate_users(*, users: Iterable[Any], by: Any) -> int:
    """Stop the users signing in (kept in the users' history with who did it). Returns how many were active."""
    users = list(users)
    if any(user.pk == by.pk for user in users):
        raise ValidationError("You cannot deactivate your own login.")
    changed = 0
    for user in users:
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
            changed += 1
    return changed
