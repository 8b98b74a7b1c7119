"""Forms for the pages that write: the extract upload."""

from __future__ import annotations

from django import forms
from django.conf import settings

from outcomes.ingest.readers import READERS


def format_choices() -> list[tuple[str, str]]:
    return [("auto", "Work it out from the columns"), *sorted((r.name, r.label) for r in READERS.values())]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Extract file",
        help_text="CSV, XLSX, or a ZIP download holding one (as NHS Digital and ODS publish them). "
        "Aggregate counts only: never patient data.",
    )
    format = forms.ChoiceField(label="Format", choices=format_choices, initial="auto")
    member = forms.CharField(
        label="File inside a ZIP (optional)",
        required=False,
        max_length=255,
        help_text="Only for a ZIP holding several data files the formats could read: the name of the one to load, "
        "e.g. PREVALENCE_2122.csv. Otherwise the file inside is found for you.",
    )
    dry_run = forms.BooleanField(
        label="Check only (dry run): validate and report what would change, but write nothing", required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.INGEST_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; the upload page takes up to "
                f"{limit / 1_048_576:.0f} MB. "
                "Ask an administrator to load larger files with manage.py ingest."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload


class CoverageAcceptanceForm(forms.Form):
    """Accept one held-back PCN or borough value (``key`` is one of the extract's held-back keys), with a reason."""

    key = forms.ChoiceField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason for accepting partial coverage",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: the missing practice closed during the period.",
    )

    def __init__(self, *args, held_back=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(h.key, h.key) for h in held_back]

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give a reason.")
        return reason
