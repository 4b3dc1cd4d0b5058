"""What a reader may spend on one file, and the one error a reader raises.

`intake.config.Limits` maps onto `ReadLimits` (extractors never import intake).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    max_pages: int = 300  # pages read per file; the rest are skipped with a warning
    max_zip_entries: int = 2000  # DOCX/ODT: entries in the zip before anything is decompressed
    max_unzipped_bytes: int = 200 * 1024 * 1024  # DOCX/ODT: declared uncompressed total
    convert_seconds: int = 60  # LibreOffice conversion of .doc/.wps/.odt/.rtf


class UnreadableDocument(Exception):
    """The file cannot be read; `str(e)` is one line for a person saying why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
