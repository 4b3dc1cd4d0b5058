"""Reading drafts and filled comment sheets: each file is read in a time-limited worker (the worker
functions run there, on bytes or a stored blob's path) and turned into the extractors' models."""

from __future__ import annotations

from typing import cast

from extractors.comments import CommentSheet, DraftStandard, markdown_document, parse_sheet, read_draft
from extractors.model import Document
from intake.comments.store import CommentsError
from intake.config import Limits
from intake.reading.pipeline import ReadError, read_files_with
from intake.store.blobs import BlobStore, Damaged


def read_draft_bytes(data: bytes, filename: str, limits: Limits | None = None) -> DraftStandard:
    """The clause tree of a draft in DOCX, PDF, .doc, Markdown or text (read in a time-limited worker)."""
    return _draft_of(read_files_with(_read_draft_in_worker, [(filename, data)], limits, workers=1)[0], filename)


def read_draft_file(path, filename: str, limits: Limits | None = None) -> DraftStandard:
    """Like read_draft_bytes for a draft already on disk (a streamed upload in the blob store): the
    worker reads the file, the server never holds it whole."""
    return _draft_of(read_files_with(_read_draft_in_worker, [(filename, path)], limits, workers=1)[0], filename)


def _draft_of(doc: Document | ReadError, filename: str) -> DraftStandard:
    if isinstance(doc, ReadError):
        raise CommentsError(doc.error)
    if doc.format == "text":  # Markdown headings (#, -, **) are stripped line by line
        doc = markdown_document(doc.text, filename)
    return read_draft(doc)


def _read_draft_in_worker(data: bytes, name: str, rlimits) -> Document:
    from extractors.comments.numbering import docx_numbered_lines
    from extractors.read import read_document

    doc = read_document(data, name, rlimits)
    if doc.format == "docx":  # numbers from Word's automatic numbering are not in the text
        doc.metadata["numbered_lines"] = docx_numbered_lines(data)
    if doc.format in ("docx", "doc", "odt", "rtf", "wps"):  # the Title-styled paragraph names the draft
        from extractors.comments.title import docx_styled_titles

        styled = docx_styled_titles(doc.metadata.get("docx_bytes") or data)
        doc.metadata["title_styled"], doc.metadata["headings"] = styled["title"], styled["headings"]
    return doc


def _read_sheet_in_worker(data: bytes, name: str, rlimits) -> Document:
    from extractors import ocr
    from extractors.comments.scan import read_scanned
    from extractors.comments.signature import docx_signature_image
    from extractors.read import read_document

    with ocr.deferred():  # a scanned sheet is read cell by cell from its ruled table (one OCR pass)
        doc = read_document(data, name, rlimits)
    doc.metadata.pop("ocr_pending", None)
    if doc.needs_ocr:
        read_scanned(doc, data, rlimits)
    if doc.format == "docx":
        doc.metadata["signature_image"] = docx_signature_image(data)
    elif doc.format == "pdf" and not doc.ocr:  # an image or red seal ink in the signature cell
        from extractors.comments.signature import pdf_signature_image

        doc.metadata["signature_image"] = pdf_signature_image(data, doc)
    return doc


def _parse_sheet_in_worker(data: bytes, name: str, rlimits, expected_title: str | None) -> CommentSheet:
    """Read and parse in the worker (the parsing holds no server thread); a comment read from a scan
    brings the picture of its rows along (`sheet.pictures`: seq → JPEG) for the store to keep."""
    from extractors.comments.scan import region_image

    doc = _read_sheet_in_worker(data, name, rlimits)
    sheet = parse_sheet(doc, expected_title=expected_title)
    sheet.pictures = {c.seq: region_image(doc, c.region) for c in sheet.comments if c.region}  # type: ignore[attr-defined]
    return sheet


def parse_stored_sheets(
    blobs: BlobStore, items: list[tuple[str, str]], expected_title: str | None, limits: Limits | None = None
) -> list[CommentSheet]:
    """Each stored sheet [(file name, sha256)] read and parsed in its time-limited worker process: a
    sheet gets INTAKE_FILE_SECONDS in all (读取超时 past it). A file no longer matching its sha256, or that
    cannot be read, becomes a sheet with the error, naming it."""
    out: list[CommentSheet | None] = [None] * len(items)
    readable = []
    for n, (name, sha) in enumerate(items):
        if blobs.has(sha) and not blobs.verify(sha):
            out[n] = CommentSheet(file=name, sha256=sha, error=f"{name}: {Damaged(name)}", is_comment_sheet=False)
        else:
            readable.append(n)
    paths = [(items[n][0], blobs.path(items[n][1])) for n in readable]
    parsed = read_files_with(_parse_sheet_in_worker, paths, limits, extra=(expected_title,)) if paths else []
    for n, got in zip(readable, parsed):
        name, sha = items[n]
        if isinstance(got, ReadError):
            out[n] = CommentSheet(file=name, sha256=sha, error=got.error, is_comment_sheet=False)
        else:
            sheet = cast(CommentSheet, got)
            if sheet.error:
                sheet.error = f"{name}: {sheet.error}"
            out[n] = sheet
    return [s for s in out if s is not None]


def read_sheets(items, limits: Limits | None = None) -> list[Document | ReadError]:
    """Each sheet (a path or (name, bytes)) read in a time-limited worker, stamp images noted."""
    return read_files_with(_read_sheet_in_worker, items, limits)


def sheet_from(
    doc: Document | ReadError, name: str, sha256: str = "", expected_title: str | None = None
) -> CommentSheet:
    """What a read sheet says (or why it could not be read), its errors naming the file."""
    if isinstance(doc, ReadError):
        return CommentSheet(file=name, sha256=sha256 or doc.sha256, error=doc.error, is_comment_sheet=False)
    sheet = parse_sheet(doc, expected_title=expected_title)
    if sheet.error:
        sheet.error = f"{name}: {sheet.error}"
    return sheet
