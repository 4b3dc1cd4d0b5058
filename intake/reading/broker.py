"""Reading on more machines than one: Dramatiq over Redis.

The web service (the one owner of the database) sends each uploaded document as a job on the
`intake-read` queue: the document id, its sha256, its name, the limits to read it under, and a
signed link to download the original from the web service. `intake worker --broker URL` on any
number of machines takes jobs, downloads the original (checked against its sha256), reads it with
the same time-limited worker process as the embedded readers (intake.reading.pipeline; OCR rounds
continue from the worker's own cache) and sends the facts back on `intake-results`, which the web
service consumes and records.

Why a signed download rather than a shared blob directory: a worker then needs nothing but the
broker's address — no network file system, no credentials, no access to any file it was not sent
for (a link names one sha256 and expires), and the web service stays the single owner of the data.

Delivery: a job is acknowledged only when done (Redis broker: unacknowledged messages of a worker
whose heartbeat stops are put back for another worker), so a worker that dies mid-job loses
nothing; a job may then be read twice, but it is recorded once: `record` takes a result only while
the document is still queued or reading (keyed by document id)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import socket
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from intake.cases.case import set_document_state
from intake.config import Limits
from intake.reading.readers import OCR_ROUNDS, _pages_text, read_file
from intake.store.db import open_db

log = logging.getLogger("intake.reading.broker")

READ_QUEUE = "intake-read"
RESULTS_QUEUE = "intake-results"
LINK_SECONDS = 7 * 24 * 3600  # a job may wait in a long queue; the link must outlive it


def broker_url(override: str | None = None) -> str | None:
    """INTAKE_BROKER (e.g. redis://host:6379/0): when set, documents are read by `intake worker`s."""
    return override or os.environ.get("INTAKE_BROKER") or None


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def make_broker(url: str):
    """The Redis broker with both queues' actors declared (both sides send and consume by name).
    INTAKE_BROKER_HEARTBEAT_MS: how long a silent worker is taken for alive before its unfinished
    jobs go back on the queue (default 60 000); INTAKE_BROKER_MAINTENANCE: out of a million broker
    calls, how many look for dead workers (dramatiq's default 1000)."""
    import dramatiq
    import redis
    from dramatiq.brokers.redis import RedisBroker

    # bounded waits: an unreachable broker must not hang an upload request
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
    broker = RedisBroker(
        client=client,
        namespace="intake",
        heartbeat_timeout=_int_env("INTAKE_BROKER_HEARTBEAT_MS", 60_000),
        maintenance_chance=_int_env("INTAKE_BROKER_MAINTENANCE", 1000),
    )
    limits = Limits.from_env()
    # the read's own limit (run_each) is per round; dramatiq's is only a backstop above all rounds
    backstop_ms = (limits.file_seconds * (OCR_ROUNDS + 1) + 300) * 1000
    actor: Any = dramatiq.Actor  # its stubs type the function generically; ours are plain callables
    actor(
        read_job,
        broker=broker,
        actor_name="intake.read",
        queue_name=READ_QUEUE,
        priority=0,
        options={"time_limit": backstop_ms, "max_retries": 5, "min_backoff": 2000},
    )
    actor(
        _result_placeholder,
        broker=broker,
        actor_name="intake.result",
        queue_name=RESULTS_QUEUE,
        priority=0,
        options={"max_retries": 10, "min_backoff": 1000},
    )
    return broker


def _result_placeholder(message: dict) -> None:  # replaced on the web side by BrokerReader
    raise RuntimeError("results are consumed by the web service")


# --- signed links to originals ---------------------------------------------------------------


def link_key(data: str | os.PathLike) -> bytes:
    """A random key made on first use and kept (mode 600) in the data directory."""
    path = Path(data) / "blob-link.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass
    return path.read_text().strip().encode()


def _signature(key: bytes, sha256: str, expires: int) -> str:
    return hmac.new(key, f"{sha256}:{expires}".encode(), hashlib.sha256).hexdigest()


def sign_link(key: bytes, base_url: str, sha256: str, seconds: int = LINK_SECONDS) -> str:
    expires = int(time.time()) + seconds
    return f"{base_url.rstrip('/')}/blobs/{sha256}?" + urlencode(
        {"expires": expires, "sig": _signature(key, sha256, expires)}
    )


def link_valid(key: bytes, sha256: str, expires: int, sig: str) -> bool:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256) or expires < time.time():
        return False
    return hmac.compare_digest(_signature(key, sha256, expires), sig or "")


# --- the worker's side -------------------------------------------------------------------------

_send_result = None  # set by `serve_worker`: the broker's results actor


class FetchRefused(Exception):
    """The web service answered, and said no (expired or wrong link, file gone): not worth retrying."""


def fetch(url: str, sha256: str, max_bytes: int, into: Path) -> Path:
    """Download the original to `into` (streamed, capped), checked against its sha256."""
    import httpx

    target = into / sha256
    h, size = hashlib.sha256(), 0
    with httpx.stream("GET", url, timeout=60) as r:
        if 400 <= r.status_code < 500:
            raise FetchRefused(f"下载原件被拒绝（HTTP {r.status_code}）")
        r.raise_for_status()
        with open(target, "wb") as out:
            for chunk in r.iter_bytes(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchRefused(f"原件超过 {max_bytes // 1048576} MB 的上限")
                h.update(chunk)
                out.write(chunk)
    if h.hexdigest() != sha256:
        target.unlink(missing_ok=True)
        raise ConnectionError("downloaded bytes do not match the sha256: retry")
    return target


def read_with_rounds(path: Path, file_name: str, sha256: str, limits: Limits, rounds_max: int = OCR_ROUNDS) -> dict:
    """The embedded readers' sequence in one job: read; while OCR is unfinished and each read
    recognises new pages (the worker's OCR cache), read again; then the final result."""
    from extractors import ocr

    rounds, last_good = 0, None
    while True:
        before = ocr.cached_pages(sha256)
        result = read_file(path, file_name, sha256, limits)
        rounds += 1
        progressed = bool(ocr.cached_pages(sha256) - before)
        unfinished = bool(result.get("ocr_pending")) or bool(result.get("error"))
        if not result.get("error"):
            last_good = result
        if not (unfinished and progressed and rounds < rounds_max):
            break
    if result.get("error") and last_good is not None and rounds > 1:
        result = last_good  # stopped mid-OCR on the last round: keep what an earlier round read
    if result.get("ocr_pending") and not result.get("error"):
        result.setdefault("warnings", []).append(
            f"第 {_pages_text(result['ocr_pending'])} 页读取 {rounds} 次后仍未完成 OCR，请人工核对这些页"
        )
    if rounds > 1:
        result["ocr_rounds"] = rounds
    return result


def reader_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def read_job(doc_id: int, sha256: str, file_name: str, url: str, limits: dict) -> None:
    """The `intake.read` actor: one document, read on this machine, its facts sent back."""
    lim = Limits(**limits)
    me = reader_id()
    _send_result.send({"document_id": doc_id, "state": "reading", "reader": me})
    with tempfile.TemporaryDirectory(prefix="intake-job-") as tmp:
        try:
            path = fetch(url, sha256, lim.max_bytes, Path(tmp))
        except FetchRefused as e:
            _send_result.send(
                {
                    "document_id": doc_id,
                    "state": "failed",
                    "reader": me,
                    "result": {"file": file_name, "sha256": sha256, "error": f"{file_name}：{e}"},
                }
            )
            return
        result = read_with_rounds(path, file_name, sha256, lim)
    result.setdefault("file", file_name)
    result["sha256"] = sha256
    result["read_by"] = me
    _send_result.send(
        {"document_id": doc_id, "state": "failed" if result.get("error") else "read", "reader": me, "result": result}
    )


def serve_worker(url: str, threads: int = 1, stop=None) -> None:
    """`intake worker`: take reading jobs until SIGTERM/SIGINT (or `stop()` returns true)."""
    import signal

    import dramatiq

    global _send_result
    broker = make_broker(url)
    _send_result = broker.get_actor("intake.result")
    broker.client.ping()  # an unreachable broker is said at once, not retried in the background forever
    _prewarm()
    worker = dramatiq.Worker(broker, queues={READ_QUEUE}, worker_threads=max(1, threads))
    worker.queue_prefetch = max(1, threads)  # a long scan waits for an idle machine, not behind a busy one
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(1))
    worker.start()
    log.info("intake worker %s taking jobs from %s", reader_id(), READ_QUEUE)
    try:
        while not stopping and not (stop and stop()):
            time.sleep(0.2)
    finally:
        worker.stop()
        broker.close()


def _prewarm() -> None:
    from intake.reading.pipeline import _prewarm as warm

    warm()


# --- the web service's side ---------------------------------------------------------------------


def record(db, message: dict) -> bool:
    """A worker's message about a document, recorded at most once: `reading` only over `queued`,
    a final state only over `queued`/`reading`. Returns whether anything changed."""
    doc_id, state = int(message["document_id"]), message.get("state")
    row = db.execute("select state, case_id from documents where id = ?", [doc_id]).fetchone()
    if row is None:
        return False
    current, case_id = row
    if state == "reading":
        if current != "queued":
            return False
        set_document_state(db, doc_id, "reading")
        return True
    if state not in ("read", "failed") or current not in ("queued", "reading"):
        return False
    result = message.get("result") or {}
    set_document_state(
        db,
        doc_id,
        state,
        error=result.get("error") if state == "failed" else None,
        facts=result,
        pages=result.get("pages"),
    )
    if state == "read":
        _tell_assistant(db, case_id, result)
    return True


def _tell_assistant(db, case_id: int, result: dict) -> None:
    from intake.cases import chat as case_chat

    try:
        case_chat.document_read(db, case_id, result)
    except Exception:  # the chat is a convenience: never fail a read because of it
        log.exception("assistant message for case %s", case_id)


class BrokerReader:
    """The web service's reader when a broker is configured; the same face as
    intake.reading.readers.DocumentReader (`start`, `stop`, `submit(doc_id)`)."""

    def __init__(self, data: str | Path, limits: Limits, url: str, public_url: str):
        self.data, self.limits, self.url, self.public_url = Path(data), limits, url, public_url
        self.key = link_key(self.data)
        self.broker = make_broker(url)
        self.broker.get_actor("intake.result").fn = self._on_result
        self._read = self.broker.get_actor("intake.read")
        self._worker: Any = None
        self._unsent: list[int] = []
        self.threads = ["results"]  # what /healthz expects alive: the consumer of the workers' results
        self.observers: list = []  # callables(event: str, **details) — metrics, as DocumentReader's

    def alive(self) -> int:
        """1 while the consumer of the workers' results runs (the readers themselves are elsewhere)."""
        return int(self._worker is not None)

    def depth(self) -> int:
        """Documents sent to the workers and not yet read, and those not sent yet."""
        db = open_db(self.data)
        try:
            waiting = db.execute("select count(*) from documents where state in ('queued', 'reading')").fetchone()[0]
        finally:
            db.conn.close()
        return max(waiting, len(self._unsent))

    def start(self) -> None:
        import threading

        import dramatiq

        if self._worker is not None:
            return
        self._local = threading.local()
        worker = dramatiq.Worker(self.broker, queues={RESULTS_QUEUE}, worker_threads=1)
        worker.start()
        self._worker = worker

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        self.broker.close()

    def submit(self, doc_id: int) -> None:
        """Send the job; with the broker unreachable the document stays queued (the upload itself
        succeeded) and is sent again with the next upload."""
        self._unsent.append(doc_id)
        db = open_db(self.data)
        try:
            while self._unsent:
                row = db.table("documents").get(self._unsent[0])
                self._read.send(
                    row["id"],
                    row["sha256"],
                    row["file_name"],
                    sign_link(self.key, self.public_url, row["sha256"]),
                    asdict(self.limits),
                )
                self._unsent.pop(0)
        except Exception:
            log.exception("broker %s: %d document(s) not sent yet", self.url, len(self._unsent))
        finally:
            db.conn.close()

    def _on_result(self, message: dict) -> None:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = open_db(self.data)
        if record(db, message) and message.get("state") in ("read", "failed"):
            result = message.get("result") or {}
            for observe in self.observers:  # metrics: a failed read counted by its reason
                observe(
                    "read",
                    seconds=float(message.get("seconds") or 0),
                    ocr=bool(result.get("ocr")),
                    error=result.get("error"),
                )
