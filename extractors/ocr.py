"""OCR: scanned PDF pages and photos become ordinary lines, tables and confidences.

    ocr_document(doc, data, limits)   # fills doc's pages with needs_ocr, in place (read_document calls it)
    progress_of(sha256) -> dict       # last page event of a file, from any process (the web polls it)
    cached_pages(sha256) -> {pages}   # pages already recognised (cached): a re-read continues after them
    with deferred(): read_document(…)  # read now, OCR later (pages stay flagged, metadata["ocr_pending"])
    available() / INSTALL_HINT         # is the engine installed; what to tell the user when not
    recognize(image) -> [OcrBox]       # one RGB image (PIL or numpy) → text boxes in pixels
    load_settings() -> OcrSettings     # extractors/data/ocr.yaml

The engine is rapidocr 3.x (PP-OCRv6 models inside its wheel, onnxruntime, offline; see ocr_engine). It
is optional at run time: without it the pages stay flagged "needs OCR" with the
install hint, and nothing is dropped.

Cost control: one page at a time with a per-page time limit; each page's boxes are
cached on disk by the file's sha256, the page number and the engine settings
(`cache_dir=` or the environment variable INTAKE_OCR_CACHE), so reading a file again
never re-OCRs it. A progress callback (`progress=` or the `reporting()` context)
hears about every page.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import io
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from . import ocr_engine, stages
from .model import Document, Page
from .ocr_layout import Layout, OcrBox

__all__ = [
    "ocr_document",
    "available",
    "INSTALL_HINT",
    "recognize",
    "load_settings",
    "OcrSettings",
    "OcrProgress",
    "reporting",
    "OcrTimeout",
    "cache_path",
    "suppress_seals",
    "page_images",
    "read_image",
    "deferred",
    "progress_of",
    "cached_pages",
]

log = logging.getLogger(__name__)

INSTALL_HINT = "OCR 引擎未安装：`make run` 会安装；或执行 `pip install -r requirements-ocr.txt`"
DATA = Path(__file__).parent / "data" / "ocr.yaml"
CACHE_FORMAT = 1


@dataclass(frozen=True)
class OcrSettings:
    engine: str = "rapidocr"
    dpi: int = 200
    max_side_len: int = 2000
    det_limit_side_len: int = 960
    det_limit_type: str = "max"
    det_unclip_ratio: float = 1.6
    rec_batch: int = 1
    use_cls: bool = False
    suppress_seals: bool = True
    suppress_stamps: bool = True
    seal_white_point: int = 200
    min_line_score: float = 0.5
    retry_below_score: float = 0.80
    threads: int = 1
    page_seconds: float = 90
    max_pixels: int = 60_000_000
    review_below: float = 0.98
    row_labels: tuple[str, ...] = ()

    ENGINE_KEYS = (
        "engine",
        "dpi",
        "max_side_len",
        "det_limit_side_len",
        "det_limit_type",
        "det_unclip_ratio",
        "rec_batch",
        "use_cls",
        "suppress_seals",
        "suppress_stamps",
        "seal_white_point",
        "min_line_score",
    )

    def fingerprint(self) -> str:
        """Changes whenever a setting that changes what the engine reads changes."""
        key = {k: getattr(self, k) for k in self.ENGINE_KEYS}
        key["engine"] = _engine_version(self)
        key["format"] = CACHE_FORMAT
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:12]


_parsed: dict[tuple, dict] = {}  # (path, mtime, size) -> the file's mapping: parsed once per version


def _settings_file(path: Path) -> dict:
    """ocr.yaml's mapping, parsed again only when the file changes (a read asks for the settings
    several times: the pages, the cache's keys, the engine)."""
    import yaml

    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    raw = _parsed.get(key)
    if raw is None:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _parsed.clear()
        _parsed[key] = raw
    return raw


def load_settings(path: Path | str | None = None, **overrides) -> OcrSettings:
    raw = _settings_file(Path(path or DATA))
    known = {f.name for f in fields(OcrSettings)}
    values = {k: v for k, v in raw.items() if k in known}
    if "row_labels" in values:
        values["row_labels"] = tuple(values["row_labels"])
    values.update(overrides)
    return OcrSettings(**values)


@dataclass
class OcrProgress:
    file: str
    page: int
    done: int  # pages finished so far, this one included
    total: int  # pages of this file that need OCR
    # "running" (started; done = pages before it) | "ocr" (read now) | "cached" | "timeout" | "error"
    # | "unavailable" (no engine) | "pending" (the file's time ran out; the next read continues)
    status: str
    seconds: float = 0.0
    message: str = ""


Progress = Callable[[OcrProgress], None]
_progress: contextvars.ContextVar[Progress | None] = contextvars.ContextVar("ocr_progress", default=None)


@contextlib.contextmanager
def reporting(progress: Progress) -> Iterator[None]:
    """Every page OCRed inside the block is reported to `progress` (reading via read_document included)."""
    token = _progress.set(progress)
    try:
        yield
    finally:
        _progress.reset(token)


_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("ocr_deferred", default=False)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Read without OCR inside the block: pages stay `needs_ocr` for a later `ocr_document` call.

    For a pre-check that must answer at once: read every file fast, show what the text
    layers say, then OCR the flagged pages in the background and read the facts again.
    """
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


class OcrTimeout(Exception):
    pass


# -- the engine ----------------------------------------------------------------------------


def available(settings: OcrSettings | None = None) -> bool:
    try:
        import cv2  # noqa: F401
    except Exception:  # ImportError, or a broken native library
        return False
    return ocr_engine.installed((settings or load_settings()).engine)


def _engine_version(settings: OcrSettings | None = None) -> str:
    name = (settings or load_settings()).engine
    return f"{name} {ocr_engine.engine_version(name)}"


_engines: dict[tuple, Any] = {}
_engine_lock = threading.Lock()


def engine(settings: OcrSettings):
    """One engine instance per process and settings (loading the models costs ~0.5 s)."""
    key = (
        settings.engine,
        settings.max_side_len,
        settings.det_limit_side_len,
        settings.det_limit_type,
        settings.det_unclip_ratio,
        settings.rec_batch,
        settings.threads,
    )
    with _engine_lock:
        if key not in _engines:
            _engines[key] = ocr_engine.load(settings.engine, settings)
        return _engines[key]


def suppress_seals(rgb, white_point: int = 200, stamps: bool = True):
    """Red seals (and, with `stamps`, blue stamps) out, black print kept: each pixel's brightest
    channel (without `stamps`: the red one), the paper flattened.

    Coloured ink is bright in its own channel (a red seal in red, a blue 副本 stamp in blue),
    dark print is dark in all three, and print under a seal stays dark. Dividing by a blurred
    background evens out shadows of a phone photo, then everything lighter than `white_point`
    becomes white, taking the ink's faint trace (and a light watermark) with it. Print in a
    saturated colour goes too; dark navy text (the usual "blue" print) stays.
    """
    import cv2
    import numpy as np

    # (channel by channel, in place: the same pixels as rgb.max(axis=-1) and one-expression
    # arithmetic, in a tenth of the time of the former's reduction over a 3-wide axis)
    r = np.maximum(np.maximum(rgb[..., 0], rgb[..., 1]), rgb[..., 2]) if stamps else np.ascontiguousarray(rgb[..., 0])
    bg = cv2.medianBlur(cv2.dilate(r, np.ones((7, 7), np.uint8)), 31)
    flat = r.astype(np.float32)
    flat /= np.maximum(bg, 1).astype(np.float32)
    flat *= 255.0
    flat *= 255.0 / white_point
    np.clip(flat, 0, 255, out=flat)
    out = flat.astype(np.uint8)
    return cv2.merge([out, out, out])


def recognize(image, settings: OcrSettings | None = None, deadline: float | None = None) -> list[OcrBox]:
    """Text boxes of one image, in pixels of the image turned the way it reads (see `read_image`)."""
    return read_image(image, settings, deadline)[0]


def read_image(image, settings: OcrSettings | None = None, deadline: float | None = None) -> tuple[list[OcrBox], int]:
    """(boxes, quarter turns counter-clockwise that made the image read best).

    Boxes are in pixels of the turned image: a page scanned sideways is laid out the way
    a person would turn it. Raises OcrTimeout past `deadline` (time.monotonic()).
    """
    import numpy as np

    settings = settings or load_settings()
    rgb = np.asarray(image.convert("RGB")) if hasattr(image, "convert") else np.asarray(image)
    if settings.suppress_seals:
        with stages.stage("image"):
            rgb = suppress_seals(rgb, settings.seal_white_point, settings.suppress_stamps)
            bgr = rgb  # grey: the same in either channel order
    else:
        bgr = np.ascontiguousarray(rgb[..., ::-1])
    boxes, detected = _recognize_bgr(bgr, settings, deadline, settings.use_cls)
    reads_badly = detected >= 3 and (len(boxes) < detected / 2 or _mean_score(boxes) < settings.retry_below_score)
    if reads_badly or _mostly_vertical(boxes):
        with stages.redirect("extra_passes"):
            return _retry_turned(rgb, boxes, settings, deadline)
    return boxes, 0


def _mostly_vertical(boxes: list[OcrBox]) -> bool:
    """Most boxes taller than wide: text running down the page, i.e. the page is sideways."""
    tall = sum(1 for b in boxes if (b.bbox[3] - b.bbox[1]) > 1.5 * (b.bbox[2] - b.bbox[0]))
    return len(boxes) >= 3 and tall > len(boxes) / 2


def _mean_score(boxes: list[OcrBox]) -> float:
    n = sum(len(b.text) for b in boxes)
    return sum(b.score * len(b.text) for b in boxes) / n if n else 0.0


def _retry_turned(rgb, boxes: list[OcrBox], settings: OcrSettings, deadline: float | None) -> tuple[list[OcrBox], int]:
    """A page that reads badly may be upside down or sideways: try it turned, keep the best reading.

    "Best" is the most confidently read text (characters × score), so a turn that reads the
    whole page beats one where only a few stray boxes came through.
    """
    import numpy as np

    def quality(found: list[OcrBox]) -> float:
        return 0.0 if _mostly_vertical(found) else sum(b.score * len(b.text) for b in found)

    best, best_turns, best_q = boxes, 0, quality(boxes)
    order = (1, 3, 2) if _mostly_vertical(boxes) else (2, 1, 3)
    for k in order:  # quarter turns counter-clockwise
        turned = np.ascontiguousarray(np.rot90(rgb, k)[..., ::-1])
        found, detected = _recognize_bgr(turned, settings, deadline, use_cls=False)
        q = quality(found)
        if q > 1.1 * best_q:
            best, best_turns, best_q = found, k, q
            if len(found) >= detected / 2 and _mean_score(found) >= settings.retry_below_score:
                break  # reads well this way round
    return best, best_turns


def _recognize_bgr(img, settings: OcrSettings, deadline: float | None, use_cls: bool) -> tuple[list[OcrBox], int]:
    """(boxes recognised with a score of at least min_line_score, boxes the detector found)."""
    import numpy as np

    eng = engine(settings)
    with stages.stage("detection"):
        crops, quads = eng.detect(img)
    _check(deadline)
    if not crops:
        return [], 0
    if use_cls:
        crops = eng.upright(crops)
        _check(deadline)
    rec: list[tuple[str, float]] = []
    step = 24  # recognise in slices so the page's time limit is checked as we go
    for i in range(0, len(crops), step):
        with stages.stage("recognition"):
            rec.extend(eng.read(crops[i : i + step]))
        _check(deadline)
    out = []
    for quad, (text, score) in zip(quads, rec):
        if text.strip() and score >= settings.min_line_score:
            out.append(OcrBox(quad=[(float(x), float(y)) for x, y in np.asarray(quad)], text=text, score=score))
    return out, len(crops)


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise OcrTimeout()


# -- pages of a document ------------------------------------------------------------------


@dataclass
class PageImage:
    number: int  # 1-based page
    image: Any  # PIL RGB image, upright
    scale: float  # page units per pixel (PDF: points; images: pixels, so 1.0)
    width: float  # page size in page units
    height: float


def register_openers() -> None:
    """HEIC photos (iPhone) open like any other image once pillow-heif is registered with Pillow."""
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:
        pass


def _open_image(data: bytes, max_pixels: int):
    from PIL import Image

    register_openers()
    try:  # Pillow refuses > 2 × Image.MAX_IMAGE_PIXELS itself; our own, lower limit is checked below
        im = Image.open(io.BytesIO(data))
        im.size  # noqa: B018 - header read
    except Image.DecompressionBombError as e:
        raise ValueError(f"图片过大（超过 {max_pixels // 1_000_000} 百万像素）") from e
    except Exception as e:
        heic = data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc", b"ftypmsf1")
        if heic:
            raise ValueError("HEIC 图片需要 pillow-heif 才能读取（requirements-ocr.txt）") from e
        raise ValueError(f"图片无法解码（{type(e).__name__}）") from e
    if im.width * im.height > max_pixels:
        raise ValueError(f"图片过大（{im.width}×{im.height} 像素）")
    return im


def page_images(
    doc: Document, data: bytes, numbers: list[int], settings: OcrSettings, max_pages: int = 300
) -> Iterator[PageImage]:
    """The pages `numbers` as upright RGB images, one at a time (a page's pixels are freed before the next)."""
    if doc.format == "image":
        from PIL import ImageOps

        im = _open_image(data, settings.max_pixels)
        n_frames = min(getattr(im, "n_frames", 1), max_pages)
        for n in numbers:
            if n > n_frames:
                continue
            if n_frames > 1:
                im.seek(n - 1)
            try:
                frame = ImageOps.exif_transpose(im).convert("RGB")  # phone photos are stored sideways
            except (OSError, SyntaxError) as e:  # truncated or corrupt pixel data
                raise ValueError(f"图片数据损坏或不完整（{e}）") from e
            yield PageImage(n, frame, 1.0, frame.width, frame.height)
        return
    if doc.format != "pdf":
        return
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        scale = settings.dpi / 72
        for n in numbers:
            page = pdf[n - 1]
            w, h = page.get_size()
            if w * h * scale * scale > settings.max_pixels:  # a poster-sized page: fewer dpi
                scale = (settings.max_pixels / (w * h)) ** 0.5
            image = page.render(scale=scale).to_pil().convert("RGB")
            page.close()
            yield PageImage(n, image, 1 / scale, w, h)
    finally:
        pdf.close()


def cache_path(cache_dir: Path | str, sha256: str, page: int, settings: OcrSettings) -> Path:
    return Path(cache_dir) / sha256[:2] / f"{sha256}-p{page}-{settings.fingerprint()}.json"


def _cache_dir(explicit: Path | str | None) -> Path | None:
    value = explicit or os.environ.get("INTAKE_OCR_CACHE")
    return Path(value) if value else None


def _load_cached(path: Path | None) -> dict | None:
    if path is None or not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a damaged entry is read again


def _store(path: Path | None, entry: dict) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:  # a read-only cache must not stop reading
        log.warning("OCR cache not written (%s): %s", path, e)


def _needing(doc: Document, data: bytes, settings: OcrSettings, max_pages: int) -> list[int]:
    """Page numbers that need OCR; a multi-frame TIFF gets one page per frame here."""
    frames = doc.metadata.get("frames") or 1
    if doc.format == "image" and frames > 1 and len(doc.pages) == 1:
        first = doc.pages[0]
        for n in range(2, min(frames, max_pages) + 1):
            doc.pages.append(Page(number=n, needs_ocr=True))
        if frames > max_pages:
            doc.warnings.append(f"图片共 {frames} 帧，只识别了前 {max_pages} 帧")
        first.needs_ocr = True
    return [p.number for p in doc.pages if p.needs_ocr and not p.ocr]


def ocr_document(
    doc: Document,
    data: bytes,
    limits=None,
    *,
    settings: OcrSettings | None = None,
    cache_dir: Path | str | None = None,
    progress: Progress | None = None,
) -> Document:
    """Recognise every page of `doc` that needs OCR, in place, and return `doc`.

    Each such page gets OCR lines (bbox in page units, per-line confidence), tables
    rebuilt from box positions and `page.ocr = True`; `needs_ocr` stays True to say
    where the text came from. Pages that cannot be read (no engine, time limit, bad
    image) stay flagged, with a warning on the document; nothing is dropped.
    """
    if _deferred.get():
        doc.metadata["ocr_pending"] = [p.number for p in doc.pages if p.needs_ocr and not p.ocr]
        return doc
    settings = settings or load_settings()
    progress = progress or _progress.get()
    max_pages = getattr(limits, "max_pages", 300)
    numbers = _needing(doc, data, settings, max_pages)
    if not numbers:
        return doc
    cache = _cache_dir(cache_dir)
    if not available():
        doc.warnings.append(f"第 {_pages_text(numbers)} 页没有可用的文字层，需要 OCR。{INSTALL_HINT}")
        doc.metadata["ocr_missing"] = INSTALL_HINT
        for i, n in enumerate(numbers, 1):
            _report(
                progress,
                OcrProgress(doc.file, n, i, len(numbers), "unavailable", message=INSTALL_HINT),
                doc.sha256,
                cache,
            )
        return doc
    pages = {p.number: p for p in doc.pages}
    layout = Layout(settings.row_labels, rebuilt_confidence=round(settings.review_below - 0.05, 3))
    todo = []
    turned: dict[int, int] = {}
    for n in numbers:  # cached pages first, without decoding anything
        entry = _load_cached(cache_path(cache, doc.sha256, n, settings) if cache and doc.sha256 else None)
        if entry is not None:
            turned[n] = _fill(pages[n], entry, layout)
            _report(progress, OcrProgress(doc.file, n, numbers.index(n) + 1, len(numbers), "cached"), doc.sha256, cache)
        else:
            todo.append(n)
    failed: list[int] = []
    budget = _file_budget(limits)
    started = time.monotonic()
    try:
        images = stages.timed_iter(page_images(doc, data, todo, settings, max_pages), "image")
        for pi in images:
            t0 = time.monotonic()
            done = numbers.index(pi.number) + 1
            if budget is not None and t0 - started > budget and pi.number != todo[0]:  # always progress
                rest = todo[todo.index(pi.number) :]
                doc.metadata["ocr_pending"] = rest
                doc.warnings.append(
                    f"第 {_pages_text(rest)} 页尚未 OCR（本次读取时间已用完）；再次读取会从这里继续，"
                    "已识别的页不会重新识别"
                )
                for n in rest:
                    _report(
                        progress,
                        OcrProgress(doc.file, n, numbers.index(n) + 1, len(numbers), "pending"),
                        doc.sha256,
                        cache,
                    )
                break
            _report(progress, OcrProgress(doc.file, pi.number, done - 1, len(numbers), "running"), doc.sha256, cache)
            try:
                boxes, turns = read_image(pi.image, settings, deadline=t0 + settings.page_seconds)
            except OcrTimeout:
                failed.append(pi.number)
                doc.warnings.append(f"第 {pi.number} 页 OCR 超过 {settings.page_seconds:g} 秒，已跳过，请人工核对")
                _report(
                    progress,
                    OcrProgress(doc.file, pi.number, done, len(numbers), "timeout", time.monotonic() - t0),
                    doc.sha256,
                    cache,
                )
                continue
            except MemoryError:
                raise
            except Exception as e:  # an engine failure on one page must not lose the others
                log.exception("OCR failed on page %s of %s", pi.number, doc.file)
                failed.append(pi.number)
                doc.warnings.append(f"第 {pi.number} 页 OCR 出错（{type(e).__name__}），该页需人工核对")
                _report(
                    progress,
                    OcrProgress(doc.file, pi.number, done, len(numbers), "error", message=str(e)[:200]),
                    doc.sha256,
                    cache,
                )
                continue
            entry = {
                "format": CACHE_FORMAT,
                "engine": _engine_version(settings),
                "settings": {k: getattr(settings, k) for k in settings.ENGINE_KEYS},
                "scale": pi.scale,
                "turns": turns,
                "width": pi.height if turns % 2 else pi.width,
                "height": pi.width if turns % 2 else pi.height,
                "seconds": round(time.monotonic() - t0, 2),
                "boxes": [[[list(p) for p in b.quad], b.text, round(b.score, 4)] for b in boxes],
            }
            if doc.sha256:
                _store(cache_path(cache, doc.sha256, pi.number, settings) if cache else None, entry)
            turned[pi.number] = _fill(pages[pi.number], entry, layout)
            pi.image.close()
            _report(
                progress,
                OcrProgress(doc.file, pi.number, done, len(numbers), "ocr", entry["seconds"]),
                doc.sha256,
                cache,
            )
    except (ValueError, OSError) as e:  # an image that cannot be decoded: the pages stay flagged
        doc.warnings.append(f"无法进行 OCR：{e}")
        for n in (n for n in todo if not pages[n].ocr):
            _report(
                progress,
                OcrProgress(doc.file, n, numbers.index(n) + 1, len(numbers), "error", message=str(e)),
                doc.sha256,
                cache,
            )
    read = [n for n in numbers if pages[n].ocr]
    if read:
        low = sum(1 for n in read for l in pages[n].lines if l.confidence < settings.review_below)
        doc.metadata["ocr"] = {
            "pages": read,
            "engine": _engine_version(settings),
            "review_below": settings.review_below,
            "low_confidence_lines": low,
            "turned": {n: t for n, t in turned.items() if t},
        }
        if not any(pages[n].lines for n in read):
            doc.warnings.append(f"第 {_pages_text(read)} 页 OCR 未识别出文字（空白页或图片质量太差）")
    return doc


def _file_budget(limits) -> float | None:
    """Seconds this file may spend starting new OCR pages, so a long scan returns what it has read
    (cached) before the worker's hard limit kills it. ReadLimits.ocr_seconds if the caller set one,
    else a little under the per-file limit the pipeline passes as convert_seconds."""
    seconds = getattr(limits, "ocr_seconds", None)
    if seconds is None and getattr(limits, "convert_seconds", None):
        seconds = max(10.0, limits.convert_seconds - 10)
    return seconds


def _fill(page: Page, entry: dict, layout: Layout) -> int:
    scale = float(entry.get("scale") or 1.0)
    boxes = [
        OcrBox(quad=[(x * scale, y * scale) for x, y in quad], text=text, score=score)
        for quad, text, score in entry.get("boxes", [])
    ]
    page.lines, page.tables = layout.page(boxes, page.number)
    page.width = entry.get("width") or page.width
    page.height = entry.get("height") or page.height
    page.ocr = True
    page.needs_ocr = True
    return int(entry.get("turns") or 0)


def _report(progress: Progress | None, event: OcrProgress, sha256: str = "", cache: Path | None = None) -> None:
    if cache is not None and sha256:
        _store(_progress_path(cache, sha256), {**asdict(event), "at": time.time()})
    if progress is None:
        return
    try:
        progress(event)
    except Exception:  # a broken progress display must not stop reading
        log.exception("OCR progress callback failed")


def _progress_path(cache: Path, sha256: str) -> Path:
    return Path(cache) / "progress" / f"{sha256}.json"


def progress_of(sha256: str, cache_dir: Path | str | None = None) -> dict | None:
    """The last OCR progress event of a file, from any process: {"page", "done", "total", "status",
    "seconds", "at", …}, or None when it never needed OCR (or no cache dir is set).

    The reading workers are separate processes; a web page polls this to show "OCR 3/12 页".
    """
    cache = _cache_dir(cache_dir)
    return _load_cached(_progress_path(cache, sha256)) if cache else None


def cached_pages(sha256: str, cache_dir: Path | str | None = None, settings: OcrSettings | None = None) -> set[int]:
    """Page numbers of a file whose OCR is in the cache at these settings (a re-read will not redo them)."""
    cache = _cache_dir(cache_dir)
    if cache is None or not sha256:
        return set()
    settings = settings or load_settings()
    suffix = f"-{settings.fingerprint()}.json"
    folder = cache_path(cache, sha256, 0, settings).parent
    pages = set()
    for path in folder.glob(f"{sha256}-p*{suffix}"):
        number = path.name[len(sha256) + 2 : -len(suffix)]
        if number.isdigit():
            pages.add(int(number))
    return pages


def _pages_text(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:20])
    return shown + (" 等" if len(numbers) > 20 else "")
