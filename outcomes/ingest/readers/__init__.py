"""One reader per source format. Each turns a parsed Table into canonical string columns (see base).

Importing this package registers every reader (each module's ``@register``), so ``READERS`` is complete wherever
it is read. A new reader module is added to the import below.
"""

from ..parsed import Table
from . import fingertips, generic, geography, gpps, ods, qof, registrations  # noqa: F401  (each registers a reader)
from .base import READERS, Reader, ReaderOutput, register

__all__ = ["READERS", "Reader", "ReaderOutput", "detect_reader", "format_label", "get_reader", "register"]

#: Formats an extract records that no reader reads: how the history and an extract's page name them.
OTHER_FORMATS = {
    "auto": "Not yet read (detected when the file is read)",
    "reference_toml": "Reference data: an indicator definition (fixtures)",
    "demo": "Generated demo data",
    "": "Not known",
}


def format_label(name: str) -> str:
    """What analysts read for an extract's format code: the reader's own label, never a bare code."""
    reader = READERS.get(name)
    if reader is not None:
        return reader.label
    return OTHER_FORMATS.get(name, name)


def get_reader(name: str) -> Reader:
    try:
        return READERS[name]
    except KeyError as exc:
        raise KeyError(f"Unknown format '{name}'. Known: {', '.join(sorted(READERS))}.") from exc


def detect_reader(table: Table) -> Reader | None:
    """The first reader whose signature columns the table has; the generic template last."""
    ordered = sorted(READERS.values(), key=lambda r: r.name == "generic")
    return next((r for r in ordered if r.matches(table)), None)
