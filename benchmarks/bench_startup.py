"""Light commands stay light: `intake --help` and `intake schemes` against a bare `python -c pass`,
each timed as a whole process (start-up included), run in turn with the baseline (A B A B …) so the
ratio is taken pair by pair while the machine's speed drifts; medians of the pairs. Targets (issue 21):
`intake --help` ≤ 1.5×, `intake schemes` ≤ 2×. The first run of each is a warm-up (it also fills the
compiled scheme cache, checklists.compiled, as any first run on a machine does)."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import report

RUNS = int(os.environ.get("BENCH_STARTUP_RUNS", "21"))
BASELINE = [sys.executable, "-c", "pass"]
SCRIPT = Path(sys.executable).parent / "intake"
INTAKE = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "cli"]
TARGETS = {"--help": 1.5, "schemes": 2.0, "schemes --json": 2.0}


def _run(cmd: list[str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def ratios(args: list[str]) -> tuple[float, float]:
    """Median wall and cpu ratios of `intake ARGS` to the baseline, pair by pair."""
    _run(INTAKE + args), _run(BASELINE)
    walls, cpus = [], []
    for _ in range(RUNS):
        a, b = _run(INTAKE + args), _run(BASELINE)
        walls.append(a[0] / b[0])
        cpus.append(a[1] / b[1] if b[1] else float("nan"))
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    rows = []
    for args, target in TARGETS.items():
        wall, cpu = ratios(args.split())
        rows.append((f"intake {args} / python -c pass", f"{wall:.2f}× wall, {cpu:.2f}× cpu (target ≤ {target}×)"))
    print(f"whole process, interleaved with the baseline, median of {RUNS} pairs")
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
