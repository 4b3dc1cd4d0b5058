"""How much memory a process and everything it started use of their own (Linux /proc).

Private pages only (smaps_rollup: Private_Clean + Private_Dirty): a forked worker shares the
server's pages until it writes to them, and counting those (RSS) would charge every worker the
whole server. Elsewhere, or when /proc cannot tell, 0 (no limit is enforced)."""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def descendants(pid: int) -> list[int]:
    """Every process started by `pid`, children first (a LibreOffice conversion and its helpers)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = list((PROC / str(p) / "task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except (OSError, ValueError):
                continue
            out.extend(kids)
            todo.extend(kids)
    return out


def private_bytes(pid: int) -> int:
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return _rss(pid)
    total = 0
    for line in text.splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            total += int(line.split()[1]) * 1024
    return total


def _rss(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def tree_memory(pid: int) -> int:
    """Private memory of `pid` and its descendants, in bytes."""
    return sum(private_bytes(p) for p in [pid, *descendants(pid)])


def resident_bytes(pid: int) -> int:
    """Resident memory of `pid` (/proc/PID/statm: a counter, no walk over the page tables); 0 when gone."""
    try:
        return int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def exceeds(pid: int, limit: int) -> bool:
    """Is the private memory of `pid` and its descendants over `limit`? Private memory is never more
    than resident memory, so the cheap resident figure answers "no" at once; only past it are the
    page tables walked (smaps_rollup: ~3 ms a time for a worker with the OCR models mapped, which,
    20 times a second for each worker, had cost the server a tenth of a core in kernel time)."""
    tree = [pid, *descendants(pid)]
    if sum(resident_bytes(p) for p in tree) <= limit:
        return False
    return sum(private_bytes(p) for p in tree) > limit


def tree_rss(pid: int | None = None) -> int:
    """Resident memory of `pid` (default: this process) and its descendants — what a machine's
    owner sees; for measuring, not for limits."""
    pid = pid or os.getpid()
    return sum(_rss(p) for p in [pid, *descendants(pid)])
