"""Page previews: one PDF page rendered to PNG with pypdfium2, cached by file hash and page."""
from __future__ import annotations

import io
from pathlib import Path

from intake.blobs import BlobStore

SCALE = 1.5  # ~108 dpi: legible, small


def render_page_png(store: BlobStore, sha256: str, page: int, cache: Path) -> bytes:
    cached = cache / f"{sha256}-{page}.png"
    if cached.exists():
        return cached.read_bytes()
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(store.path(sha256)))
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"没有第 {page} 页")
        image = pdf[page - 1].render(scale=SCALE).to_pil()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    tmp.write_bytes(buf.getvalue())
    tmp.replace(cached)
    return buf.getvalue()
