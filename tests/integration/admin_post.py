"""Post an admin change form back as the admin page rendered it, with some fields changed: what a person does."""

from __future__ import annotations

from django import forms


def _encode(value) -> str:
    return "" if value is None else str(value)


def _field_data(form: forms.BaseForm) -> dict:
    data: dict = {}
    for name, field in form.fields.items():
        key, value, widget = form.add_prefix(name), form[name].value(), field.widget
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(widget, forms.MultiWidget):
            for i, part in enumerate(widget.decompress(value)):
                data[f"{key}_{i}"] = _encode(part)
        elif isinstance(value, (list, tuple)):
            data[key] = [_encode(v) for v in value]
        else:
            data[key] = _encode(value)
    return data


def change_form_data(response, **changes) -> dict:
    """The POST data of an admin change page's form and inlines as rendered, with ``changes`` applied."""
    context = response.context
    data = _field_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data |= _field_data(formset.management_form)
        for form in formset.forms:
            data |= _field_data(form)
    return data | changes
