"""Which accepted format a file of unknown columns is nearest to, so its refusal says what to fix.

"The columns do not match any accepted format" left an analyst with a file and a list of templates. Each reader
lists the columns its format carries (``Reader.expected``); the format with the largest share of them present
(by name, an alias, or a close misspelling) is named with the columns it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from .headers import alike, normalise
from .readers import READERS, Reader

#: At least this many of a format's columns must be present for it to be called the nearest.
LEAST_FOUND = 2


@dataclass(frozen=True)
class Nearest:
    reader: Reader
    found: tuple[str, ...]  # the format's roles the file has
    missing: tuple[str, ...]  # the names (as the format writes them) of the roles it lacks


def nearest_format(header: list[str]) -> Nearest | None:
    names = {normalise(h) for h in header if h.strip()}
    best: Nearest | None = None
    best_share = 0.0
    for reader in READERS.values():
        if not reader.expected:
            continue
        found = tuple(role for role, aliases in reader.expected.items() if _present(aliases, names))
        share = len(found) / len(reader.expected)
        if len(found) >= LEAST_FOUND and share > best_share:
            missing = tuple(aliases[0] for role, aliases in reader.expected.items() if role not in found)
            best, best_share = Nearest(reader, found, missing), share
    return best


def _present(aliases: tuple[str, ...], names: set[str]) -> bool:
    if names & set(aliases):
        return True
    # a misspelling counts, judged as the generic template's "did you mean" judges it (headers.alike)
    return any(len(alias) > 3 and alike(alias, name) for alias in aliases for name in names)


def unknown_format_message(header: list[str]) -> str:
    """The refusal of a file no reader recognises, naming the nearest format and what the file lacks."""
    nearest = nearest_format(header)
    if nearest is None:
        labels = "; ".join(reader.label for reader in READERS.values())
        return (
            "The columns do not match any accepted format, and no format's column names were found on this line "
            f"(is it the header?). Accepted: {labels}. See the templates on the upload page."
        )
    if not nearest.missing:
        return (
            f"The columns do not match any accepted format. The nearest is the {nearest.reader.label}, whose columns "
            "are all here but some only nearly (misspelt?). Check the names against the templates on the upload page."
        )
    missing = ", ".join(f"'{name}'" for name in nearest.missing)
    return (
        f"The columns do not match any accepted format. The nearest is the {nearest.reader.label}: "
        f"{len(nearest.found)} of its {len(nearest.reader.expected)} columns are here, but not {missing}. Rename "
        "the columns (see the templates on the upload page), or name the format if it is another."
    )
