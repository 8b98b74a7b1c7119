"""One reader per source format. Each turns a parsed Table into canonical string columns (see base)."""

from .base import READERS, Reader, ReaderOutput, detect_reader, get_reader

__all__ = ["READERS", "Reader", "ReaderOutput", "detect_reader", "get_reader"]
