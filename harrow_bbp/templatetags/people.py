"""``{% load people %}{{ report.reported_by|display_name:"(unknown)" }}``: see harrow_bbp.people."""

from __future__ import annotations

from typing import Any

from django import template

from harrow_bbp.people import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user: Any, default: str = "") -> str:
    return _display_name(user, default)
