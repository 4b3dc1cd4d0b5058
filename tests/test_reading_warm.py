"""Reading workers start warm and say where their time went (the benchmark of the upload path,
benchmarks/bench_first_precheck.py, reads these figures)."""

from __future__ import annotations

import os
import threading
import time

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


_kept: list[bytes] = []


def _keep(mb: int) -> int:
    """Holds `mb` MB in this worker after returning (as a reader whose heap stays grown would)."""
    _kept.append(b"x" * (mb * 1024 * 1024))
    return os.getpid()


def _pids(n: int, **kw) -> list[int]:
    outcomes = worker.run_each(os.getpid, [()] * n, seconds=60, workers=1, **kw)
    assert all(o.ok for o in outcomes), outcomes
    return [o.value for o in outcomes]


def test_a_worker_of_the_web_service_reads_the_next_file_without_starting_again():
    stop = _in_a_server()
    try:
        first, second = _pids(2)
        [third] = _pids(1)  # a later upload
    finally:
        stop.set()
    assert first == second == third != os.getpid()


def test_a_worker_stopped_for_its_time_or_crashed_is_never_used_again():
    stop = _in_a_server()
    try:
        [waiting] = _pids(1)
        [late] = worker.run_each(time.sleep, [(30,)], seconds=1, workers=1)  # takes the waiting worker
        [after_timeout] = _pids(1)
        [crashed] = worker.run_each(os._exit, [(3,)], seconds=30, workers=1)
        [after_crash] = _pids(1)
    finally:
        stop.set()
    assert not late.ok and "读取超时" in late.error
    assert after_timeout != waiting
    assert not crashed.ok and "意外退出" in crashed.error
    assert after_crash != after_timeout


def test_a_worker_that_keeps_much_memory_or_waited_long_is_replaced(monkeypatch):
    stop = _in_a_server()
    try:
        [big] = worker.run_each(_keep, [(300,)], seconds=60, workers=1, max_memory=1024 * 1024 * 1024)
        [after_big] = _pids(1, max_memory=1024 * 1024 * 1024)
        monkeypatch.setattr(worker, "IDLE_SECONDS", 0.0)
        time.sleep(0.05)
        [after_idle] = _pids(1)
    finally:
        stop.set()
    assert big.ok, big.error
    assert after_big != big.value  # 300 MB kept: over a quarter of the 1 GB limit
    assert after_idle != after_big


@needs_engine
def test_a_kept_worker_reads_with_the_ocr_cache_of_whoever_asks(tmp_path, monkeypatch):
    """A worker kept from a service with one data directory must not answer the next caller from that
    directory's OCR cache."""
    page = pc.tuned()[0]
    item = [(f"{page.name}.jpg", page.bytes())]
    stop = _in_a_server()
    try:
        monkeypatch.setenv("INTAKE_OCR_CACHE", str(tmp_path / "ocr-cache"))
        [first] = pipeline.extract_tracked(item, Limits(file_seconds=120), workers=1)
        [pid_then] = _pids(1)
        monkeypatch.delenv("INTAKE_OCR_CACHE")
        [again] = pipeline.extract_tracked(item, Limits(file_seconds=120), workers=1)
        [pid_now] = _pids(1)
    finally:
        stop.set()
    assert pid_then == pid_now  # the same worker read both
    assert first.timings["detection"] > 0 and first.facts.type == page.expected["type"]
    assert again.timings.get("detection", 0) > 0, "read from the other directory's OCR cache"
    assert again.facts.to_json()["fields"] == first.facts.to_json()["fields"]
