"""History of governance and reference data: django-simple-history, with three project rules (ADR 0012).

- Every history row says where the change came from: a loading command (``change_source``), or the page or admin
  view that made it (``web: admin:workstreams_risk_change``). The user comes from the request (simple-history's
  ``HistoryRequestMiddleware``) or, in a worker, from ``change_source``.
- A save that changes nothing adds no row, so re-running ``load_reference_data`` does not bury real edits.
- A many-to-many change made from the other side (``group.user_set.add(user)``) is recorded on the audited side.

No model imports here: the measurement core imports this module from its models.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from simple_history.models import HistoricalRecords

_source: ContextVar[str] = ContextVar("audit_change_source", default="")
_user: ContextVar[Any] = ContextVar("audit_change_user", default=None)

#: The simple-history change-reason column is 100 characters.
REASON_LENGTH = 100


@contextmanager
def change_source(name: str, *, user: Any = None) -> Iterator[None]:
    """Label every history row written inside the block (e.g. ``"command: load_reference_data"``), and give the
    user it is for when there is no request (an upload processed by a Celery worker)."""
    token, user_token = _source.set(name[:REASON_LENGTH]), _user.set(user)
    try:
        yield
    finally:
        _source.reset(token)
        _user.reset(user_token)


def current_source() -> str:
    return _source.get()


class AuditedHistory(HistoricalRecords):
    """``HistoricalRecords`` that labels its rows with their source and skips saves that change nothing."""

    def get_change_reason_for_object(self, instance: Any, history_type: str, using: Any) -> str:
        reason = super().get_change_reason_for_object(instance, history_type, using)
        if reason:
            return reason
        if current_source():
            return current_source()
        match = getattr(getattr(self.context, "request", None), "resolver_match", None)
        return f"web: {match.view_name}"[:REASON_LENGTH] if match is not None else ""

    def get_history_user(self, instance: Any) -> Any:
        return _user.get() or super().get_history_user(instance)

    def post_save(self, instance: Any, created: bool, using: Any = None, **kwargs: Any) -> None:
        if not created and not kwargs.get("raw", False) and self._unchanged(instance):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def _unchanged(self, instance: Any) -> bool:
        """Whether the instance's recorded fields equal its latest history row (one indexed query)."""
        fields = [f.attname for f in self.fields_included(instance)]
        latest = getattr(instance, self.manager_name).order_by("-history_date", "-history_id").values(*fields).first()
        return latest is not None and all(latest[name] == getattr(instance, name) for name in fields)

    def m2m_changed(self, instance: Any, action: str, attr: str, pk_set: Any, reverse: bool, **kwargs: Any) -> None:
        if action in ("post_add", "post_remove") and not pk_set:
            return  # adding members already there, or removing absent ones: nothing changed
        if not reverse:
            if action == "pre_clear":
                instance._audit_clearing_nothing = not getattr(instance, attr).exists()
            elif action == "post_clear" and getattr(instance, "_audit_clearing_nothing", False):
                del instance._audit_clearing_nothing  # clearing what was already empty: nothing changed
            else:
                super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        # Changed from the other side: ``instance`` is e.g. a Group and ``model`` the audited User.
        model = kwargs["model"]
        if action == "pre_clear":
            instance._audit_cleared = _related_ids(kwargs["sender"], instance, model)
            return
        if action == "post_clear":
            pk_set = getattr(instance, "_audit_cleared", [])
        elif action not in ("post_add", "post_remove"):
            return
        for obj in model._default_manager.filter(pk__in=pk_set or []):
            super().m2m_changed(obj, action, attr, pk_set, False)


def _related_ids(through: Any, instance: Any, model: Any) -> list[Any]:
    """Ids of ``model`` rows linked to ``instance`` through the m2m table ``through``."""
    fks = {f.related_model: f.attname for f in through._meta.fields if f.is_relation}
    own, other = fks.get(type(instance)), fks.get(model)
    if own is None or other is None:
        return []
    return list(through._default_manager.filter(**{own: instance.pk}).values_list(other, flat=True))
