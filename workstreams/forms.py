"""Forms for the governance workflows. They only clean input; writes go through ``workstreams.actions``."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from harrow_bbp.params import MIN_YEAR

from .models import CommunityInsight, InsightTheme, Person, Risk, StatusReport, Workstream
from .risk_matrix import IMPACT_LABELS, LIKELIHOOD_LABELS

LIKELIHOOD_CHOICES = [(k, f"{k} {v}") for k, v in LIKELIHOOD_LABELS.items()]
IMPACT_CHOICES = [(k, f"{k} {v}") for k, v in IMPACT_LABELS.items()]


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses an id beyond a 64-bit integer as an invalid choice before it reaches the query (SQLite raises
    OverflowError for it, which would be a 500)."""

    def clean(self, value):
        for item in value if isinstance(value, (list, tuple)) else ():
            try:
                number = int(str(item))
            except ValueError:
                continue  # not a number: the parent reports it
            if not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super().clean(value)


def recent_months(today: dt.date, count: int = 6) -> list[tuple[str, str]]:
    """This month and the ``count - 1`` before it, as (YYYY-MM-01, "December 2026") choices."""
    month, out = today.replace(day=1), []
    for _ in range(count):
        out.append((month.isoformat(), f"{month:%B %Y}"))
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return out


class StatusReportForm(forms.Form):
    month = forms.TypedChoiceField(label="Month reported on", coerce=dt.date.fromisoformat, choices=())
    rag = forms.ChoiceField(label="Delivery status", choices=StatusReport.Rag.choices, widget=forms.RadioSelect)
    achievements = forms.CharField(label="Achievements this month", widget=forms.Textarea(attrs={"rows": 4}))
    next_steps = forms.CharField(label="Next steps", widget=forms.Textarea(attrs={"rows": 4}))
    escalations = forms.CharField(
        label="Escalations to the board",
        required=False,
        help_text="What the JMB needs to decide or unblock. Leave blank if nothing.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        months = recent_months(today or timezone.localdate())
        self.fields["month"].choices = months
        self.fields["month"].initial = months[0][0]


class RiskForm(forms.Form):
    title = forms.CharField(max_length=255)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Cause, event and effect.")
    workstream = forms.ModelChoiceField(
        queryset=Workstream.objects.filter(is_active=True), required=False, empty_label="Partnership-wide"
    )
    owner = forms.ModelChoiceField(queryset=Person.objects.all())
    likelihood = forms.TypedChoiceField(choices=LIKELIHOOD_CHOICES, coerce=int)
    impact = forms.TypedChoiceField(choices=IMPACT_CHOICES, coerce=int)
    target_likelihood = forms.TypedChoiceField(choices=LIKELIHOOD_CHOICES, coerce=int)
    target_impact = forms.TypedChoiceField(choices=IMPACT_CHOICES, coerce=int)
    mitigations = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    review_date = forms.DateField(label="Next review", widget=forms.DateInput(attrs={"type": "date"}))


class RiskReviewForm(forms.Form):
    likelihood = forms.TypedChoiceField(choices=LIKELIHOOD_CHOICES, coerce=int)
    impact = forms.TypedChoiceField(choices=IMPACT_CHOICES, coerce=int)
    mitigations = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    note = forms.CharField(label="Review note", widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(choices=Risk.Status.choices, initial=Risk.Status.OPEN)
    next_review = forms.DateField(
        label="Next review",
        required=False,
        help_text="Needed while the risk stays open; leave it blank only when closing the risk.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Required unless the risk is being closed (checked by the action): the label must not say "optional".
        self.fields["next_review"].conditionally_required = True

    @classmethod
    def for_risk(cls, risk: Risk) -> RiskReviewForm:
        return cls(
            initial={
                "likelihood": risk.likelihood,
                "impact": risk.impact,
                "mitigations": risk.mitigations,
                "status": risk.status,
            }
        )


class InsightForm(forms.Form):
    theme = forms.ModelChoiceField(queryset=InsightTheme.objects.all())
    heard_on = forms.DateField(label="Date of the conversation", widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(label="Conversation or event", max_length=200)
    what_we_heard = forms.CharField(label="What we heard", widget=forms.Textarea(attrs={"rows": 3}))
    what_we_did = forms.CharField(label="What we did", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    status = forms.ChoiceField(choices=CommunityInsight.Status.choices, initial=CommunityInsight.Status.HEARD)
    workstreams = ModelMultipleChoiceField(
        queryset=Workstream.objects.filter(is_active=True), required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean_heard_on(self) -> dt.date:
        """From ``MIN_YEAR`` on, so the month summary it appears in (``/insight/<year>/<month>/``) exists."""
        heard_on = self.cleaned_data["heard_on"]
        if heard_on.year < MIN_YEAR:
            raise forms.ValidationError(f"Give a date from {MIN_YEAR} on.")
        return heard_on


class InsightResponseForm(forms.Form):
    """What was done about something heard: the record of what was heard itself is not edited."""

    what_we_did = forms.CharField(label="What we did", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    status = forms.ChoiceField(choices=CommunityInsight.Status.choices)
    workstreams = ModelMultipleChoiceField(
        queryset=Workstream.objects.filter(is_active=True), required=False, widget=forms.CheckboxSelectMultiple
    )


def apply_errors(form: forms.Form, error) -> None:
    """Put an action's ValidationError on the form's fields (or on the form when it names none)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
