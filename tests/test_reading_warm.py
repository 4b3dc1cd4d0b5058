"""Reading workers start warm and say where their time went (the benchmark of the upload path,
benchmarks/bench_first_precheck.py, reads these figures)."""

from __future__ import annotations

import threading

import photo_corpus as pc
import pytest

from extractors import ocr
from intake.config import Limits
from intake.reading import pipeline, warm, worker

pytestmark = pytest.mark.ocr
needs_engine = pytest.mark.skipif(not ocr.available(), reason=ocr.INSTALL_HINT)


def _in_a_server():
    """A second thread, as in the web service: workers then come from the fork server."""
    stop = threading.Event()
    t = threading.Thread(target=stop.wait, daemon=True)
    t.start()
    return stop


@needs_engine
def test_a_worker_of_the_web_service_starts_with_the_ocr_engine_loaded():
    stop = _in_a_server()
    try:
        assert threading.active_count() > 1
        [outcome] = worker.run_each(warm.engines_loaded, [()], seconds=120, workers=1)
    finally:
        stop.set()
    assert outcome.ok, outcome.error
    assert outcome.value == 1  # no model loading per file


@needs_engine
def test_a_photo_read_says_where_its_time_went(tmp_path, monkeypatch):
    monkeypatch.delenv("INTAKE_OCR_CACHE", raising=False)
    page = pc.tuned()[0]
    [extraction] = pipeline.extract_tracked([(f"{page.name}.jpg", page.bytes())], Limits(file_seconds=120), workers=1)
    spent = extraction.timings
    assert extraction.facts.type == page.expected["type"]
    for stage in ("worker_start", "read", "image", "detection", "recognition", "facts"):
        assert stage in spent and spent[stage] >= 0, (stage, spent)
    assert spent["recognition"] > 0 and spent["detection"] > 0
