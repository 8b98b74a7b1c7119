"""Where an extract's bytes live while (and after) it is processed: MEDIA_ROOT/extracts/<id>/<name>."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import Extract


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "extracts"


def safe_name(file_name: str) -> str:
    """A file name safe on disk: no directories, only ordinary characters."""
    name = Path(file_name).name or "extract"
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:120]


def save(extract: Extract, content: bytes) -> None:
    folder = _root() / str(extract.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / safe_name(extract.file_name)
    path.write_bytes(content)
    extract.stored_file = str(path.relative_to(settings.MEDIA_ROOT))
    Extract.objects.filter(pk=extract.pk).update(stored_file=extract.stored_file)


def read(extract: Extract) -> bytes:
    return (Path(settings.MEDIA_ROOT) / extract.stored_file).read_bytes()


def taken_copies(extract: Extract) -> list[Path]:
    """The drop folder's copy of a file it took (``INGEST_DROP_FOLDER/taken/<id>-<name>``), if any."""
    folder = getattr(settings, "INGEST_DROP_FOLDER", None)
    if extract.source != Extract.Source.DROP_FOLDER or not folder:
        return []
    taken = Path(folder) / "taken"
    return [p for p in taken.glob(f"{extract.pk}-*") if p.is_file()] if taken.is_dir() else []


def delete(extract: Extract) -> None:
    """Remove the bytes for good (patient-identifiable files, and refused files past their retention), the
    drop folder's taken copy included; the Extract row stays as the record, with when the file went."""
    if extract.stored_file:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / Path(extract.stored_file).parent, ignore_errors=True)
    for copy in taken_copies(extract):
        copy.unlink(missing_ok=True)
    extract.stored_file = ""
    extract.file_deleted_at = timezone.now()
    Extract.objects.filter(pk=extract.pk).update(stored_file="", file_deleted_at=extract.file_deleted_at)
