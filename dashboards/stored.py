"""Summaries a board page is built from, computed once per data version and kept in the database (ADR 0032).

The overview's "changed since last month" (every outcome assessed at two month-ends) and its summary matrix (SPC
over every tracked measure) took 60 % of its build at 10 million rows. The page cache holds them for minutes;
kept in ``StoredSummary`` they survive the cache's expiry and a Redis restart, and the worker's warming after a
load (``dashboards.warm``) computes them before the first reader.

A summary is read back only for exactly the inputs it was computed from. Its fingerprint is the data version (the
same key the page cache trusts: every load, commentary and reference-data edit changes it, ADR 0013), the
summary's arguments, the settings the computations read and a digest of the application's source, so a release
never reads a summary computed by other code.
"""

from __future__ import annotations

import functools
import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.apps import apps
from django.conf import settings

from .actions import store_summary
from .selectors import stored_summary

T = TypeVar("T")

#: Settings the stored summaries' computations read (SPC's minimum points, the day's month ends, coverage rules).
SETTINGS_READ = ("SPC_MIN_POINTS", "TIME_ZONE", "ROLLUP_MIN_COVERAGE", "ROLLUP_LIST_SIZE_INDICATOR")


@functools.cache
def code_digest() -> str:
    """SHA-256 of every Python file of the project's own apps and of the pinned libraries' versions (read once per
    process, about 10 ms): any change of code is a new input, so no list of the modules a summary depends on can
    fall out of date."""
    base, environment = Path(settings.BASE_DIR).resolve(), Path(sys.prefix).resolve()
    digest = hashlib.sha256()
    roots = sorted({Path(app.path).resolve() for app in apps.get_app_configs()} | {Path(__file__).resolve().parent})
    for root in roots:
        if not root.is_relative_to(base) or root.is_relative_to(environment):
            continue  # installed libraries: their pinned versions are in constraints.txt, read below
        for path in sorted(root.rglob("*.py")):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    for pins in (base / "constraints.txt", base / "pyproject.toml"):
        if pins.exists():
            digest.update(pins.read_bytes())
    return digest.hexdigest()


def fingerprint(name: str, parts: tuple, version: str) -> str:
    """SHA-256 of a summary's inputs: its name and arguments, the data version, the settings and the code."""
    read = tuple((setting, getattr(settings, setting, None)) for setting in SETTINGS_READ)
    return hashlib.sha256(repr((name, parts, version, read, code_digest())).encode()).hexdigest()


def stored_or_computed(name: str, parts: tuple, compute: Callable[[], T], version: str) -> T:
    """The summary kept for exactly these inputs, else ``compute()``'s result, kept for the next reader."""
    key = fingerprint(name, parts, version)
    found, value = stored_summary(name, key)
    if found:
        return value
    started = time.perf_counter()
    value = compute()
    store_summary(name=name, fingerprint=key, value=value, seconds=time.perf_counter() - started)
    return value
