"""One reader per source format. Each turns a parsed Table into canonical string columns (see base).

Importing this package registers every reader (each module's ``@register``), so ``READERS`` is complete wherever
it is read. A new reader module is added to the import below.
"""

from ..parsed import Table
from . import fingertips, generic, geography, gpps, ods, qof, registrations  # noqa: F401  (each registers a reader)
from .base import READERS, Reader, ReaderOutput, register

__all__ = ["READERS", "Reader", "ReaderOutput", "detect_reader", "get_reader", "register"]


def get_reader(name: str) -> Reader:
    try:
        return READERS[name]
    except KeyError as exc:
        raise KeyError(f"Unknown format '{name}'. Known: {', '.join(sorted(READERS))}.") from exc


def detect_reader(table: Table) -> Reader | None:
    """The first reader whose signature columns the table has; the generic template last."""
    ordered = sorted(READERS.values(), key=lambda r: r.name == "generic")
    return next((r for r in ordered if r.matches(table)), None)
