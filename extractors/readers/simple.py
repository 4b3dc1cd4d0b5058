"""Images (one page waiting for OCR) and plain text / Markdown."""

from __future__ import annotations

import io

from ..model import Document, Line, Page


def read_image(data: bytes, doc: Document, subtype: str, max_pages: int = 300) -> Document:
    """One page per frame (a multi-page TIFF is a scanned bundle), each waiting for OCR."""
    width = height = None
    n_frames = 1
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as im:  # reads the header only, no pixels
            width, height = im.size
            n_frames = getattr(im, "n_frames", 1)
    except Exception:  # HEIC without a plugin, or a damaged image: OCR will say more
        pass
    doc.metadata.update({"image": subtype, "width_px": width, "height_px": height})
    if n_frames > 1:
        doc.metadata["frames"] = n_frames
    if n_frames > max_pages:
        doc.warnings.append(
            f"图片共 {n_frames} 帧，超过上限 {max_pages} 页：只读取前 {max_pages} 帧，跳过 {n_frames - max_pages} 帧"
        )
    doc.pages = [
        Page(number=n, width=width, height=height, needs_ocr=True) for n in range(1, min(n_frames, max_pages) + 1)
    ]
    return doc


def read_text(data: bytes, doc: Document, encoding: str) -> Document:
    if encoding == "utf-16":
        text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")
    pages = []
    for i, chunk in enumerate(text.split("\f"), start=1):
        pages.append(Page(number=i, lines=[Line.of(s.strip(), page=i) for s in chunk.splitlines() if s.strip()]))
    doc.pages = pages or [Page(number=1)]
    doc.metadata["encoding"] = encoding
    return doc
