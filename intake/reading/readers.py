"""Reading uploaded documents in the background: a queue in the server feeding a few threads,
each of which hands one file to the time-limited worker of `intake.reading.pipeline` (a hostile PDF
cannot hang the server) and records the document's state: queued → reading → read | failed.

Long scans: OCR stops starting pages shortly before the file's time limit and returns what it
read (cached per page); such a document goes back in the queue (state queued, the partial facts
kept) and the next read continues from the cache. It is re-queued only while each read
recognises at least one new page, and at most `ocr_rounds` times; after that it is read with
the pages still missing named in a warning.

Nothing stops a reader thread: when even recording a failure fails (a full disk, a locked or
broken database), the document is left as it was and tried again after a pause that grows (5 s
up to 5 min), so reading resumes by itself once space is freed. `alive()` tells /healthz."""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from pathlib import Path

from extractors import ocr
from intake.cases import chat as case_chat
from intake.cases.case import pending_documents, set_document_state
from intake.config import Limits
from intake.reading.pipeline import extract_tracked
from intake.reading.worker import start_fork_server
from intake.store.blobs import BlobStore, Damaged
from intake.store.db import open_db

log = logging.getLogger("intake.reading.readers")

OCR_ROUNDS = 30  # reads of one document while its OCR continues: with the 60 s file limit, ~30 min
RETRY_FIRST, RETRY_MAX = 5.0, 300.0  # seconds before a document whose state could not be recorded is tried again


def read_file(path: Path, file_name: str, sha256: str, limits: Limits) -> dict:
    """One file → the contract's `intake extract` object (error set when it could not be read),
    plus `ocr_pending` (page numbers) when its time ran out before OCR had read every page."""
    extraction = extract_tracked([(file_name, Path(path))], limits=limits, workers=1)[0]  # read by the worker
    result = extraction.facts.to_json()
    if extraction.ocr_pending:
        result["ocr_pending"] = extraction.ocr_pending
    return result


class DocumentReader:
    """Background readers for one data directory. `submit(doc_id)` queues a document;
    documents left queued/reading by a previous run are re-queued on `start()`."""

    def __init__(self, data: str | Path, limits: Limits, threads: int = 2, ocr_rounds: int = OCR_ROUNDS):
        self.data = data
        self.limits = limits
        self.ocr_rounds = ocr_rounds
        self.store = BlobStore(data)
        self.queue: queue.Queue[int | None] = queue.Queue()
        self.threads = [
            threading.Thread(target=self._run, name=f"reader-{i}", daemon=True) for i in range(max(1, threads))
        ]
        self._started = False
        self._stopping = False
        self._retry_after = RETRY_FIRST
        self._retrying: set[int] = set()
        self._lock = threading.Lock()
        self.observers: list = []  # callables(event: str, **details) — metrics

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        if threading.current_thread() is threading.main_thread():
            start_fork_server()  # tied to this (main) thread: it and its workers die with the server
        for t in self.threads:
            t.start()
        for doc_id in pending_documents(open_db(self.data)):
            self.queue.put(doc_id)

    def stop(self) -> None:
        self._stopping = True
        for _ in self.threads:
            self.queue.put(None)

    def alive(self) -> int:
        """How many reader threads are running."""
        return sum(t.is_alive() for t in self.threads)

    def depth(self) -> int:
        """Documents waiting in the queue (retries included)."""
        return self.queue.qsize() + len(self._retrying)

    def _notify(self, event: str, **details) -> None:
        for observe in self.observers:
            try:
                observe(event, **details)
            except Exception:
                log.exception("observer of %s", event)

    def submit(self, doc_id: int) -> None:
        self.queue.put(doc_id)

    def _run(self) -> None:
        db = None
        while True:
            doc_id = self.queue.get()
            try:
                if doc_id is None:
                    return
                db = db or open_db(self.data)
                self._read_safely(db, doc_id)
            except BaseException:  # never let the thread end: the loop goes on with the next document
                log.exception("reader loop, document %s", doc_id)
                db = _reset(db)
            finally:
                self.queue.task_done()

    def _read_safely(self, db, doc_id: int) -> None:
        try:
            self.read_one(db, doc_id)
            self._retry_after = RETRY_FIRST
            return
        except Exception as e:  # a bug must not kill the reader thread
            log.exception("reading document %s", doc_id)
            problem = e
        _reset(db, close=False)
        try:
            if _storage_problem(problem):
                raise problem  # the disk or the database: try the document again later, as it was
            set_document_state(db, doc_id, "failed", error=f"内部错误：{type(problem).__name__}")
            self._notify("failed", reason="internal")
        except Exception:  # cannot even record it (disk full): leave it queued and come back
            log.warning("document %s: state not recorded (%s); retrying in %.0f s", doc_id, problem, self._retry_after)
            _reset(db, close=False)
            self._retry_later(doc_id)

    def _retry_later(self, doc_id: int) -> None:
        delay = self._retry_after
        self._retry_after = min(RETRY_MAX, self._retry_after * 2)
        with self._lock:
            self._retrying.add(doc_id)

        def again():
            with self._lock:
                self._retrying.discard(doc_id)
            if not self._stopping:
                self.queue.put(doc_id)

        timer = threading.Timer(delay, again)
        timer.daemon = True
        timer.start()

    def read_one(self, db, doc_id: int) -> None:
        row = db.table("documents").get(doc_id)
        if row["state"] not in ("queued", "reading"):
            return
        set_document_state(db, doc_id, "reading")
        sha = row["sha256"]
        if self.store.has(sha) and not self.store.verify(sha):  # re-read only what is still the original
            error = str(Damaged(row["file_name"]))
            set_document_state(
                db, doc_id, "failed", error=error, facts={"file": row["file_name"], "sha256": sha, "error": error}
            )
            return
        before = ocr.cached_pages(sha)
        started = time.monotonic()
        result = read_file(self.store.path(sha), row["file_name"], sha, self.limits)
        self._notify("read", seconds=time.monotonic() - started, ocr=bool(result.get("ocr")), error=result.get("error"))
        result.setdefault("file", row["file_name"])
        result["sha256"] = sha
        rounds = _ocr_rounds(row) + 1
        if self._continue_ocr(result, rounds, progressed=bool(ocr.cached_pages(sha) - before)):
            self._requeue(db, doc_id, row, result, rounds)
        elif result.get("error"):
            set_document_state(db, doc_id, "failed", error=result["error"], facts=result, pages=result.get("pages"))
        else:
            if result.get("ocr_pending"):
                result.setdefault("warnings", []).append(
                    f"第 {_pages_text(result['ocr_pending'])} 页读取 {rounds} 次后仍未完成 OCR，请人工核对这些页"
                )
            if rounds > 1:
                result["ocr_rounds"] = rounds
            set_document_state(db, doc_id, "read", facts=result, pages=result.get("pages"))
            self._tell_assistant(db, row["case_id"], result)

    def _continue_ocr(self, result: dict, rounds: int, progressed: bool) -> bool:
        """Read it again? Only when OCR is unfinished (pages pending, or the worker was stopped
        mid-OCR: an error), this read recognised at least one new page, and rounds are left."""
        unfinished = bool(result.get("ocr_pending")) or bool(result.get("error"))
        return unfinished and progressed and rounds < self.ocr_rounds

    def _requeue(self, db, doc_id: int, row, result: dict, rounds: int) -> None:
        if result.get("error"):  # stopped mid-OCR: keep what an earlier round read, not the error
            result = {**(_facts(row) or {"file": row["file_name"], "sha256": row["sha256"]}), "error": None}
        result["ocr_rounds"] = rounds
        log.info("document %s: OCR continues (read %s)", doc_id, rounds)
        set_document_state(db, doc_id, "queued", facts=result, pages=result.get("pages"))
        self.queue.put(doc_id)  # behind the documents already waiting

    def _tell_assistant(self, db, case_id: int, result: dict) -> None:
        try:
            case_chat.document_read(db, case_id, result)
        except Exception:  # the chat is a convenience: never fail a read because of it
            log.exception("assistant message for case %s", case_id)


def _facts(row) -> dict | None:
    return json.loads(row["facts"]) if row.get("facts") else None


def _ocr_rounds(row) -> int:
    return int((_facts(row) or {}).get("ocr_rounds") or 0)


def _pages_text(numbers: list[int]) -> str:
    return "、".join(str(n) for n in numbers[:20]) + (" 等" if len(numbers) > 20 else "")


def _storage_problem(e: BaseException) -> bool:
    """The disk or the database failed (not the document): full, read-only, locked, I/O error."""
    import sqlite3

    if isinstance(e, FileNotFoundError):  # the stored original is gone: retrying will not bring it back
        return False
    return isinstance(e, (OSError, sqlite3.OperationalError, sqlite3.DatabaseError))


def _reset(db, close: bool = True):
    """Roll back whatever a failed write left open; with `close`, drop the connection (reopened next)."""
    if db is None:
        return None
    try:
        db.conn.rollback()
        if close:
            db.conn.close()
    except Exception:
        pass
    return None if close else db
