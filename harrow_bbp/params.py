"""Query-string and path parameters, parsed in one place so a bad value is a 400 or a 404 with a reason, never a 500.

Views call these before touching the database or doing date arithmetic:

- a malformed *query* parameter (``?month=13-2026``, ``?closed=maybe``) is the client's mistake: ``BadParameter``
  (a ``BadRequest``, so Django answers 400 with ``400.html`` and the reason);
- a *path* segment that cannot name anything (``/pcns/a%00b/``, ``/insight/9999/12/``) is a page that does not
  exist: ``Http404``.

Months are bounded to ``MIN_YEAR``..``MAX_YEAR`` so that ``month + 1`` or ``month - 1 day`` can never leave
Python's date range (year 1..9999), and codes are checked for length and for characters no code has (control
characters such as NUL, which PostgreSQL refuses in a query, and ``/``), so the lookup itself cannot fail.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import BadRequest
from django.http import Http404

#: The years a month may be asked for: wider than any data here, narrow enough for safe date arithmetic.
MIN_YEAR, MAX_YEAR = 2000, 2100
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
_SLUG = re.compile(r"[-a-zA-Z0-9_]+", re.ASCII)
#: Characters no area, indicator or workstream code contains.
_NOT_IN_CODES = re.compile(r"[\x00-\x1f\x7f/\\]")


class BadParameter(BadRequest):
    """A query parameter that cannot be understood; ``str()`` is the reason shown on the 400 page."""

    def __init__(self, name: str, reason: str) -> None:
        self.name, self.reason = name, reason
        super().__init__(f"The {name} parameter {reason}.")


def month_or_none(year: int, month: int) -> dt.date | None:
    """The first day of ``year``-``month``, or None when it is not a month within ``MIN_YEAR``..``MAX_YEAR``."""
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def parse_month(value: str | None, *, default: dt.date, name: str = "month") -> dt.date:
    """``?month=YYYY-MM`` as the month's first day; ``default`` when absent or blank; else ``BadParameter``."""
    if value is None or value == "":
        return default
    match = _MONTH.fullmatch(value)
    first = month_or_none(int(match[1]), int(match[2])) if match else None
    if first is None:
        raise BadParameter(name, f"must be a month written YYYY-MM between {MIN_YEAR} and {MAX_YEAR}, e.g. 2026-09")
    return first


def month_in_path(year: int, month: int) -> dt.date:
    """A month named by the path (``/insight/<year>/<month>/``), or 404."""
    first = month_or_none(year, month)
    if first is None:
        raise Http404("No such month.")
    return first


def parse_flag(value: str | None, *, name: str) -> bool:
    """A checkbox-style flag: absent, blank or ``0`` is False, ``1`` is True, anything else ``BadParameter``."""
    if value in (None, "", "0"):
        return False
    if value == "1":
        return True
    raise BadParameter(name, "must be 1 or 0")


def parse_choice(value: str | None, *, name: str, choices: Iterable[str]) -> str | None:
    """An optional filter that must be one of ``choices``: None when absent or blank; else ``BadParameter``."""
    if value is None or value == "":
        return None
    allowed = list(choices)
    if value not in allowed:
        shown = ", ".join(allowed[:12]) + (", ..." if len(allowed) > 12 else "")
        raise BadParameter(name, f"must be one of {shown}" if allowed else "has no values to choose from")
    return value


#: The highest page number a pager accepts (far beyond any table here; keeps the offset arithmetic small).
MAX_PAGE = 100_000


def parse_page(value: str | None, *, name: str = "page") -> int:
    """``?page=N`` for a pager: 1 when absent or blank; a whole number 1..MAX_PAGE; else ``BadParameter``."""
    if value is None or value == "":
        return 1
    if not re.fullmatch(r"[0-9]{1,6}", value, re.ASCII) or not 1 <= int(value) <= MAX_PAGE:
        raise BadParameter(name, f"must be a page number from 1 to {MAX_PAGE:,}")
    return int(value)


def parse_slug(value: str | None, *, name: str, max_length: int) -> str | None:
    """An optional slug filter (``?theme=``, ``?workstream=``): None when absent or blank; else ``BadParameter``."""
    if value is None or value == "":
        return None
    if len(value) > max_length or not _SLUG.fullmatch(value):
        raise BadParameter(name, f"must be a code of letters, digits, - and _ (at most {max_length})")
    return value


def is_code(value: str, *, max_length: int) -> bool:
    """Whether ``value`` could be a stored code: 1..max_length characters, none of them control characters or
    slashes. Lets a lookup run safely; whether the code exists is the lookup's business."""
    return 0 < len(value) <= max_length and not _NOT_IN_CODES.search(value)


def code_in_path(value: str, *, max_length: int) -> str:
    """A code named by the path (``/pcns/<code>/``): the value, or 404 when no code could look like it."""
    if not is_code(value, max_length=max_length):
        raise Http404("No such code.")
    return value
