"""NHS numbers and dates of birth in names: the upload's own file name, and the names and comments of the files
inside a ZIP download.

A name is stored with the extract and shown on every page and message about it, so one that holds an NHS number
("943 476 5919.csv", "data_9434765919.csv", a folder "9434765919/") is patient data like a cell: the upload is
refused and its stored copy deleted. Names are checked before the archive is opened for its data, so that no
other refusal (several data files, a damaged member) keeps them, and the message never repeats the name.
"""

from __future__ import annotations

import io
import re
import zipfile

from ..problems import Problem
from . import archive
from .pii import DATE_OF_BIRTH_IN_TEXT, holds_nhs_number

NAME_MESSAGE = (
    "The file's name holds what looks like an NHS number (ten digits that pass the Modulus 11 check) or a date of "
    "birth. Rename the file; a name is stored and shown with the extract."
)
MEMBER_NAME_MESSAGE = (
    "The name of a file (or folder) inside the ZIP archive holds what looks like an NHS number or a date of birth; "
    "the names inside an archive are stored with it."
)
MEMBER_COMMENT_MESSAGE = (
    "The comment of a file inside the ZIP archive holds what looks like an NHS number or a date of birth; it is "
    "stored with the archive."
)
#: The comment stored on a ZIP member is at most 64 KB; longer text is not read further.
_MOST_COMMENT = 65_536


#: Ten digits run together and starting with 1 or 2 in a name: a Unix time (1712345605) or a date and hour
#: (2024031501), as export tools stamp file names. England's NHS numbers are issued from 4, 6 and 7; so in a name
#: such a run is not taken for one (written 3-3-4 with spaces or hyphens, it still is).
_STAMPS = re.compile(r"(?<!\d)[12]\d{9}(?!\d)")


def identifying_name(name: str) -> bool:
    """Whether any level of a path holds an NHS number or a date of birth. An underscore or a plus joins words
    in a file name ("data_9434765919.csv"), unlike in a cell, where it makes a code."""
    for part in re.split(r"[\\/]", name):
        text = _STAMPS.sub(" ", re.sub(r"[_+]", " ", part))
        if (len(text) >= 10 and holds_nhs_number(text)) or DATE_OF_BIRTH_IN_TEXT.search(text):
            return True
    return False


def masked(name: str) -> str:
    """The name as stored once refused: every digit replaced, so the record and messages keep its shape only."""
    return re.sub(r"\d", "\u2022", name)


def identifiers_in_names(file_name: str, raw: bytes, *, member: str = "") -> list[Problem]:
    """The upload's name, the member asked for (``member``), and every name and member comment in a ZIP."""
    found = []
    if identifying_name(file_name):
        found.append(Problem(None, "the file's name", "patient_identifiable", NAME_MESSAGE))
    if member and identifying_name(member):
        found.append(Problem(None, "the name of the file asked for", "patient_identifiable", MEMBER_NAME_MESSAGE))
    if not archive.is_archive(raw):
        return found
    try:
        entries = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except Exception:  # refused as damaged when opened for its data
        return found
    for number, info in enumerate(entries, start=1):
        named = identifying_name(info.filename)
        place = (
            f"file {number:,} in the ZIP archive" if named else f"'{archive.clip(info.filename)}' in the ZIP archive"
        )
        if named:
            found.append(Problem(None, f"the name of {place}", "patient_identifiable", MEMBER_NAME_MESSAGE))
        comment = info.comment[:_MOST_COMMENT].decode("utf-8", errors="replace")
        if (len(comment) >= 10 and holds_nhs_number(comment)) or DATE_OF_BIRTH_IN_TEXT.search(comment):
            found.append(Problem(None, f"the comment of {place}", "patient_identifiable", MEMBER_COMMENT_MESSAGE))
    return found
