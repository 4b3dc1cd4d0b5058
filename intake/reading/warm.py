"""Imported by the fork server (worker.PRELOAD): every reading worker forked from it starts warm.

Without it each worker loaded the OCR models (~1.4 s on the shared 2-core machine) and compiled the
recognisers' patterns (~1 s) for every file it read. The engine is built with one onnxruntime
thread (extractors/data/ocr.yaml `threads`), so no thread pool exists yet at the fork and the
children use the parent's sessions safely. Nothing here may fail the fork server: a missing engine
is the readers' own business (the pages stay flagged with the install hint)."""

from __future__ import annotations

import logging

log = logging.getLogger("intake.reading.warm")


def warm() -> None:
    from intake.reading.pipeline import _prewarm

    _prewarm()
    try:
        from extractors import ocr, ocr_check

        if ocr.available():
            ocr.engine(ocr.load_settings())
        ocr.register_openers()  # pillow-heif: ~10 ms a photo when each worker imported it
        ocr_check.preload()  # the identifier formats of the OCR checks: ~9 ms a photo
    except Exception:  # the first page read says what is wrong, with the file's name
        log.exception("OCR engine not preloaded")


def engines_loaded() -> int:
    """How many OCR engines this process holds with their models in memory (a worker forked from the
    fork server: one, at start)."""
    from extractors import ocr

    return sum(1 for e in ocr._engines.values() if e.loaded())


warm()
