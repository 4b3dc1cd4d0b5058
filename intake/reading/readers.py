"""Reading uploaded documents in the background: a queue in the server feeding a few threads,
each of which hands one file to the time-limited worker of `intake.reading.pipeline` (a hostile PDF
cannot hang the server) and records the document's state: queued → reading → read | failed.

Order (intake.reading.lanes): every document's text layers first, OCR after; a photo goes straight
to OCR. Long scans: OCR stops starting pages after a slice (OCR_SLICE_SECONDS) and returns what it
read (cached per page); such a document goes back in the queue behind the others (state queued,
the partial facts kept) and the next read continues from the cache. It is re-queued only while each read
recognises at least one new page, and at most `ocr_rounds` times; after that it is read with
the pages still missing named in a warning.

Nothing stops a reader thread: when even recording a failure fails (a full disk, a locked or
broken database), the document is left as it was and tried again after a pause that grows (5 s
up to 5 min), so reading resumes by itself once space is freed. `alive()` tells /healthz."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

from extractors import ocr
from intake.cases import chat as case_chat
from intake.cases.case import pending_documents, set_document_state
from intake.config import Limits
from intake.reading.lanes import LONG_OCR, OCR, TEXT, ReadQueue, ocr_lane
from intake.reading.pipeline import extract_tracked
from intake.reading.timings import note_read
from intake.reading.worker import start_fork_server
from intake.store.blobs import BlobStore, Damaged
from intake.store.db import open_db

log = logging.getLogger("intake.reading.readers")

OCR_ROUNDS = 30  # reads of one document while its OCR continues: with the 60 s file limit, ~30 min
OCR_SLICE_SECONDS = 15.0  # an embedded reader's OCR per read: a long scan goes back in the queue after this
SLICED_ROUNDS = OCR_ROUNDS * 3  # so a long scan still has ~30 min of OCR in slices
RETRY_FIRST, RETRY_MAX = 5.0, 300.0  # seconds before a document whose state could not be recorded is tried again


def read_file(path: Path, file_name: str, sha256: str, limits: Limits) -> dict:
    """One file → the contract's `intake extract` object (error set when it could not be read),
    plus `ocr_pending` (page numbers) when its time ran out before OCR had read every page."""
    return read_file_timed(path, file_name, sha256, limits)[0]


def read_file_timed(
    path: Path, file_name: str, sha256: str, limits: Limits, defer_ocr: bool = False, ocr_seconds: float | None = None
) -> tuple[dict, dict[str, float]]:
    """read_file, and where its time went: {stage: seconds} (worker_start, read, image, detection, …).
    `defer_ocr`: the text layers only (pages needing OCR in `ocr_pending`); `ocr_seconds`: OCR's time."""
    extraction = extract_tracked(  # read by the worker
        [(file_name, Path(path))], limits=limits, workers=1, defer_ocr=defer_ocr, ocr_seconds=ocr_seconds
    )[0]
    result = extraction.facts.to_json()
    if extraction.ocr_pending:
        result["ocr_pending"] = extraction.ocr_pending
    return result, extraction.timings


def default_threads() -> int:
    """One reader per core available to this process (at least two: a conversion waits on LibreOffice)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(2, cores)


class DocumentReader:
    """Background readers for one data directory. `submit(doc_id)` queues a document (its text
    first, its OCR after: intake.reading.lanes); documents left queued/reading by a previous run are
    re-queued on `start()`. A document whose bytes this process has already read takes the facts
    read then (the content hash), without reading again."""

    def __init__(
        self,
        data: str | Path,
        limits: Limits,
        threads: int | None = None,
        ocr_rounds: int = SLICED_ROUNDS,
        ocr_slice: float | None = OCR_SLICE_SECONDS,
    ):
        self.data = data
        self.limits = limits
        self.ocr_rounds = ocr_rounds
        self.ocr_slice = ocr_slice
        self.store = BlobStore(data)
        self.queue = ReadQueue()
        threads = threads or default_threads()
        self.threads = [
            threading.Thread(target=self._run, name=f"reader-{i}", daemon=True) for i in range(max(1, threads))
        ] + [threading.Thread(target=self._run, args=(True,), name="reader-text", daemon=True)]
        self._started = False
        self._stopping = False
        self._retry_after = RETRY_FIRST
        self._retrying: set[int] = set()
        self._lock = threading.Lock()
        self._queued_at: dict[int, float] = {}  # document id -> when it was put in the queue
        self._read_here: dict[str, int] = {}  # sha256 -> a document this process read completely
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

    def submit(self, doc_id: int, lane: int = TEXT) -> None:
        self._queued_at.setdefault(doc_id, time.monotonic())
        self.queue.put((doc_id, lane))

    def _run(self, text_only: bool = False) -> None:
        db = None
        while True:
            doc_id = self.queue.get_text() if text_only else self.queue.get()
            try:
                if doc_id is None:
                    return
                db = db or open_db(self.data)
                self._read_safely(db, doc_id, self.queue.lane_of(doc_id))
            except BaseException:  # never let the thread end: the loop goes on with the next document
                log.exception("reader loop, document %s", doc_id)
                db = _reset(db)
            finally:
                self.queue.task_done()

    def _read_safely(self, db, doc_id: int, lane: int = OCR) -> None:
        try:
            self.read_one(db, doc_id, lane)
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
                self.submit(doc_id)

        timer = threading.Timer(delay, again)
        timer.daemon = True
        timer.start()

    def read_one(self, db, doc_id: int, lane: int = OCR) -> None:
        """Read one document: in the TEXT lane its text layers (the pages needing OCR go to the OCR
        lane, a photo straight there), in the OCR lane everything, OCR for at most `ocr_slice` s."""
        row = db.table("documents").get(doc_id)
        if row["state"] not in ("queued", "reading"):
            return
        if lane == TEXT and row["kind"] == "image":  # nothing to read before its OCR
            self.queue.put((doc_id, OCR))
            return
        if self._reuse(db, doc_id, row):
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
        queued = started - self._queued_at.pop(doc_id, started)
        result, spent = read_file_timed(
            self.store.path(sha), row["file_name"], sha, self.limits, defer_ocr=lane == TEXT, ocr_seconds=self.ocr_slice
        )
        self._notify("read", seconds=time.monotonic() - started, ocr=bool(result.get("ocr")), error=result.get("error"))
        result.setdefault("file", row["file_name"])
        result["sha256"] = sha
        recorded = time.monotonic()
        if lane == TEXT and result.get("ocr_pending") and not result.get("error"):  # its OCR in its turn
            set_document_state(db, doc_id, "queued", facts=result, pages=result.get("pages"))
            self.submit(doc_id, ocr_lane(len(result["ocr_pending"])))
            note_read(doc_id, row["case_id"], row["file_name"], {"queue": queued, **spent, "record": _since(recorded)})
            return
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
            if not result.get("ocr_pending"):
                self._read_here[sha] = doc_id
            self._tell_assistant(db, row["case_id"], result)
        note_read(doc_id, row["case_id"], row["file_name"], {"queue": queued, **spent, "record": _since(recorded)})

    def _reuse(self, db, doc_id: int, row) -> bool:
        """The same bytes already read completely by this process (same code, same limits): their
        facts under this document's name, nothing read again."""
        earlier = self._read_here.get(row["sha256"])
        if earlier is None or earlier == doc_id:
            return False
        # the same bytes still: a deleted document's id is taken by the next file stored (SQLite rowids)
        other = db.execute(
            "select state, facts, pages from documents where id = ? and sha256 = ?", [earlier, row["sha256"]]
        ).fetchone()
        if not other or other[0] != "read" or not other[1]:
            return False
        facts = {**json.loads(other[1]), "file": row["file_name"]}
        self._queued_at.pop(doc_id, None)
        set_document_state(db, doc_id, "read", facts=facts, pages=other[2])
        note_read(doc_id, row["case_id"], row["file_name"], {"reused": 0.0})
        self._tell_assistant(db, row["case_id"], facts)
        return True

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
        pending = result.get("ocr_pending")  # none listed: the worker was stopped mid-OCR, a long one
        self.submit(doc_id, ocr_lane(len(pending)) if pending else LONG_OCR)  # behind those waiting

    def _tell_assistant(self, db, case_id: int, result: dict) -> None:
        try:
            case_chat.document_read(db, case_id, result)
        except Exception:  # the chat is a convenience: never fail a read because of it
            log.exception("assistant message for case %s", case_id)


def _since(t0: float) -> float:
    return time.monotonic() - t0


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
