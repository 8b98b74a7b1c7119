"""ZIP archives built in tests, as NHS Digital and ODS publish their downloads (epraccur.zip, a QOF zip of CSVs)."""

from __future__ import annotations

import io
import zipfile


def zipped(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An archive holding ``members`` (name -> bytes), each packed with ``method``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
