"""Run a parsing function in a child process per file, with a hard time limit.

A parser stuck in a malformed file cannot be interrupted from Python, and a pool
cannot kill one hung task, so each file gets its own process: forked (cheap, the
parent's imports are already loaded) when this process has a single thread, else
started by a fork server with the readers preloaded. On timeout the child is
killed; a crash (segfault, out of memory) becomes an error for that file only.

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


def _child(conn, fn: Callable, args: tuple, asked_at: float | None = None) -> None:
    from extractors.limits import UnreadableDocument, die_with_parent

    die_with_parent()
    signal.signal(signal.SIGTERM, _on_term)
    start_seconds = max(0.0, time.time() - asked_at) if asked_at else 0.0

    try:
        try:
            result = Outcome(True, fn(*args))
        except UnreadableDocument as e:
            result = Outcome(False, error=e.message)
        except MemoryError:
            result = Outcome(False, error="内存不足，文件过大或结构异常，无法读取")
        except Exception as e:  # a reader bug must not take the other files with it
            last = traceback.extract_tb(e.__traceback__)[-1]
            result = Outcome(
                False,
                error=f"读取出错（{type(e).__name__}: {str(e)[:160]}，{last.filename.rsplit('/', 1)[-1]}:{last.lineno}）",
            )
        result.start_seconds = start_seconds
        try:
            conn.send(result)
        except Exception as e:  # unpicklable result
            conn.send(Outcome(False, error=f"读取结果无法传回（{type(e).__name__}）"))
    finally:
        conn.close()


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
    running: dict[Any, tuple[int, Any, float]] = {}  # parent conn -> (index, process, deadline)
    workers = max(1, workers)
    try:
        while pending or running:
            while pending and len(running) < workers:
                i = pending.pop(0)
                parent, child = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(child, fn, arg_tuples[i], time.time()), daemon=True)
                # The child's garbage collector must not walk (and so copy) every object inherited
                # from the parent: freeze them for the fork, thaw them in the parent afterwards.
                gc.freeze()
                try:
                    proc.start()
                finally:
                    gc.unfreeze()
                child.close()
                running[parent] = (i, proc, time.monotonic() + seconds)
            timeout = max(0.0, min(d for _, _, d in running.values()) - time.monotonic())
            if max_memory:
                timeout = min(timeout, SAMPLE_SECONDS)
            for ready in wait(list(running), timeout=timeout):
                conn = cast(Connection, ready)
                i, proc, _ = running.pop(conn)
                try:
                    results[i] = conn.recv()
                except (EOFError, OSError):
                    proc.join(5)
                    results[i] = Outcome(
                        False, error=f"读取进程意外退出（exit code {proc.exitcode}），文件可能损坏或过大"
                    )
                conn.close()
                proc.join(5)
                if proc.is_alive():
                    proc.kill()
            now = time.monotonic()
            for conn, (i, proc, deadline) in list(running.items()):
                if max_memory and exceeds(proc.pid, max_memory):
                    running.pop(conn)
                    _stop(proc, at_once=True)
                    conn.close()
                    results[i] = Outcome(False, error=TOO_MUCH_MEMORY.format(mb=max_memory // 1048576))
                elif now >= deadline:
                    running.pop(conn)
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
