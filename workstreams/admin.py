"""Admin for governance data. Every change is kept in history (django-simple-history, ADR 0012).

Writes that the product makes through ``actions`` go through the same actions here, so the admin cannot do what
the forms cannot: a risk's score changes only by a review (kept in the register's history of scores), a risk is
opened with its first review, and a status report is appended in the name of whoever submits it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from audit.history_admin import HistoryAdmin

from . import actions
from .models import Milestone, Partner, Person, Risk, StatusReport, Workstream

#: Risk fields that change only by a review (as on the risk's review form).
REVIEWED_FIELDS = ("likelihood", "impact", "status")


@admin.register(Partner)
class PartnerAdmin(HistoryAdmin):
    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ("name", "job_title", "partner", "is_placeholder")
    list_filter = ("is_placeholder", "partner")
    search_fields = ("name", "job_title")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Workstream)
class WorkstreamAdmin(HistoryAdmin):
    list_display = ("name", "objective", "sro", "management_lead", "clinical_lead", "is_active")
    list_filter = ("objective", "is_active")
    filter_horizontal = ("partners", "indicators")
    inlines = [MilestoneInline]


class StatusReportAdminForm(forms.ModelForm):
    class Meta:
        model = StatusReport
        fields = ("workstream", "month", "rag", "achievements", "next_steps", "escalations")

    def clean_month(self) -> Any:
        month = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate().replace(day=1):
            raise forms.ValidationError("A report cannot be for a month that has not started yet.")
        return month


@admin.register(StatusReport)
class StatusReportAdmin(HistoryAdmin):
    """Reports are history: they can be added (by whoever is signed in) but never edited or deleted."""

    form = StatusReportAdminForm
    list_display = ("workstream", "month", "rag", "reported_by", "created_at")
    list_filter = ("rag", "month", "workstream")
    readonly_fields = ("reported_by", "created_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: StatusReport, form: forms.ModelForm, change: bool) -> None:
        report = actions.submit_status_report(
            workstream=obj.workstream,
            month=obj.month,
            rag=obj.rag,
            achievements=obj.achievements,
            next_steps=obj.next_steps,
            escalations=obj.escalations,
            reported_by=request.user,
        )
        _adopt(obj, report)


class RiskAdminForm(forms.ModelForm):
    review_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the likelihood, impact or status changes: the change is recorded as a review in "
        "the risk's history of scores, as on the risk's review form.",
    )

    class Meta:
        model = Risk
        fields = (
            "reference",
            "title",
            "description",
            "workstream",
            "owner",
            "likelihood",
            "impact",
            "target_likelihood",
            "target_impact",
            "mitigations",
            "review_date",
            "status",
            "opened_on",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is None or not _score_changed(self.instance.pk, cleaned):
            return cleaned
        if not (cleaned.get("review_note") or "").strip():
            self.add_error("review_note", "Say why the score or status changed: it is kept as the review's note.")
        review_date = cleaned.get("review_date")
        if cleaned.get("status") == Risk.Status.OPEN and review_date and review_date <= timezone.localdate():
            self.add_error("review_date", "An open risk's next review must be after today.")
        return cleaned


@admin.register(Risk)
class RiskAdmin(HistoryAdmin):
    """A risk is opened through ``actions.open_risk`` and re-scored through ``actions.review_risk``, so the register,
    its history of scores and the audit trail agree however the change was made. Risks are closed, not deleted."""

    form = RiskAdminForm
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

    def get_readonly_fields(self, request: HttpRequest, obj: Risk | None = None) -> tuple[str, ...]:
        return ("status",) if obj is None else ()

    def get_fields(self, request: HttpRequest, obj: Risk | None = None) -> list[str]:
        fields = list(super().get_fields(request, obj))
        return [f for f in fields if f != "review_note"] if obj is None else fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Risk, form: forms.ModelForm, change: bool) -> None:
        if not change:
            risk = actions.open_risk(
                title=obj.title,
                description=obj.description,
                owner=obj.owner,
                likelihood=obj.likelihood,
                impact=obj.impact,
                target_likelihood=obj.target_likelihood,
                target_impact=obj.target_impact,
                review_date=obj.review_date,
                workstream=obj.workstream,
                mitigations=obj.mitigations,
                opened_by=request.user,
                opened_on=obj.opened_on,
                reference=obj.reference,
            )
            _adopt(obj, risk)
            return
        if _score_changed(obj.pk, form.cleaned_data):
            actions.review_risk(
                risk=obj,
                likelihood=obj.likelihood,
                impact=obj.impact,
                status=obj.status,
                next_review=obj.review_date if obj.status == Risk.Status.OPEN else None,
                mitigations=obj.mitigations,
                note=form.cleaned_data["review_note"],
                reviewed_by=request.user,
            )
        obj.save()  # the other fields edited with it; a save that changes nothing more adds no history row


def _score_changed(pk: int, cleaned: dict[str, Any]) -> bool:
    """Whether the form moves the stored likelihood, impact or status (compared with the database, not the form's
    initial values, which need not be the stored ones)."""
    stored = Risk.objects.filter(pk=pk).values(*REVIEWED_FIELDS).first() or {}
    return any(name in cleaned and cleaned[name] != stored.get(name) for name in REVIEWED_FIELDS)


def _adopt(obj: Any, saved: Any) -> None:
    """Make the admin's unsaved instance the row an action saved, so the admin logs and redirects to it."""
    for field in type(saved)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding, obj._state.db = False, saved._state.db


@admin.register(Milestone)
class MilestoneAdmin(HistoryAdmin):
    list_display = ("title", "workstream", "due", "completed_on")
