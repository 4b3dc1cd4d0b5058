"""What a reader may spend on one file, and the one error a reader raises.

`intake.config.Limits` maps onto `ReadLimits` (extractors never import intake).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import sys
from dataclasses import dataclass

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ReadLimits:
    max_pages: int = 300  # pages read per file; the rest are skipped with a warning
    max_zip_entries: int = 2000  # DOCX/ODT: entries in the zip before anything is decompressed
    max_unzipped_bytes: int = 200 * 1024 * 1024  # DOCX/ODT: declared uncompressed total
    convert_seconds: int = 60  # LibreOffice conversion of .doc/.wps/.odt/.rtf
    max_inflated_bytes: int = 200 * 1024 * 1024  # PDF: one compressed stream, once inflated
    ocr_seconds: float | None = None  # OCR starts no new page past this (None: a little under convert_seconds)


class UnreadableDocument(Exception):
    """The file cannot be read; `str(e)` is one line for a person saying why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def die_with_parent(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send `sig` to this process when its parent dies (prctl PR_SET_PDEATHSIG), so a
    reading worker or a LibreOffice conversion never outlives a killed server. False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
