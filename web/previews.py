"""Page previews: one PDF page rendered to PNG with pypdfium2 in a time-limited worker process
(intake.reading.worker: a hostile PDF cannot hang the server here either, nor fill its memory: the
compressed streams are measured before pdfium sees them, and the worker is stopped past its memory
limit), cached by file hash and page.

All requests share one PreviewPool: at most `workers` renders run at once, at most `waiting` more
wait for a turn (up to `wait_seconds`); past that a request is answered 503 with Retry-After instead
of starting another process. A page that cannot be rendered (it does not exist, the file is broken)
is remembered like a rendered one, so asking again costs nothing."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import anyio

from intake.config import Limits
from intake.errors import Unavailable
from intake.store.blobs import BlobStore

SCALE = 1.5  # ~108 dpi: legible, small
SECONDS = 20
MAX_PIXELS = 40_000_000  # a page declared absurdly large is not rendered
RETRY_AFTER = 5


class NoPreview(ValueError):
    """This page has no preview (a sentence for the person), now or later."""


class PreviewsBusy(Unavailable):
    retry_after = RETRY_AFTER  # seconds (the Retry-After header)

    def __init__(self):
        super().__init__("预览请求过多，请稍后再试")


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


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def cached(cache: Path, sha256: str, page: int) -> bytes | None:
    """The page's PNG when rendered before; NoPreview when it was found to have none."""
    png, none = cache / f"{sha256}-{page}.png", cache / f"{sha256}-{page}.none"
    if png.exists():
        return png.read_bytes()
    if none.exists():
        raise NoPreview(none.read_text(encoding="utf-8") or "无法生成预览")
    return None


def render_page_png(store: BlobStore, sha256: str, page: int, cache: Path, limits: Limits | None = None) -> bytes:
    """Render (in a worker) and cache; NoPreview, also cached, when the page cannot be rendered."""
    hit = cached(cache, sha256, page)
    if hit is not None:
        return hit
    from intake.reading.worker import run_each

    limits = limits or Limits.from_env()
    path = store.checked_path(sha256)  # a damaged original is not rendered (Damaged: not cached, it may be put right)
    outcome = run_each(
        _render,
        [(str(path), page, SCALE, limits.max_inflated_bytes)],
        seconds=SECONDS,
        workers=1,
        max_memory=limits.worker_memory_bytes,
    )[0]
    if not outcome.ok:  # the file never changes: neither does the answer
        error = outcome.error or "无法生成预览"
        _write(cache / f"{sha256}-{page}.none", error.encode("utf-8"))
        raise NoPreview(error)
    _write(cache / f"{sha256}-{page}.png", outcome.value)
    return outcome.value


class PreviewPool:
    """The fixed set of preview workers shared by every request (see the module's docstring)."""

    def __init__(self, cache: Path, limits: Limits, workers: int = 2, waiting: int = 8, wait_seconds: float = 30):
        self.cache, self.limits = cache, limits
        self.workers, self.waiting, self.wait_seconds = workers, waiting, wait_seconds
        self.lock = threading.Lock()
        self.running = 0
        self.queued = 0

    def _take_turn(self) -> bool:
        with self.lock:
            if self.running < self.workers:
                self.running += 1
                return True
            return False

    def _done(self) -> None:
        with self.lock:
            self.running -= 1

    async def page_png(self, store: BlobStore, sha256: str, page: int) -> bytes:
        """The page's PNG; NoPreview (not a page of it, unreadable), PreviewsBusy (503, try later)."""
        hit = cached(self.cache, sha256, page)
        if hit is not None:
            return hit
        await self._wait_for_turn()
        try:
            return await anyio.to_thread.run_sync(render_page_png, store, sha256, page, self.cache, self.limits)
        finally:
            self._done()

    async def _wait_for_turn(self) -> None:
        if self._take_turn():
            return
        with self.lock:
            if self.queued >= self.waiting:
                raise PreviewsBusy()
            self.queued += 1
        try:
            deadline = time.monotonic() + self.wait_seconds
            while not self._take_turn():
                if time.monotonic() > deadline:
                    raise PreviewsBusy()
                await anyio.sleep(0.05)
        finally:
            with self.lock:
                self.queued -= 1
