"""A ZIP download read as the data file inside it (ODS ``epraccur.zip``, NHS Digital ``gp-reg-pat-prac-*.zip``,
QOF's zip of CSVs), so analysts load what they downloaded as it comes.

The archive is only ever read in memory through ``zipfile`` (stdlib): nothing is extracted to a path, so a
member's name never becomes a file name. Before a byte is decompressed the archive is refused when a member's
name is absolute or climbs out (``..``), a member is encrypted or is itself an archive, or the chosen member
declares more than the cap or an absurd compression ratio (a ZIP bomb); the member is then streamed with the
same caps counted on the bytes actually produced, so a lying header changes nothing. Every way a damaged
archive can fail ends in a ``FileRefused`` with a reason, never an exception.

Which member: the one data file (CSV, text, XLSX; directories, ``__MACOSX/`` and readme or metadata notes are
ignored); among several, the one a reader recognises from its columns, else the analyst names it.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..problems import FileRefused, Problem
from .companions import companion_file
from .limits import RATIO_FLOOR_BYTES, Limits
from .readers import Reader, detect_reader, get_reader
from .sniff import is_workbook_listing, sniff
from .table import read_table

#: Suffixes of the files a ZIP download carries its data in (.ods and .xls are refused, with the reason, once read).
DATA_SUFFIXES = frozenset({".csv", ".txt", ".tsv", ".tab", ".xlsx", ".xlsm", ".ods", ".xls"})
ARCHIVE_SUFFIXES = frozenset({".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".jar"})
#: A .txt named like these is the download's notes, not its data (a .csv is always data: ODS's epraccur.csv).
NOTES = re.compile(r"read[\s_-]*me|meta[\s_-]*data|licen[cs]e|notes?\b|change[\s_-]*log|guidance|disclaimer", re.I)
_CHUNK = 1 << 20
#: Bytes of a text member read to recognise its columns when the archive holds several data files.
_HEAD_BYTES = 1 << 20
#: Data files recognised one by one, at most; an archive with more must have its member named.
_MAX_CANDIDATES = 30


@dataclass(frozen=True)
class ArchiveLimits:
    """``bytes``: the most a member may expand to; ``ratio``: the most it may expand relative to its packed size
    (above ``RATIO_FLOOR_BYTES``). Either ``None`` for no limit (tests only)."""

    bytes: int | None = 2 * 1024**3
    ratio: int | None = 100


@dataclass(frozen=True)
class Unwrapped:
    """The bytes to read: a plain file's own, or the chosen member's (``member``: its name in the archive)."""

    content: bytes
    member: str | None = None
    warnings: tuple[Problem, ...] = ()


def limits_from_settings() -> ArchiveLimits:
    from django.conf import settings

    return ArchiveLimits(
        bytes=getattr(settings, "INGEST_MAX_UNZIPPED_BYTES", ArchiveLimits.bytes) or None,
        ratio=getattr(settings, "INGEST_MAX_UNZIPPED_RATIO", ArchiveLimits.ratio) or None,
    )


def is_archive(content: bytes) -> bool:
    """A ZIP file that is not itself a table (an XLSX workbook or an OpenDocument file are ZIPs too)."""
    if not content.startswith(b"PK\x03\x04") and not content.startswith(b"PK\x05\x06"):
        return False
    try:
        names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    except Exception:  # damaged beyond opening: the sniffer says so, as for a damaged workbook
        return False
    return not is_workbook_listing(names) and "mimetype" not in names


def unwrap(
    content: bytes,
    *,
    member: str | None = None,
    format: str = "auto",
    limits: ArchiveLimits | None = None,
    name: str = "The ZIP archive",
) -> Unwrapped:
    """The file to read: ``content`` itself, or the data file inside a ZIP download (see the module)."""
    limits = limits or ArchiveLimits()
    if not is_archive(content):
        if member:
            ignored = Problem(
                None,
                None,
                "member_ignored",
                f"A file inside a ZIP archive was named ('{clip(member)}'), but this file is not a ZIP archive; "
                "it was read as it is.",
                "warning",
            )
            return Unwrapped(content, warnings=(ignored,))
        return Unwrapped(content)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except Exception as exc:  # BadZipFile, and the struct/OS errors a truncated directory gives
        message = f"{name} is damaged and cannot be opened ({_reason(exc)}). Download it again."
        raise _refuse("bad_zip", message) from exc
    files = _files(entries, name, len(content))
    if not files:
        raise _refuse("zip_empty", f"{name} holds no files.")
    data = [info for info in files if _is_data(info.filename)]
    _refuse_repeated_names(data, name)
    if member:
        chosen = _named(files, member, name)
        return Unwrapped(read_member(archive, chosen, limits), member=chosen.filename)
    if len(data) == 1:
        return Unwrapped(read_member(archive, data[0], limits), member=data[0].filename)
    if not data:
        raise _refuse(
            "zip_no_data",
            f"{name} holds no CSV or XLSX file; it holds {_listing(files)}. Download the data file itself.",
        )
    return _recognised(archive, data, files, limits, format, name)


def _files(entries: list[zipfile.ZipInfo], name: str, packed: int) -> list[zipfile.ZipInfo]:
    """The archive's files worth looking at, after refusing the whole archive for any unsafe member."""
    files = []
    for info in entries:
        raw = info.filename
        parts = re.split(r"[\\/]", raw)
        if raw.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", raw) or ".." in parts or "\x00" in raw:
            raise _refuse(
                "zip_unsafe_path",
                f"{name} holds a file whose name leads outside the archive ('{clip(raw)}'). It is refused as "
                "unsafe; download the file again from its publisher.",
            )
        if info.compress_size > packed:  # a directory claiming more packed bytes than the archive holds
            raise _refuse("bad_zip", f"{name} is damaged ('{clip(raw)}' is said to be larger than the archive).")
        if info.is_dir() or parts[0] == "__MACOSX" or parts[-1].startswith(".") or not parts[-1]:
            continue
        if info.flag_bits & 0x1:
            raise _refuse(
                "zip_encrypted",
                f"{name} is password-protected ('{clip(raw)}' is encrypted). Unzip it with its password and "
                "upload the file inside.",
            )
        if PurePosixPath(raw.replace("\\", "/")).suffix.lower() in ARCHIVE_SUFFIXES:
            raise _refuse(
                "zip_nested",
                f"{name} holds another archive ('{clip(raw)}'). Archives inside archives are not opened: unzip "
                "it and upload the data file inside.",
            )
        files.append(info)
    return files


def _refuse_repeated_names(data: list[zipfile.ZipInfo], name: str) -> None:
    """Two data files under one name (an archive appended to, not rewritten): neither can be chosen by its name,
    and unzipping keeps only the last, so the analyst must look at the archive."""
    seen: dict[str, int] = {}
    for info in data:
        seen[info.filename] = seen.get(info.filename, 0) + 1
    repeated = [f"'{clip(n)}' ({count} times)" for n, count in seen.items() if count > 1]
    if repeated:
        raise _refuse(
            "zip_repeated_name",
            f"{name} holds several files under one name: {', '.join(repeated)}. Which one is meant cannot be told, "
            "and unzipping keeps only the last. Download the archive again, or unzip it, check the file, and upload "
            "that file itself.",
        )


def _is_data(raw: str) -> bool:
    path = PurePosixPath(raw.replace("\\", "/"))
    suffix = path.suffix.lower()
    return suffix in DATA_SUFFIXES and not (suffix == ".txt" and NOTES.search(path.stem))


def _named(files: list[zipfile.ZipInfo], wanted: str, name: str) -> zipfile.ZipInfo:
    """The member named: its whole name in the archive, else its file name, exactly, else ignoring case."""
    wanted = wanted.strip()
    for same in (
        lambda info: info.filename == wanted,
        lambda info: PurePosixPath(info.filename).name == wanted,
        lambda info: info.filename.lower() == wanted.lower(),
        lambda info: PurePosixPath(info.filename).name.lower() == wanted.lower(),
    ):
        found = [info for info in files if same(info)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            break
    raise _refuse(
        "zip_member_not_found",
        f"{name} holds no single file named '{clip(wanted)}'; it holds {_listing(files)}. Name one of these.",
    )


def _recognised(
    archive: zipfile.ZipFile,
    data: list[zipfile.ZipInfo],
    files: list[zipfile.ZipInfo],
    limits: ArchiveLimits,
    format: str,
    name: str,
) -> Unwrapped:
    """Among several data files, the one a reader recognises (the reader named, if one was)."""
    how = (
        "Name the one to load: `manage.py ingest FILE --member NAME`, or 'File inside a ZIP' on the upload page "
        "(or unzip it and upload that file)."
    )
    if len(data) > _MAX_CANDIDATES:
        raise _refuse("zip_several_files", f"{name} holds {len(data):,} data files: {_listing(data)}. {how}")
    recognised = {info.filename: _recognise(archive, info, limits, format) for info in data}
    labels = {name: reader.label if reader else "" for name, reader in recognised.items()}
    # As for a workbook's sheets: a format-specific reader's match wins over the generic template's (whose
    # columns a lookup of indicator codes can look like, e.g. QOF's MAPPING_INDICATORS file).
    specific = [info for info in data if recognised[info.filename] and recognised[info.filename].name != "generic"]
    found = specific or [info for info in data if recognised[info.filename]]
    if len(found) != 1:
        described = ", ".join(
            f"'{clip(info.filename)}' ({labels[info.filename] or 'no format recognised'})" for info in data
        )
        labelled = sum(1 for label in labels.values() if label)  # as many as the listing below labels
        which = "none is" if not labelled else "1 is" if labelled == 1 else f"{labelled} are"
        raise _refuse(
            "zip_several_files",
            f"{name} holds {len(data)} data files and {which} a format we read: {described}. {how}",
        )
    chosen = found[0]
    others = ", ".join(f"'{clip(f.filename)}'" for f in files if f is not chosen)
    warning = Problem(
        None,
        None,
        "zip_member_read",
        f"Read '{clip(chosen.filename)}' from the ZIP archive (its columns are the {labels[chosen.filename]}); "
        f"not read: {others}.",
        "warning",
    )
    return Unwrapped(read_member(archive, chosen, limits), member=chosen.filename, warnings=(warning,))


def _recognise(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits, format: str) -> Reader | None:
    """The reader that recognises the member's columns, if any (a member that cannot be read is not data)."""
    try:
        if PurePosixPath(info.filename).suffix.lower() in (".xlsx", ".xlsm", ".ods", ".xls"):
            content = read_member(archive, info, limits)
        else:
            _check_size(info, info.file_size, limits)
            with archive.open(info) as source:
                content = source.read(_HEAD_BYTES)
            if len(content) == _HEAD_BYTES and b"\n" in content:
                content = content[: content.rindex(b"\n") + 1]  # whole lines only
        sniffed = sniff(content)
        table = read_table(content, sniffed, Limits(rows=200, workbook_bytes=limits.bytes))
        table.file_name = PurePosixPath(info.filename).name
        if format not in ("", "auto"):
            reader = get_reader(format)
            return reader if reader.matches(table) else None
        return None if companion_file(table) else detect_reader(table)  # QOF's lookups are not data
    except Exception:  # a member that cannot be read is not the data file
        return None


def _check_size(info: zipfile.ZipInfo, size: int, limits: ArchiveLimits) -> None:
    """Refuse a member that is (or says it is, or has so far produced) over the caps."""
    if limits.bytes is not None and size > limits.bytes:
        raise _refuse(
            "zip_too_large",
            f"'{clip(info.filename)}' in the ZIP archive expands to more than "
            f"{limits.bytes / 1_048_576:,.0f} MB (the limit, INGEST_MAX_UNZIPPED_BYTES). It was not unpacked; "
            "split the file, or ask an administrator about the limit.",
        )
    if limits.ratio is not None and size > RATIO_FLOOR_BYTES and size > limits.ratio * max(info.compress_size, 1):
        raise _refuse(
            "zip_suspicious",
            f"'{clip(info.filename)}' expands {size / max(info.compress_size, 1):,.0f} times its packed size, far "
            f"more than any real table (limit {limits.ratio}x). It is refused as unsafe (a ZIP bomb) and was not "
            "unpacked.",
        )


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits) -> bytes:
    """The member's bytes, decompressed in chunks and refused the moment they pass a cap."""
    _check_size(info, info.file_size, limits)  # from its header: nothing unpacked yet
    if PurePosixPath(info.filename).suffix.lower() in ARCHIVE_SUFFIXES:
        raise _refuse("zip_nested", f"'{clip(info.filename)}' is itself an archive; unzip it first.")
    out = io.BytesIO()
    size = 0
    try:
        with archive.open(info) as source:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                _check_size(info, size, limits)
                out.write(chunk)
    except FileRefused:
        raise
    except Exception as exc:  # bad CRC, truncated data, an unsupported compression method, a password
        raise _refuse(
            "bad_zip",
            f"'{clip(info.filename)}' in the archive cannot be unpacked ({_reason(exc)}). Download it again.",
        ) from exc
    content = out.getvalue()
    if content.startswith(b"PK\x03\x04") and is_archive(content):
        raise _refuse(
            "zip_nested",
            f"'{clip(info.filename)}' is itself a ZIP archive. Archives inside archives are not opened: unzip it "
            "and upload the data file inside.",
        )
    return content


def _listing(files: list[zipfile.ZipInfo], most: int = 12) -> str:
    names = [f"'{clip(info.filename)}'" for info in files[:most]]
    more = f" and {len(files) - most:,} more" if len(files) > most else ""
    return ", ".join(names) + more


def clip(text: str, most: int = 120) -> str:
    """A member name as shown in a message: printable, and not too long."""
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= most else text[: most - 1] + "…"


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:120]}" if str(exc) else type(exc).__name__


def _refuse(code: str, message: str) -> FileRefused:
    return FileRefused(Problem(None, None, code, message))
