"""Reading uploaded documents in the background: a queue in the server feeding a few threads,
each of which hands one file to the time-limited worker of `intake.pipeline` (a hostile PDF
cannot hang the server) and records the document's state: queued → reading → read | failed."""
from __future__ import annotations

import json
import logging
import queue
import subprocess
import sys
import threading
from pathlib import Path

from .blobs import BlobStore
from .cases import pending_documents, set_document_state
from .config import Limits
from .db import open_db

log = logging.getLogger("intake.reading")


def read_file(path: Path, file_name: str, sha256: str, limits: Limits) -> dict:
    """One file → the contract's `intake extract` object (error set when it could not be read)."""
    try:
        from intake.pipeline import extract_files
    except ImportError:
        return _read_in_subprocess(path, file_name, sha256, limits)
    results = extract_files([(file_name, Path(path).read_bytes())], limits=limits, workers=1)
    return _as_json(results[0])


def _as_json(result) -> dict:
    return result.to_json() if hasattr(result, "to_json") else dict(result)


_CHILD = r"""
import json, sys
path, name, sha = sys.argv[1:4]
out = {"file": name, "sha256": sha, "type": "other", "pages": 0, "ocr": False, "error": None,
       "fields": {}, "warnings": ["文档识别模块尚未安装，仅统计页数"]}
try:
    data = open(path, "rb").read(8)
    if data.startswith(b"%PDF"):
        import pypdfium2
        out["pages"] = len(pypdfium2.PdfDocument(path))
except Exception as e:
    out["error"] = f"{name}：无法读取（{type(e).__name__}）"
print(json.dumps(out, ensure_ascii=False))
"""


def _read_in_subprocess(path: Path, file_name: str, sha256: str, limits: Limits) -> dict:
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), file_name, sha256],
                              capture_output=True, timeout=limits.file_seconds, text=True)
        return json.loads(proc.stdout)
    except subprocess.TimeoutExpired:
        return {"file": file_name, "sha256": sha256, "error": f"{file_name}：读取超过 {limits.file_seconds} 秒，已中止"}
    except (ValueError, OSError) as e:
        return {"file": file_name, "sha256": sha256, "error": f"{file_name}：读取失败（{e}）"}


class DocumentReader:
    """Background readers for one data directory. `submit(doc_id)` queues a document;
    documents left queued/reading by a previous run are re-queued on `start()`."""

    def __init__(self, data: str | Path, limits: Limits, threads: int = 2):
        self.data = data
        self.limits = limits
        self.store = BlobStore(data)
        self.queue: queue.Queue[int | None] = queue.Queue()
        self.threads = [threading.Thread(target=self._run, name=f"reader-{i}", daemon=True)
                        for i in range(max(1, threads))]
        self._started = False

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        for t in self.threads:
            t.start()
        for doc_id in pending_documents(open_db(self.data)):
            self.queue.put(doc_id)

    def stop(self) -> None:
        for _ in self.threads:
            self.queue.put(None)

    def submit(self, doc_id: int) -> None:
        self.queue.put(doc_id)

    def _run(self) -> None:
        db = open_db(self.data)
        while True:
            doc_id = self.queue.get()
            if doc_id is None:
                return
            try:
                self.read_one(db, doc_id)
            except Exception as e:  # a bug must not kill the reader thread
                log.exception("reading document %s", doc_id)
                set_document_state(db, doc_id, "failed", error=f"内部错误：{type(e).__name__}")
            finally:
                self.queue.task_done()

    def read_one(self, db, doc_id: int) -> None:
        row = db["documents"].get(doc_id)
        if row["state"] not in ("queued", "reading"):
            return
        set_document_state(db, doc_id, "reading")
        result = read_file(self.store.path(row["sha256"]), row["file_name"], row["sha256"], self.limits)
        result.setdefault("file", row["file_name"])
        result["sha256"] = row["sha256"]
        if result.get("error"):
            set_document_state(db, doc_id, "failed", error=result["error"], facts=result,
                               pages=result.get("pages"))
        else:
            set_document_state(db, doc_id, "read", facts=result, pages=result.get("pages"))
            self._tell_assistant(db, row["case_id"], result)

    def _tell_assistant(self, db, case_id: int, result: dict) -> None:
        from . import case_chat

        if not case_chat.available():
            return
        try:
            case_chat.document_read(db, case_id, result)
        except Exception:  # the chat is a convenience: never fail a read because of it
            log.exception("assistant message for case %s", case_id)
