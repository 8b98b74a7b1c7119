"""Admin for the reference data of the measurement core. Observations and extracts are read-only here:
they change only through extracts, so history and provenance stay intact."""

from django.contrib import admin

from audit.history_admin import HistoryAdmin

from .models import (
    Area,
    AreaAlias,
    Commentary,
    CoverageAcceptance,
    Extract,
    Indicator,
    Observation,
    PracticeMembership,
    SpcRebase,
    Target,
)


class MembershipInline(admin.TabularInline):
    model = PracticeMembership
    fk_name = "practice"
    extra = 0


class AliasInline(admin.TabularInline):
    model = AreaAlias
    extra = 0


@admin.register(Area)
class AreaAdmin(HistoryAdmin):
    list_display = ("code", "name", "level", "parent", "ods_status", "is_comparator")
    list_filter = ("level", "ods_status", "is_comparator")
    search_fields = ("code", "name", "short_name", "aliases__alias")
    inlines = [AliasInline, MembershipInline]


@admin.register(AreaAlias)
class AreaAliasAdmin(HistoryAdmin):
    """Former codes (reference data): links and files that carry one reach the area (ADR 0017)."""

    list_display = ("alias", "area", "note")
    search_fields = ("alias", "area__code", "area__name")
    autocomplete_fields = ("area",)


@admin.register(PracticeMembership)
class PracticeMembershipAdmin(HistoryAdmin):
    list_display = ("practice", "pcn", "start", "end")
    list_filter = ("pcn",)
    search_fields = ("practice__code", "practice__name")


class TargetInline(admin.StackedInline):
    model = Target
    fk_name = "indicator"
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ("code", "name", "unit", "polarity", "frequency", "partnership_outcome", "life_stage", "review_date")
    list_filter = ("partnership_outcome", "life_stage", "is_jsna", "is_core20plus5", "is_performance", "frequency")
    search_fields = ("code", "name", "definition")
    inlines = [TargetInline]
    fieldsets = [
        (None, {"fields": ("code", "name", "short_name", "definition", "rationale", "comparison_note")}),
        (
            "Calculation",
            {
                "fields": (
                    "numerator_definition",
                    "denominator_definition",
                    "unit",
                    "unit_label",
                    "multiplier",
                    "decimal_places",
                    "polarity",
                    "interval_method",
                    "is_additive",
                )
            },
        ),
        (
            "Reporting",
            {"fields": ("frequency", "levels", "breakdowns", "source", "source_url", "owner", "review_date")},
        ),
        (
            "Tags",
            {
                "fields": (
                    "partnership_outcome",
                    "life_stage",
                    "is_jsna",
                    "is_core20plus5",
                    "is_performance",
                    "logic_tier",
                    "sort_order",
                )
            },
        ),
    ]


@admin.register(Target)
class TargetAdmin(HistoryAdmin):
    list_display = ("indicator", "kind", "area", "due_date", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(SpcRebase)
class SpcRebaseAdmin(HistoryAdmin):
    list_display = ("indicator", "area", "starts", "reason")
    list_filter = ("indicator",)
    autocomplete_fields = ("indicator", "area")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "area", "period_start", "period_end", "breakdown", "category", "value", "is_current")
    list_filter = ("is_current", "breakdown", "is_derived", "indicator")
    search_fields = ("indicator__code", "area__code")
    list_select_related = ("indicator", "area")


@admin.register(Extract)
class ExtractAdmin(ReadOnlyAdmin):
    list_display = (
        "file_name",
        "format",
        "source",
        "status",
        "uploaded_by",
        "received_at",
        "rows_inserted",
        "rows_superseded",
        "rows_unchanged",
        "error_count",
    )
    list_filter = ("status", "source", "format")


@admin.register(Commentary)
class CommentaryAdmin(HistoryAdmin):
    """Edits are kept in the commentary's history; the author is whoever wrote it, never chosen, never removed."""

    list_display = ("indicator", "area", "period_end", "author", "updated_at")
    list_filter = ("indicator",)
    readonly_fields = ("author", "created_at", "updated_at")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CoverageAcceptance)
class CoverageAcceptanceAdmin(HistoryAdmin):
    """Read-only: an acceptance is made on the extract's page (``actions.accept_coverage``), which derives the
    value it accepts; an edit here would not."""

    list_display = ("indicator", "area", "period_end", "coverage_share", "accepted_by", "accepted_at")
    list_filter = ("indicator",)
    search_fields = ("indicator__code", "area__code", "reason")
    readonly_fields = [f.name for f in CoverageAcceptance._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
