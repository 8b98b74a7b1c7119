"""``{% load file_names %}{{ extract.shown_name|breakable }}``: a file name that may wrap after its separators.

"demo/JSNA_LIFE_EXPECTANCY_FEMALE.csv" is one word to a browser: a table column is at least as wide as it (the
extracts history ran 1,243 px wide at 1366 px), and a heading breaks it anywhere. A word break opportunity
(``<wbr>``) after each "/", "_" and "." lets it wrap there and nowhere else."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_SEPARATOR = re.compile(r"([/_.])(?=\S)")


@register.filter
def breakable(name: object) -> SafeString:
    return mark_safe(_SEPARATOR.sub(r"\1<wbr>", str(conditional_escape(name))))
