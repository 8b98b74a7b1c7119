"""The audit trail and the access log in the admin: staff only, read-only, searchable, exportable as CSV.

The "Export CSV" button downloads exactly what the list shows: the same filters, date range and search.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html

from .csv_export import csv_response
from .models import AccessLogEntry, AuditEvent


class DateRangeFilter(admin.FieldListFilter):
    """From and to dates (inclusive) on a date-time field, as two date inputs."""

    template = "admin/audit/date_range_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path) -> None:
        self.lookup_from = f"{field_path}__date__gte"
        self.lookup_to = f"{field_path}__date__lte"
        super().__init__(field, request, params, model, model_admin, field_path)
        self.title = f"{self.title} (from, to)"

    def expected_parameters(self) -> list[str]:
        return [self.lookup_from, self.lookup_to]

    def has_output(self) -> bool:
        return True

    def _value(self, name: str) -> str:
        value = self.used_parameters.get(name, "")
        return value[-1] if isinstance(value, list) else value

    def choices(self, changelist) -> Any:
        others = {k: v for k, v in changelist.params.items() if k not in self.expected_parameters()}
        yield {
            "from_name": self.lookup_from,
            "to_name": self.lookup_to,
            "from_value": self._value(self.lookup_from),
            "to_value": self._value(self.lookup_to),
            "others": [(k, item) for k, v in others.items() for item in (v if isinstance(v, list) else [v])],
            "clear_url": changelist.get_query_string(remove=self.expected_parameters()),
        }

    def queryset(self, request: HttpRequest, queryset) -> Any:
        filters = {}
        for name in self.expected_parameters():
            text = self._value(name)
            if text:
                try:
                    filters[name] = dt.date.fromisoformat(text)
                except ValueError as exc:
                    raise IncorrectLookupParameters(f"{text!r} is not a date (YYYY-MM-DD).") from exc
        return queryset.filter(**filters)


class UserFilter(admin.RelatedOnlyFieldListFilter):
    """The users who appear in the list. Always applied: Django drops a filter with fewer than two choices, which
    would silently ignore ``?user__id__exact=`` in an export link."""

    def has_output(self) -> bool:
        return True


class ModelFilter(admin.SimpleListFilter):
    """The kinds of record that have history, by name."""

    title = "record type"
    parameter_name = "model"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        """Every model with history (from the registry, not a scan of the trail)."""
        audited = [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]
        return sorted(((m._meta.label_lower, str(m._meta.verbose_name)) for m in audited), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset) -> Any:
        return queryset.filter(model=self.value()) if self.value() else queryset


class StaffReadOnlyExportAdmin(admin.ModelAdmin):
    """Nothing in the trail is added, changed or deleted by hand; staff may read and export it."""

    export_fields: tuple[str, ...] = ()
    export_name = "export"
    list_select_related = ("user",)
    show_full_result_count = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list:
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_export"
        return [path("export.csv", self.admin_site.admin_view(self.export_view), name=name), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        opts = self.model._meta
        export = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
        query = request.GET.urlencode()
        extra = {"export_url": f"{export}?{query}" if query else export, **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The rows the list shows for these filters and search, every page of them, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(request, "Those filters are not valid; nothing was exported.")
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        rows = changelist.queryset.select_related("user").iterator(chunk_size=2000)
        today = dt.date.today().isoformat()
        return csv_response(
            f"{self.export_name}-{today}.csv",
            self.export_fields,
            ([self.export_value(row, field) for field in self.export_fields] for row in rows),
        )

    @staticmethod
    def export_value(row: Any, field: str) -> Any:
        if field == "user":
            return row.user.get_username() if row.user_id else ""
        value = getattr(row, field)
        return value.isoformat() if isinstance(value, dt.datetime) else value


@admin.register(AuditEvent)
class AuditEventAdmin(StaffReadOnlyExportAdmin):
    list_display = ("at", "user", "action", "model_name", "record_link", "changes_summary", "source")
    list_filter = (ModelFilter, "action", ("at", DateRangeFilter), ("user", UserFilter))
    search_fields = ("object_repr", "object_id", "changes", "source", "user__username")
    date_hierarchy = "at"
    export_name = "audit-trail"
    export_fields = (
        "at",
        "user",
        "action",
        "model",
        "model_name",
        "object_id",
        "object_repr",
        "changes",
        "source",
        "history_id",
    )

    @admin.display(description="record")
    def record_link(self, event: AuditEvent) -> str:
        """A link to the record's own history page in the admin, where the model has one."""
        app_label, model_name = event.model.split(".")
        try:
            url = reverse(f"admin:{app_label}_{model_name}_history", args=[event.object_id])
        except NoReverseMatch:
            return event.object_repr
        return format_html('<a href="{}">{}</a>', url, event.object_repr)

    @admin.display(description="changes")
    def changes_summary(self, event: AuditEvent) -> str:
        return event.changes if len(event.changes) <= 300 else event.changes[:299] + "…"


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(StaffReadOnlyExportAdmin):
    list_display = ("at", "user", "kind", "area_code", "path", "status_code")
    list_filter = ("kind", "url_name", ("at", DateRangeFilter), ("user", UserFilter))
    search_fields = ("path", "area_code", "user__username")
    date_hierarchy = "at"
    export_name = "access-log"
    export_fields = ("at", "user", "kind", "url_name", "path", "area_code", "status_code")
