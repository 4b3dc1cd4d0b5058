"""Where reading time goes: named stages timed into the collector of the current context.

    with stages.collecting() as spent:    # the reading worker, around one file
        read_document(data, name)
    spent  ->  {"read": 0.02, "image": 0.31, "detection": 0.9, "recognition": 1.4, ...}  (wall seconds)

    with stages.stage("detection"): ...   # in a reader: no collector, nothing recorded
    with stages.redirect("extra_passes"): ...   # every stage inside counts as this one

A stage inside another is counted once, in the inner one (the outer gets the rest), so the figures
add up to the time measured. `redirect` names a whole activity (a page OCRed again turned round)
whose detection and recognition should not be mistaken for the first pass's.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

_spent: contextvars.ContextVar[dict[str, float] | None] = contextvars.ContextVar("stages_spent", default=None)
_open: contextvars.ContextVar[list | None] = contextvars.ContextVar("stages_open", default=None)
_as: contextvars.ContextVar[str | None] = contextvars.ContextVar("stages_as", default=None)


@contextlib.contextmanager
def collecting() -> Iterator[dict[str, float]]:
    spent: dict[str, float] = {}
    tokens = (_spent.set(spent), _open.set([]), _as.set(None))
    try:
        yield spent
    finally:
        _as.reset(tokens[2])
        _open.reset(tokens[1])
        _spent.reset(tokens[0])


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    spent, frames = _spent.get(), _open.get()
    if spent is None or frames is None:
        yield
        return
    name = _as.get() or name
    frame = [0.0]  # seconds spent in stages opened inside this one
    frames.append(frame)
    t0 = time.perf_counter()
    try:
        yield
    finally:
        total = time.perf_counter() - t0
        frames.pop()
        spent[name] = spent.get(name, 0.0) + total - frame[0]
        if frames:
            frames[-1][0] += total


@contextlib.contextmanager
def redirect(name: str) -> Iterator[None]:
    token = _as.set(name)
    try:
        with stage(name):
            yield
    finally:
        _as.reset(token)


def add(name: str, seconds: float) -> None:
    """Time measured elsewhere (e.g. before a collector existed)."""
    spent = _spent.get()
    if spent is not None:
        spent[name] = spent.get(name, 0.0) + seconds


def timed_iter(items, name: str):
    """`items` one by one, the time taken to produce each counted as stage `name` (a generator
    that decodes or renders as it goes)."""
    it = iter(items)
    while True:
        with stage(name):
            try:
                item = next(it)
            except StopIteration:
                return
        yield item
