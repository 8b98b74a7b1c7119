"""An indicator's definition as the reviewed TOML file ``fixtures/indicators/<CODE>.toml`` holds it.

The inverse of ``outcomes.reference.load_indicator_file`` for the definition (not targets or plan values):
a definition approved on the site is written back to a file so it is reviewed in git like every other one.
Fields equal to the model's default are left out, as hand-written files leave them out; loading the file
gives back the same definition.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from .models import Indicator
from .reference import INDICATOR_FIELDS

HEADER = "# Exported by `manage.py export_indicator_definitions` from a definition approved on the site; review it."


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("TOML definitions hold finite numbers only")
        return repr(value)
    if isinstance(value, dt.date):
        return json.dumps(value.isoformat())
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"Cannot write {type(value).__name__} as TOML")


def _key(key: str) -> str:
    return key if key.replace("_", "").isalnum() and key.isascii() else json.dumps(key)


def _default(name: str) -> Any:
    return Indicator._meta.get_field(name).get_default()


def render(indicator: Indicator) -> str:
    """The definition file's text."""
    lines = [HEADER, f"code = {_value(indicator.code)}"]
    for name in INDICATOR_FIELDS:
        value = getattr(indicator, name)
        if value in (None, "") or (value == _default(name) and name not in ("multiplier", "levels", "breakdowns")):
            continue
        lines.append(f"{name} = {_value(value)}")
    return "\n".join(lines) + "\n"
