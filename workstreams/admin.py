from django.contrib import admin

from .models import Milestone, Partner, Person, Risk, StatusReport, Workstream


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "job_title", "partner", "is_placeholder")
    list_filter = ("is_placeholder", "partner")
    search_fields = ("name", "job_title")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Workstream)
class WorkstreamAdmin(admin.ModelAdmin):
    list_display = ("name", "objective", "sro", "management_lead", "clinical_lead", "is_active")
    list_filter = ("objective", "is_active")
    filter_horizontal = ("partners", "indicators")
    inlines = [MilestoneInline]


@admin.register(StatusReport)
class StatusReportAdmin(admin.ModelAdmin):
    """Reports are history: they can be added but never edited or deleted."""

    list_display = ("workstream", "month", "rag", "reported_by", "created_at")
    list_filter = ("rag", "month", "workstream")

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "title",
        "workstream",
        "owner",
        "likelihood",
        "impact",
        "score",
        "review_date",
        "status",
    )
    list_filter = ("status", "workstream")
    search_fields = ("reference", "title")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "workstream", "due", "completed_on")
