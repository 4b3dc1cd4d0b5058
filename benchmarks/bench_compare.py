"""Every scheme at once (`python -m benchmarks.bench_compare`): 10 generated PDFs compared against
all schemes (read once, then each scheme's pre-check) beside one scheme's check of the same files
(read, then one pre-check) — the baseline, measured in the same run, interleaved. Target ≤ 1.5×.
Also the evaluation alone (documents already read): all schemes against one, which grows with the
number of schemes, and is a small share of the whole either way.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_check import bundle_pages
from benchmarks.common import report
from checklists.registry import scheme_ids

FACTS = {"sector": "manufacturing", "association_member": True, "declarations": {"jinzhi.4.3": True}}
AS_OF = "2025-06-30"
ROUNDS = 5


def _files(tmp: str) -> list[str]:
    from docgen import pdf_bytes  # tests/ is on the path (benchmarks.bench_check puts it there)

    paths = []
    for name, page in list(bundle_pages().items())[:10]:
        p = Path(tmp) / name
        p.write_bytes(pdf_bytes([page]))
        paths.append(str(p))
    return paths


def _time(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    from intake.comparison import compare
    from intake.precheck import precheck
    from intake.reading.pipeline import extract_files

    with tempfile.TemporaryDirectory() as tmp:
        paths = _files(tmp)
        compare(
            extract_files(paths), FACTS, AS_OF
        )  # warm up: workers started, scheme files parsed, as in a running service
        one, every = [], []
        for _ in range(ROUNDS):  # interleaved, so a busy moment on the shared machine hits both
            one.append(_time(lambda: precheck("jinzhi", extract_files(paths), FACTS, AS_OF)))
            every.append(_time(lambda: compare(extract_files(paths), FACTS, AS_OF)))
        docs = extract_files(paths)
    n = 20
    eval_one = _time(lambda: [precheck("jinzhi", docs, FACTS, AS_OF) for _ in range(n)]) / n
    eval_all = _time(lambda: [compare(docs, FACTS, AS_OF) for _ in range(n)]) / n
    ratio = statistics.median(every) / statistics.median(one)
    report(
        [
            ("bundle", f"{len(paths)} generated PDFs; {len(scheme_ids())} schemes"),
            ("one scheme's check: read + evaluate (baseline)", f"{statistics.median(one):.2f} s  (median of {ROUNDS})"),
            ("all schemes: read once + evaluate each", f"{statistics.median(every):.2f} s  (median of {ROUNDS})"),
            ("all / one", f"{ratio:.2f}x  (target ≤ 1.5x)"),
            ("evaluation only, one scheme", f"{eval_one * 1000:.1f} ms"),
            ("evaluation only, all schemes", f"{eval_all * 1000:.1f} ms  ({eval_all / eval_one:.1f}x one)"),
        ]
    )


if __name__ == "__main__":
    main()
