"""Scale (`python -m benchmarks.bench_scale [queue|cli|readers]`), each figure a ratio to a baseline
measured in the same run:

queue    the secretariat's queue page and /api/queue at 100, 1,000, 2,000 and 10,000 submitted cases
         (each with three read documents), served by `intake serve`, against a trivial authenticated
         endpoint (GET /api/session signed in: session, user lookup); requests interleaved, medians.
         Also: the first page after midnight (every summary stale: the page's rows recomputed on read)
         and the daily pass's cost per case.
cli      `intake --help` and `intake schemes` against `python -c pass` (farm-bench, paired runs).
readers  reading throughput: 12 documents uploaded through the web, read by the embedded readers
         (the baseline), then through a Redis broker by 1 and by 2 `intake worker` processes.
Bounded: every request has a timeout; each section gives up after 15 minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

from checklists.registry import scheme_ids

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from docgen import pdf_bytes  # noqa: E402

from benchmarks.common import report  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "bench-password-1"
SIZES = [int(s) for s in os.environ.get("BENCH_QUEUE_SIZES", "100,1000,2000,10000").split(",")]
SCHEMES = scheme_ids()  # the registry's, in its order
NAME, USCC = "江苏精工特钢股份有限公司", "91320281142315286E"
DOCS = {
    "licence.pdf": [
        "营业执照",
        f"统一社会信用代码 {USCC}",
        f"名称 {NAME}",
        "法定代表人 陈立新",
        "成立日期 1998年06月18日",
        "住所 江苏省江阴市临港街道滨江西路188号",
        "登记机关 无锡市市场监督管理局",
    ],
    "qms.pdf": [
        "质量管理体系认证证书",
        "证书编号：00124Q31234R2M",
        f"兹证明 {NAME}",
        "管理体系符合 GB/T 19001-2016 标准",
        "发证日期：2023年04月01日",
        "有效期至：2027年03月31日",
        "中国质量认证中心",
    ],
    "satisfaction.pdf": ["用户满意度测评报告", f"受测评单位：{NAME}", "用户满意度测评综合得分为 86.5 分"],
}


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, seconds: float, what: str):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gave up waiting for {what}")


def serve(data: Path, env: dict | None = None, broker: str | None = None) -> tuple[subprocess.Popen, str]:
    port = _port()
    args = [str(BIN / "intake"), "serve", "--port", str(port), "--data", str(data), "--no-demo"]
    if broker:
        args += ["--broker", broker]
    proc = subprocess.Popen(
        args, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    _wait(lambda: httpx.get(url + "/api/schemes", timeout=2).status_code == 200, 120, "the web service")
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


# --- the queue ----------------------------------------------------------------------------------


def read_facts() -> dict[str, dict]:
    from intake.reading.pipeline import extract_files

    return {f.file: f.to_json() for f in extract_files([(n, pdf_bytes([lines])) for n, lines in DOCS.items()])}


def add_cases(db, n: int, start: int, facts: dict[str, dict]) -> None:
    """n submitted cases as the application makes them (rows, three read documents each), written in
    bulk; their summaries are then computed by the daily pass (timed by the caller)."""
    from intake.cases.procedures import procedure

    now = datetime.now(UTC)
    cases, docs = [], []
    first_id = (db.execute("select max(id) from cases").fetchone()[0] or 0) + 1
    for i in range(n):
        k = start + i
        scheme = SCHEMES[k % len(SCHEMES)]
        submitted = (now - timedelta(days=k % 90, minutes=k)).isoformat(timespec="seconds")
        cases.append(
            {
                "id": first_id + i,
                "token": f"bench-{k}-{os.urandom(8).hex()}",
                "scheme": scheme,
                "applicant": f"{NAME[:4]}{k}号有限公司",
                "product": "特种钢材",
                "owner_id": None,
                "status": "submitted" if k % 3 else "in_review",
                "procedure_state": procedure(scheme).first().id,
                "state_since": submitted[:10],
                "certificate_issued": None,
                "facts": json.dumps({"sector": "manufacturing"}),
                "version": 2,
                "created": submitted,
                "submitted_at": submitted,
                "updated": submitted,
            }
        )
        for name, f in facts.items():
            docs.append(
                {
                    "case_id": first_id + i,
                    "sha256": f["sha256"],
                    "file_name": name,
                    "size": 1000,
                    "kind": "pdf",
                    "state": "read",
                    "error": None,
                    "facts": json.dumps(f, ensure_ascii=False),
                    "pages": 1,
                    "created": submitted,
                    "read_at": submitted,
                }
            )
    db["cases"].insert_all(cases, batch_size=1000)
    db["documents"].insert_all(docs, batch_size=1000)


def _db_size(data: Path) -> int:
    return sum(p.stat().st_size for p in data.glob("intake.db*"))


def timed_get(c: httpx.Client, path: str) -> float:
    t0 = time.perf_counter()
    r = c.get(path)
    elapsed = time.perf_counter() - t0
    r.raise_for_status()
    return elapsed


def measure(c: httpx.Client, paths: list[str], rounds: int = 25) -> dict[str, float]:
    """Median seconds per path, the paths interleaved round by round (drift hits all alike)."""
    for p in paths:
        timed_get(c, p)  # warm: templates compiled, modules imported
    samples: dict[str, list[float]] = {p: [] for p in paths}
    for _ in range(rounds):
        for p in paths:
            samples[p].append(timed_get(c, p))
    return {p: statistics.median(v) for p, v in samples.items()}


def bench_queue() -> list[tuple[str, str]]:
    from intake.cases.queue import refresh_stale
    from intake.store.accounts import add_user
    from intake.store.db import open_db

    rows: list[tuple[str, str]] = []
    facts = read_facts()
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
        data = Path(tmp) / "var"
        db = open_db(data)
        add_user(db, "sec", "secretariat", PASSWORD)
        have = 0
        for size in SIZES:
            add_cases(db, size - have, have, facts)
            t0 = time.perf_counter()
            n = refresh_stale(db)
            per_case = (time.perf_counter() - t0) / max(1, n)
            have = size
            proc, url = serve(data)
            try:
                with httpx.Client(base_url=url, timeout=120) as c:
                    c.post("/api/login", json={"name": "sec", "password": PASSWORD}).raise_for_status()
                    trivial, page, api = "/api/session", "/queue", "/api/queue"
                    filtered = "/api/queue?scheme=credit&min_days=30"
                    deep = f"/queue?page={max(1, size // 50 - 1)}"
                    t = measure(c, [trivial, page, api, filtered, deep])
                    # the first request after midnight: every summary is yesterday's
                    yesterday = (date.today() - timedelta(days=1)).isoformat()
                    db.execute("update cases set outcome_as_of = ?", [yesterday])
                    db.conn.commit()
                    first = timed_get(c, page)
                    refresh_stale(db)
            finally:
                stop(proc)
            base = t[trivial]
            rows += [
                (f"{size:>6} cases: trivial authenticated endpoint (baseline)", f"{base * 1000:.1f} ms"),
                (f"{size:>6} cases: queue page (50 rows)", f"{t[page] * 1000:.1f} ms  ({t[page] / base:.1f}x)"),
                (f"{size:>6} cases: /api/queue (100 rows)", f"{t[api] * 1000:.1f} ms  ({t[api] / base:.1f}x)"),
                (
                    f"{size:>6} cases: /api/queue filtered (scheme, ≥30 days)",
                    f"{t[filtered] * 1000:.1f} ms  ({t[filtered] / base:.1f}x)",
                ),
                (f"{size:>6} cases: queue page, last page", f"{t[deep] * 1000:.1f} ms  ({t[deep] / base:.1f}x)"),
                (
                    f"{size:>6} cases: queue page, first after midnight (50 rows recomputed)",
                    f"{first * 1000:.0f} ms  ({first / base:.0f}x)",
                ),
                (f"{size:>6} cases: daily pass, per case", f"{per_case * 1000:.1f} ms"),
                (f"{size:>6} cases: database size", f"{_db_size(data) / 1048576:.1f} MB"),
            ]
        db.conn.close()
    return rows


# --- the command line ---------------------------------------------------------------------------


def farm(command: list[str], baseline: str) -> dict[str, float]:
    out = subprocess.run(
        ["farm-bench", "-n", "20", "--vs", baseline, "--", *command], capture_output=True, text=True, timeout=600
    ).stdout
    medians = {}
    for line in out.splitlines():
        parts = line.split()
        if line.startswith(("A/B", "A cpu", "B cpu", "A wall", "B wall")) and len(parts) >= 5:
            medians[" ".join(parts[:2])] = float(parts[-2])
    return medians


def bench_cli() -> list[tuple[str, str]]:
    if not shutil.which("farm-bench"):
        return [("farm-bench", "not on PATH: skipped")]
    rows = []
    bare = f"{sys.executable} -c pass"
    for args in (["--help"], ["schemes"]):
        m = farm([str(BIN / "intake"), *args], bare)
        rows.append(
            (
                f"intake {' '.join(args)} vs python -c pass (cpu, median of paired ratios)",
                f"{m.get('A/B cpu', float('nan')):.2f}x  (wall {m.get('A/B wall', float('nan')):.2f}x; "
                f"{m.get('A cpu', float('nan')) * 1000:.0f} ms vs {m.get('B cpu', float('nan')) * 1000:.0f} ms cpu)",
            )
        )
    return rows


# --- the readers --------------------------------------------------------------------------------


def _doc(n: int) -> bytes:
    para = "本页为检验记录的正文，记载取样、试验条件和结果，供核查。" * 6
    return pdf_bytes([DOCS["licence.pdf"] + [f"第 {p} 页，编号 {n}", para, para] for p in range(1, 41)])


def throughput(url: str, docs: list[bytes]) -> float:
    """Seconds from the first upload until every document is read."""
    with httpx.Client(base_url=url, timeout=120) as c:
        csrf = c.get("/api/session").json()["csrf"]
        cid = c.post("/api/cases", json={"scheme": "jinzhi", "applicant": NAME}, headers={"X-CSRF-Token": csrf}).json()[
            "id"
        ]
        t0 = time.perf_counter()
        for i, d in enumerate(docs):
            c.post(
                f"/api/cases/{cid}/documents",
                headers={"X-CSRF-Token": csrf},
                files=[("files", (f"doc{i}.pdf", d, "application/pdf"))],
            ).raise_for_status()

        def done():
            states = [x["state"] for x in c.get(f"/api/cases/{cid}/documents").json()]
            if "failed" in states:
                raise SystemExit("a document failed to read")
            return len(states) == len(docs) and all(s == "read" for s in states)

        _wait(done, 900, "the documents to be read")
        return time.perf_counter() - t0


def bench_readers() -> list[tuple[str, str]]:
    if not shutil.which("redis-server"):
        return [("redis-server", "not installed: skipped")]
    docs = [_doc(n) for n in range(12)]
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-readers-") as tmp:
        tmp = Path(tmp)
        proc, url = serve(tmp / "embedded")
        try:
            results["embedded"] = throughput(url, docs)
        finally:
            stop(proc)
        port = _port()
        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(tmp),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        broker = f"redis://127.0.0.1:{port}/0"
        try:
            for n in (1, 2):
                web, url = serve(tmp / f"web{n}", broker=broker)
                workers = [
                    subprocess.Popen(
                        [str(BIN / "intake"), "worker", "--broker", broker, "--data", str(tmp / f"w{n}-{i}")],
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    for i in range(n)
                ]
                try:
                    time.sleep(3)  # the workers connected
                    results[n] = throughput(url, docs)
                finally:
                    for w in workers:
                        stop(w)
                    stop(web)
        finally:
            stop(redis)
    base = results["embedded"]
    rows = [
        ("cores", str(os.cpu_count())),
        (
            f"{len(docs)} × 40-page PDFs, embedded readers (2 threads; baseline)",
            f"{base:.1f} s  ({len(docs) / base:.2f} docs/s)",
        ),
    ]
    for n in (1, 2):
        rows.append(
            (
                f"through Redis, {n} worker process(es)",
                f"{results[n]:.1f} s  ({len(docs) / results[n]:.2f} docs/s, {base / results[n]:.2f}x the embedded throughput)",
            )
        )
    return rows


def main(argv: list[str]) -> int:
    sections = {"queue": bench_queue, "cli": bench_cli, "readers": bench_readers}
    for name in argv or list(sections):
        print(f"-- {name}", flush=True)
        report(sections[name]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
