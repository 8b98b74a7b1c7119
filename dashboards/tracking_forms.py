"""The draft indicator definition form (starting to track a Fingertips indicator)."""

from __future__ import annotations

from django import forms

from outcomes.drafts import EDITABLE
from outcomes.models import IndicatorDraft
from outcomes.models.choices import AreaLevel


class DraftForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(
        label="Area levels",
        choices=AreaLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The levels the indicator is reported at (pre-filled from the export's area types).",
    )
    source_url = forms.URLField(label="Source URL", required=False, assume_scheme="https")

    class Meta:
        model = IndicatorDraft
        fields = list(EDITABLE)
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        seen = self.instance.seen or {}
        for name, key, every in (("fingertips_sex", "sexes", "Every sex"), ("fingertips_age", "ages", "Every age")):
            values = list(dict.fromkeys([*(seen.get(key) or []), getattr(self.instance, name) or ""]))
            self.fields[name] = forms.ChoiceField(
                label=self.fields[name].label.capitalize(),
                choices=[("", every), *((v, v) for v in values if v)],
                required=False,
                help_text="Which of the export's rows this indicator reads.",
            )
