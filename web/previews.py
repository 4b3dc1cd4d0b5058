"""Page previews: one PDF page rendered to PNG with pypdfium2 in a time-limited worker process
(intake.reading.worker: a hostile PDF cannot hang the server here either), cached by file hash and page."""
from __future__ import annotations

import io
from pathlib import Path

from intake.store.blobs import BlobStore

SCALE = 1.5  # ~108 dpi: legible, small
SECONDS = 20
MAX_PIXELS = 40_000_000  # a page declared absurdly large is not rendered


def _render(path: str, page: int, scale: float) -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"没有第 {page} 页")
        p = pdf[page - 1]
        w, h = p.get_size()
        if w * h * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (w * h)) ** 0.5
        image = p.render(scale=scale).to_pil()
    finally:
        pdf.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def render_page_png(store: BlobStore, sha256: str, page: int, cache: Path) -> bytes:
    cached = cache / f"{sha256}-{page}.png"
    if cached.exists():
        return cached.read_bytes()
    from intake.reading.worker import run_each

    outcome = run_each(_render, [(str(store.path(sha256)), page, SCALE)], seconds=SECONDS, workers=1)[0]
    if not outcome.ok:
        raise ValueError(outcome.error or "无法生成预览")
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    tmp.write_bytes(outcome.value)
    tmp.replace(cached)
    return outcome.value
