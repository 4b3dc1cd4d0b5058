"""Run a parsing function in a child process per file, with a hard time limit.

A parser stuck in a malformed file cannot be interrupted from Python, and a pool
cannot kill one hung task, so each file runs alone in a process of its own: forked (cheap, the
parent's imports are already loaded) when this process has a single thread, else
started by a fork server with the readers preloaded. On timeout the child is
killed; a crash (segfault, out of memory) becomes an error for that file only.

A fork-server worker that sent its file's result back is kept for the next file (one at a time):
a fresh process pays its first touch of every page again (~0.15 s of a photo's 1.2 s of CPU, the
engine's buffers and the inherited heap). One that was stopped (time, memory), crashed or died is
never reused; one is replaced after REUSE_FILES files, when it keeps more than a quarter of the
memory limit, or after IDLE_SECONDS without a file.

Memory: the parent samples each worker's own memory (its private pages, and those of anything it
started, LibreOffice included) several times a second and kills it past `max_memory`; an address-
space rlimit would break onnxruntime and LibreOffice, which reserve far more than they touch.
Parent death: a worker (and the fork server) gets SIGKILL when its parent dies (PR_SET_PDEATHSIG),
so nothing keeps reading after the server is killed.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, cast

from intake.reading.memory import exceeds

SAMPLE_SECONDS = 0.05  # how often a running worker's memory is looked at
REUSE_FILES = 50  # files a fork-server worker reads before it is replaced by a fresh one
IDLE_SECONDS = 120.0  # a fork-server worker waiting longer than this for a file is ended
TOO_MUCH_MEMORY = "文件解压后过大或结构异常：读取占用内存超过上限（{mb} MB），已中止"

PRELOAD = [
    "intake.reading.forkserver_guard",
    "extractors.read",
    "extractors.extract",
    "extractors.readers.pdf",
    "extractors.readers.docx",
    "pypdfium2",
    "pdfplumber",
    "docx",
    "intake.reading.warm",  # last: the OCR engine and the recognisers, loaded once for every worker
]


@dataclass
class Outcome:
    ok: bool
    value: Any = None  # fn's result when ok
    error: str | None = None  # one line for a person when not ok
    start_seconds: float = 0.0  # from asking for the process to `fn` starting in it (worker start)


def _context():
    if threading.active_count() == 1 and "fork" in mp.get_all_start_methods():
        return mp.get_context("fork")
    ctx = _fork_server_context()
    _wait_until_ready(ctx)
    return ctx


_ready = threading.Event()
_ready_lock = threading.Lock()


def _noop() -> None:
    pass


def _wait_until_ready(ctx) -> None:
    """The fork server loads the OCR models and the recognisers before its first fork (PRELOAD):
    seconds that must not count against the first file's time limit. One empty child, once."""
    if _ready.is_set():
        return
    with _ready_lock:
        if not _ready.is_set():
            proc = ctx.Process(target=_noop, daemon=True)
            proc.start()
            proc.join(300)
            _ready.set()


def _fork_server_context():
    # Linux sends the parent-death signal when the *thread* that started a process ends: the fork
    # server is tied to its starter only when that is the main thread (it lives as long as the
    # process); started from a passing thread, it relies on multiprocessing's own end-of-pipe check.
    main = threading.current_thread() is threading.main_thread()
    os.environ["INTAKE_SERVER_PID"] = str(os.getpid()) if main else ""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_fork_server() -> None:
    """Start the fork server now, from the calling thread (the server's main thread at start-up), so
    that it dies with the server; later readers and previews use it."""
    if "forkserver" not in mp.get_all_start_methods():
        return
    _fork_server_context()
    from multiprocessing import forkserver

    forkserver.ensure_running()
    # its preloading (the OCR models) goes on while the server starts; the first read waits for it
    threading.Thread(target=_wait_until_ready, args=(mp.get_context("forkserver"),), daemon=True).start()


def _on_term(signum, frame) -> None:
    from extractors.readers.office import kill_conversions

    kill_conversions()  # LibreOffice runs in its own process group: take it down too
    os._exit(1)


def _outcome(fn: Callable, args: tuple) -> Outcome:
    from extractors.limits import UnreadableDocument

    try:
        return Outcome(True, fn(*args))
    except UnreadableDocument as e:
        return Outcome(False, error=e.message)
    except MemoryError:
        return Outcome(False, error="内存不足，文件过大或结构异常，无法读取")
    except Exception as e:  # a reader bug must not take the other files with it
        last = traceback.extract_tb(e.__traceback__)[-1]
        return Outcome(
            False,
            error=f"读取出错（{type(e).__name__}: {str(e)[:160]}，{last.filename.rsplit('/', 1)[-1]}:{last.lineno}）",
        )


def _since(asked_at: float | None) -> float:
    return max(0.0, time.time() - asked_at) if asked_at else 0.0


def _send(conn, result: Outcome, start_seconds: float) -> None:
    result.start_seconds = start_seconds
    try:
        conn.send(result)
    except Exception as e:  # unpicklable result
        conn.send(Outcome(False, error=f"读取结果无法传回（{type(e).__name__}）"))


def _start_child() -> None:
    from extractors.limits import die_with_parent

    die_with_parent()
    signal.signal(signal.SIGTERM, _on_term)


def _child(conn, fn: Callable, args: tuple, asked_at: float | None = None) -> None:
    """A worker forked for one file (from a process with a single thread)."""
    _start_child()
    started = _since(asked_at)
    try:
        _send(conn, _outcome(fn, args), started)
    finally:
        conn.close()


def _serve(conn) -> None:
    """A worker of the fork server: files one after another, each sent as (fn, args, asked_at),
    until it is sent None or its pipe closes."""
    _start_child()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, args, asked_at = job
        started = _since(asked_at)
        _send(conn, _outcome(fn, args), started)


@dataclass
class _Spare:
    """A fork-server worker and its pipe, between files."""

    proc: Any
    conn: Connection
    files: int = 0
    idle_since: float = 0.0


_spares: list[_Spare] = []
_spares_lock = threading.Lock()


def _take_worker(ctx) -> _Spare:
    """A worker that finished a file well and is waiting, else a new one from the fork server.
    Workers idle for longer than IDLE_SECONDS are ended here (their memory given back)."""
    now = time.monotonic()
    with _spares_lock:
        stale = [w for w in _spares if now - w.idle_since > IDLE_SECONDS or not w.proc.is_alive()]
        for w in stale:
            _spares.remove(w)
        spare = _spares.pop() if _spares else None
    for w in stale:
        _retire(w)
    if spare is not None:
        return spare
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(child,), daemon=True)
    proc.start()
    child.close()
    return _Spare(proc, parent)


def _give_back(w: _Spare, max_memory: int | None) -> None:
    """Keep the worker for the next file, unless it has read REUSE_FILES files or keeps more than a
    quarter of the memory limit (freed heap a file of its own would need: never count it against one)."""
    w.files += 1
    if w.files >= REUSE_FILES or (max_memory and exceeds(w.proc.pid, max_memory // 4)):
        _retire(w)
        return
    w.idle_since = time.monotonic()
    with _spares_lock:
        _spares.append(w)


def _retire(w: _Spare) -> None:
    try:
        w.conn.send(None)
    except (OSError, ValueError):
        pass
    w.conn.close()


def _start(ctx, fn: Callable, args: tuple) -> tuple[Any, Any, _Spare | None]:
    """(the connection its Outcome comes on, the process, the reusable worker or None)."""
    if ctx.get_start_method() == "forkserver":
        for _ in range(2):  # a waiting worker that died since (killed from outside): take another
            w = _take_worker(ctx)
            try:
                w.conn.send((fn, args, time.time()))
                return w.conn, w.proc, w
            except (OSError, ValueError):
                _retire(w)
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args, time.time()), daemon=True)
    # The child's garbage collector must not walk (and so copy) every object inherited
    # from the parent: freeze them for the fork, thaw them in the parent afterwards.
    gc.freeze()
    try:
        proc.start()
    finally:
        gc.unfreeze()
    child.close()
    return parent, proc, None


def run_each(
    fn: Callable, arg_tuples: Sequence[tuple], seconds: float, workers: int = 2, max_memory: int | None = None
) -> list[Outcome]:
    """`fn(*args)` for each args tuple, each in its own process, at most `workers` at a time, each
    stopped past `seconds` or past `max_memory` bytes of its own memory (None: no memory limit).

    Returns one Outcome per tuple, in order. `fn` must be a module-level function.
    """
    ctx = _context()
    results: list[Outcome | None] = [None] * len(arg_tuples)
    pending = list(range(len(arg_tuples)))
    running: dict[Any, tuple[int, Any, float]] = {}  # conn -> (index, process, deadline)
    reusable: dict[Any, _Spare] = {}  # conn -> its fork-server worker, kept for the next file
    workers = max(1, workers)
    try:
        while pending or running:
            while pending and len(running) < workers:
                i = pending.pop(0)
                conn, proc, spare = _start(ctx, fn, arg_tuples[i])
                running[conn] = (i, proc, time.monotonic() + seconds)
                if spare is not None:
                    reusable[conn] = spare
            timeout = max(0.0, min(d for _, _, d in running.values()) - time.monotonic())
            if max_memory:
                timeout = min(timeout, SAMPLE_SECONDS)
            for ready in wait(list(running), timeout=timeout):
                conn = cast(Connection, ready)
                i, proc, _ = running.pop(conn)
                spare = reusable.pop(conn, None)
                try:
                    results[i] = conn.recv()
                except (EOFError, OSError):
                    proc.join(5)
                    results[i] = Outcome(
                        False, error=f"读取进程意外退出（exit code {proc.exitcode}），文件可能损坏或过大"
                    )
                    spare = None
                if spare is not None:
                    _give_back(spare, max_memory)
                    continue
                conn.close()
                proc.join(5)
                if proc.is_alive():
                    proc.kill()
            now = time.monotonic()
            for conn, (i, proc, deadline) in list(running.items()):
                if max_memory and exceeds(proc.pid, max_memory):
                    running.pop(conn)
                    reusable.pop(conn, None)
                    _stop(proc, at_once=True)
                    conn.close()
                    results[i] = Outcome(False, error=TOO_MUCH_MEMORY.format(mb=max_memory // 1048576))
                elif now >= deadline:
                    running.pop(conn)
                    reusable.pop(conn, None)
                    _stop(proc)
                    conn.close()
                    results[i] = Outcome(False, error=f"读取超时（超过 {seconds:g} 秒），已中止")
    finally:
        for conn, (_, proc, _) in running.items():
            _stop(proc)
            conn.close()
    return results


def _stop(proc, at_once: bool = False) -> None:
    if at_once:  # growing memory: no time for a polite end, but take LibreOffice (its own group) too
        _kill_tree(proc.pid)
        proc.join(1)
        return
    proc.terminate()
    proc.join(1)
    if proc.is_alive():
        proc.kill()
        proc.join(1)


def _kill_tree(pid: int) -> None:
    from intake.reading.memory import descendants

    for p in [pid, *descendants(pid)]:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
