"""``{{ extract.format|format_label }}``: an extract's format as analysts name it, not the code stored."""

from __future__ import annotations

from django import template

from outcomes.ingest.readers import format_label as _format_label

register = template.Library()


@register.filter
def format_label(name: object) -> str:
    return _format_label(str(name or ""))
