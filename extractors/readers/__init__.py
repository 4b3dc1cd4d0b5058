"""One reader per format; each turns bytes into `extractors.model.Document`.
Callers use `extractors.read.read_document`, which sniffs the format and picks the reader.

`READERS` is the one declaration of what can be read: each file kind (`extractors.sniff`) with the
reader that reads it, as parsers declare their MIME types. Reading dispatches on it, and whoever
accepts files (the web's uploads) asks `READABLE` — nobody keeps a list of their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..limits import ReadLimits
    from ..model import Document
    from ..sniff import Sniffed


def _pdf(data: bytes, doc: Document, sniffed: Sniffed, limits: ReadLimits) -> None:
    from .pdf import read_pdf

    read_pdf(data, doc, limits)


def _docx(data: bytes, doc: Document, sniffed: Sniffed, limits: ReadLimits) -> None:
    from .docx import read_docx

    read_docx(data, doc, limits)


def _office(data: bytes, doc: Document, sniffed: Sniffed, limits: ReadLimits) -> None:
    from .docx import check_zip
    from .office import read_via_libreoffice

    if sniffed.kind == "odt":
        check_zip(data, limits, what="ODT")
    read_via_libreoffice(data, doc, limits, sniffed.kind)


def _html(data: bytes, doc: Document, sniffed: Sniffed, limits: ReadLimits) -> None:
    from .html import read_html

    read_html(data, doc)


def _image(data: bytes, doc: Document, sniffed: Sniffed, limits: ReadLimits) -> None:
    from .simple import read_image

    read_image(data, doc, sniffed.subtype, limits.max_pages)


def _text(data: bytes, doc: Document, sniffed: Sniffed, limits: ReadLimits) -> None:
    from .simple import read_text

    read_text(data, doc, sniffed.subtype)


Reader = Callable[[bytes, "Document", "Sniffed", "ReadLimits"], None]

READERS: dict[str, Reader] = {
    "pdf": _pdf,
    "docx": _docx,
    "doc": _office,
    "wps": _office,
    "odt": _office,
    "rtf": _office,
    "html": _html,  # also MHT web archives, which many systems save as ".doc"
    "image": _image,
    "text": _text,
}
READABLE = frozenset(READERS)
