"""Page previews: one PDF page rendered to PNG with pypdfium2 in a time-limited worker process
(intake.reading.worker: a hostile PDF cannot hang the server here either, nor fill its memory: the
compressed streams are measured before pdfium sees them, and the worker is stopped past its memory
limit), cached by file hash and page."""

from __future__ import annotations

import io
from pathlib import Path

from intake.config import Limits
from intake.store.blobs import BlobStore

SCALE = 1.5  # ~108 dpi: legible, small
SECONDS = 20
MAX_PIXELS = 40_000_000  # a page declared absurdly large is not rendered


def _render(path: str, page: int, scale: float, max_inflated: int = 200 * 1024 * 1024) -> bytes:
    import pypdfium2

    from extractors.readers.pdf_streams import check_inflated

    with open(path, "rb") as f:
        data = f.read()
    check_inflated(data, max_inflated)
    pdf = pypdfium2.PdfDocument(data)
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


def render_page_png(store: BlobStore, sha256: str, page: int, cache: Path, limits: Limits | None = None) -> bytes:
    cached = cache / f"{sha256}-{page}.png"
    if cached.exists():
        return cached.read_bytes()
    from intake.reading.worker import run_each

    limits = limits or Limits.from_env()
    outcome = run_each(
        _render,
        [(str(store.path(sha256)), page, SCALE, limits.max_inflated_bytes)],
        seconds=SECONDS,
        workers=1,
        max_memory=limits.worker_memory_bytes,
    )[0]
    if not outcome.ok:
        raise ValueError(outcome.error or "无法生成预览")
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    tmp.write_bytes(outcome.value)
    tmp.replace(cached)
    return outcome.value
