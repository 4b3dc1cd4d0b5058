"""Where a document's reading time went, one JSON line per read, for `make bench`
(benchmarks/bench_first_precheck.py) and for anyone asking why an upload took long.

INTAKE_READ_TIMINGS=/path/file.jsonl turns it on; each line:
    {"document_id", "case_id", "file", "at", "stages": {"queue", "worker_start", "read", "image",
     "detection", "recognition", "extra_passes", "facts", "record": seconds}}
(extractors.stages names the reading stages; "queue" is the wait before a reader took the
document, "record" storing its facts.) Nothing is written when the variable is unset."""

from __future__ import annotations

import json
import logging
import os
import threading
import time

log = logging.getLogger("intake.reading.timings")
_lock = threading.Lock()


def timings_file() -> str | None:
    return os.environ.get("INTAKE_READ_TIMINGS") or None


def note_read(document_id: int, case_id: int, file_name: str, stages: dict[str, float]) -> None:
    path = timings_file()
    if not path:
        return
    line = {
        "document_id": document_id,
        "case_id": case_id,
        "file": file_name,
        "at": time.time(),
        "stages": {k: round(v, 4) for k, v in stages.items()},
    }
    try:
        with _lock, open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    except OSError as e:  # measuring must never stop reading
        log.warning("read timings not written (%s): %s", path, e)
