"""Scanned documents in the web service: the case page shows OCR progress per page while a scan
is read, and a scan whose read ran out of time with pages still waiting for OCR goes back in the
queue (the next read continues from the OCR cache) — a bounded number of times."""

from __future__ import annotations

import io
import threading

import ocr_scans as s
import pytest
from web_helpers import make_client, open_case, untimed, upload

from extractors import ocr
from intake.reading import pipeline
from intake.reading import readers as reading
from intake.store.db import open_db

pytestmark = pytest.mark.ocr

needs_engine = pytest.mark.skipif(not ocr.available(), reason=ocr.INSTALL_HINT)


def _two_page_scan() -> bytes:
    """An image-only PDF: the top of a scanned licence, then the top of a scanned certificate
    (kept small: OCR costs ~1 s a page)."""
    from PIL import Image

    def top(jpeg: bytes):
        im = Image.open(io.BytesIO(jpeg)).convert("RGB")
        return im.crop((0, 0, im.width, int(im.height * 0.4)))

    first = top(s.scan(s.licence(), dpi=150, seal=False))
    second = top(s.scan(s.certificate(), dpi=150, seal=False))
    buf = io.BytesIO()
    first.save(buf, "PDF", save_all=True, append_images=[second], resolution=150)
    return buf.getvalue()


def _uploaded(client, name: str, data: bytes) -> tuple[int, int]:
    """(case id, document id) of a file uploaded to a new case. The client is not entered, so the
    app's reader threads are not running: the test reads the queue itself, one read at a time."""
    case = open_case(client)
    assert upload(client, case["id"], [(name, data)]).status_code == 200
    return case["id"], client.app.state.reader.queue.get_nowait()


def _read_watching(client, case_id: int, doc_id: int) -> list[str]:
    """One read of the document (in a thread, as the server's readers do) while the case's report
    is polled like the case page does; returns every OCR progress text the page showed."""
    reader = client.app.state.reader
    done = threading.Event()
    failure: list[BaseException] = []

    def read():
        try:
            reader.read_one(open_db(reader.data), doc_id)
        except BaseException as e:  # noqa: BLE001 (reported by the test)
            failure.append(e)
        finally:
            done.set()

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    while not done.wait(0.03):
        for d in client.get(f"/api/cases/{case_id}/report").json()["documents"]:
            text = (d.get("ocr_progress") or {}).get("text")
            if text and text not in seen:
                seen.append(text)
    assert not failure, failure
    return seen


def _document(client, case_id: int, doc_id: int) -> dict:
    return next(d for d in client.get(f"/api/cases/{case_id}/report").json()["documents"] if d["document_id"] == doc_id)


@needs_engine
def test_scan_out_of_time_is_requeued_shows_progress_and_is_finished_by_the_next_read(tmp_path, monkeypatch):
    monkeypatch.setenv("INTAKE_OCR_CACHE", str(tmp_path / "ocr-cache"))
    plain = pipeline.read_limits

    def tight(limits):  # the file's OCR budget is spent after one page: the rest waits for the next read
        rl = plain(limits)
        object.__setattr__(rl, "ocr_seconds", 0.01)  # travels to the worker with the limits
        return rl

    monkeypatch.setattr(pipeline, "read_limits", tight)
    client = make_client(tmp_path)
    case_id, doc_id = _uploaded(client, "扫描件.pdf", _two_page_scan())
    sha = _document(client, case_id, doc_id)["sha256"]

    seen = _read_watching(client, case_id, doc_id)
    assert "识别中：第 1/2 页" in seen
    doc = _document(client, case_id, doc_id)
    assert doc["state"] == "queued" and doc["ocr_pending"] == [2] and doc["ocr_rounds"] == 1, doc
    assert doc["ocr_progress"]["text"] == "识别中：已完成 1/2 页，排队继续识别"
    assert "cert_number" not in doc["fields"]  # the certificate page is not read yet
    assert client.app.state.reader.queue.get_nowait() == doc_id  # back in the queue
    page = client.get(f"/cases/{case_id}/report-fragment?step=upload").text  # the 上传材料 step's list
    assert "识别中：已完成 1/2 页，排队继续识别" in page
    report = client.get(f"/api/cases/{case_id}/report").json()
    assert report["case"]["complete"] is False  # the page keeps polling

    seen = _read_watching(client, case_id, doc_id)
    assert "识别中：第 2/2 页" in seen
    doc = _document(client, case_id, doc_id)
    assert doc["state"] == "read" and doc["ocr"] is True and not doc.get("ocr_pending")
    assert doc["fields"]["cert_number"]["value"] == s.CERT_NUMBER  # read from page 2
    assert doc["fields"]["uscc"]["value"] == s.LICENCE_USCC  # page 1, from the cache
    assert "ocr_progress" not in doc and doc["ocr_rounds"] == 2
    assert ocr.cached_pages(sha) == {1, 2}
    assert client.app.state.reader.queue.empty()
    assert client.get(f"/api/cases/{case_id}/report").json()["case"]["complete"] is True


def _fake_reads(monkeypatch, new_page_each_read: bool):
    """A read that always comes back with page 9 still waiting for OCR; the OCR cache grows by one
    page per read when `new_page_each_read` (the engine is not what these tests are about)."""
    cached: set[int] = set()

    def read_file(path, name, sha, limits):
        if new_page_each_read:
            cached.add(len(cached) + 1)
        return {
            "file": name,
            "sha256": sha,
            "type": "other",
            "pages": 9,
            "ocr": True,
            "error": None,
            "fields": {},
            "warnings": ["第 9 页尚未 OCR（本次读取时间已用完）"],
            "ocr_pending": [9],
        }

    monkeypatch.setattr(reading, "read_file_timed", untimed(read_file))
    monkeypatch.setattr(ocr, "cached_pages", lambda sha, *a, **k: set(cached))


def test_requeueing_stops_after_the_round_limit_with_the_pages_named(tmp_path, monkeypatch):
    _fake_reads(monkeypatch, new_page_each_read=True)
    client = make_client(tmp_path)
    reader = client.app.state.reader
    reader.ocr_rounds = 3
    case_id, doc_id = _uploaded(client, "长扫描件.pdf", b"%PDF-1.4\n%%EOF\n")
    db = open_db(reader.data)
    states = []
    for _ in range(5):
        reader.read_one(db, doc_id)
        states.append(_document(client, case_id, doc_id)["state"])
        if reader.queue.empty():
            break
        assert reader.queue.get_nowait() == doc_id
    assert states == ["queued", "queued", "read"]
    doc = _document(client, case_id, doc_id)
    assert any("第 9 页读取 3 次后仍未完成 OCR" in w for w in doc["warnings"])
    assert client.get(f"/api/cases/{case_id}/report").json()["case"]["complete"] is True


def test_a_read_that_recognised_no_new_page_is_not_requeued(tmp_path, monkeypatch):
    _fake_reads(monkeypatch, new_page_each_read=False)
    client = make_client(tmp_path)
    reader = client.app.state.reader
    case_id, doc_id = _uploaded(client, "卡住的扫描件.pdf", b"%PDF-1.4\n%%EOF\n")
    reader.read_one(open_db(reader.data), doc_id)
    assert reader.queue.empty()
    doc = _document(client, case_id, doc_id)
    assert doc["state"] == "read" and any("读取 1 次后仍未完成 OCR" in w for w in doc["warnings"])


def test_a_worker_stopped_mid_ocr_is_requeued_without_showing_the_error(tmp_path, monkeypatch):
    cached: set[int] = set()

    def killed(path, name, sha, limits):  # the worker's hard limit stopped it after it cached a page
        cached.add(len(cached) + 1)
        return {"file": name, "sha256": sha, "error": f"{name}: 读取超时（超过 60 秒），已中止"}

    monkeypatch.setattr(reading, "read_file_timed", untimed(killed))
    monkeypatch.setattr(ocr, "cached_pages", lambda sha, *a, **k: set(cached))
    client = make_client(tmp_path)
    reader = client.app.state.reader
    case_id, doc_id = _uploaded(client, "很长的扫描件.pdf", b"%PDF-1.4\n%%EOF\n")
    reader.read_one(open_db(reader.data), doc_id)
    doc = _document(client, case_id, doc_id)
    assert doc["state"] == "queued" and not doc["error"] and reader.queue.get_nowait() == doc_id
    monkeypatch.setattr(ocr, "cached_pages", lambda sha, *a, **k: {1})  # now it is stuck
    reader.read_one(open_db(reader.data), doc_id)
    doc = _document(client, case_id, doc_id)
    assert doc["state"] == "failed" and "已中止" in doc["error"] and reader.queue.empty()
