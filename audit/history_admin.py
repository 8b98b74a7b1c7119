"""The admin's per-record history pages, read-only.

simple-history's "revert" form saves an old version straight over the record. Reverting would skip the rules the
change form keeps (a risk's score changes only by a review), so history pages only show; changes are made on the
change form, where they are recorded like any other.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("History is read-only: make changes on the record's change form.")
        return super().history_form_view(request, object_id, version_id, extra_context)
