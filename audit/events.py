"""Index every new history row as an ``AuditEvent``: who, when, what changed (old -> new), and from where."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditAction, AuditEvent

ACTIONS = {"+": AuditAction.CREATED, "~": AuditAction.CHANGED, "-": AuditAction.DELETED}
#: Longest text shown for one value in the trail (the history table keeps the whole value).
VALUE_LENGTH = 200


def record_event(*, history_instance: Any, instance: Any, **_: Any) -> AuditEvent:
    """``post_create_historical_record`` receiver: write the trail's row for one history row."""
    opts = instance._meta
    previous = history_instance.prev_record if history_instance.history_type == "~" else None
    return AuditEvent.objects.create(
        at=history_instance.history_date,
        user_id=history_instance.history_user_id,
        model=opts.label_lower,
        model_name=str(opts.verbose_name),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        action=ACTIONS[history_instance.history_type],
        changes=describe_changes(history_instance, previous, instance) if previous is not None else "",
        source=history_instance.history_change_reason or "",
        history_id=history_instance.history_id,
    )


def describe_changes(new: Any, old: Any, instance: Any) -> str:
    """``field: old -> new`` for each changed field, one per line; many-to-many fields as what was added/removed."""
    lines = []
    for change in new.diff_against(old).changes:
        field = instance._meta.get_field(_field_name(instance, change.field))
        label = str(field.verbose_name)
        if field.many_to_many:
            lines.append(f"{label}: {_m2m_delta(field, change.old, change.new)}")
        else:
            lines.append(f"{label}: {_short(change.old)} -> {_short(change.new)}")
    return "\n".join(lines)


def _field_name(instance: Any, name: str) -> str:
    """History rows name foreign keys by their column (``owner_id``); the model by the field (``owner``)."""
    for field in instance._meta.concrete_fields:
        if field.attname == name:
            return field.name
    return name


def _m2m_delta(field: models.ManyToManyField, old: list[dict], new: list[dict]) -> str:
    target = field.m2m_reverse_field_name()
    before = {row[target] for row in old}
    after = {row[target] for row in new}
    names = field.related_model._default_manager.in_bulk(before ^ after)
    added = ", ".join(sorted(str(names.get(pk, pk)) for pk in after - before))
    removed = ", ".join(sorted(str(names.get(pk, pk)) for pk in before - after))
    parts = (f"added {added}" if added else "", f"removed {removed}" if removed else "")
    return "; ".join(part for part in parts if part)


def _short(value: Any) -> str:
    text = "(blank)" if value in (None, "") else str(value)
    return text if len(text) <= VALUE_LENGTH else text[: VALUE_LENGTH - 1] + "…"
